"""Building crimestats errors for the MSE package and its command.

Why this exists: in ``crimestats.errors`` the subclasses list the builtin first
(``class UsageError(ValueError, CrimestatsError)``), so ``ValueError.__init__``
shadows ``CrimestatsError.__init__`` and ``UsageError("...", hint="...")`` raises a
``TypeError`` (and ``UsageError("...")`` has no ``hint``). Until that is fixed there,
these helpers set the error up through ``CrimestatsError.__init__`` directly, which is
correct both before and after the fix.
"""

from __future__ import annotations

from typing import TypeVar

from crimestats.errors import CrimestatsError, FileRefusedError, NotFoundError, UsageError

E = TypeVar("E", bound=CrimestatsError)


def build(cls: type[E], message: str, hint: str | None = None) -> E:
    """An instance of ``cls`` with ``message`` and ``hint`` set as ``CrimestatsError`` means."""
    err = cls.__new__(cls, message)
    CrimestatsError.__init__(err, message, hint=hint)
    return err


def refused(path: str, code: str, message: str, hint: str | None = None) -> FileRefusedError:
    """A file refused as a whole: ``path: message``, with its stable problem ``code``."""
    err = build(FileRefusedError, f"{path}: {message}", hint)
    err.path = path
    err.code = code
    return err


def usage(message: str, hint: str | None = None) -> UsageError:
    """Options that cannot work."""
    return build(UsageError, message, hint)


def not_found(message: str, hint: str | None = None) -> NotFoundError:
    """A named file that does not exist."""
    return build(NotFoundError, message, hint)


__all__ = ["build", "not_found", "refused", "usage"]
