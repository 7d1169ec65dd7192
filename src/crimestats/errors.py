"""The one error root of crimestats, and its tree.

Every error a user can meet is a :class:`CrimestatsError`. Each subclass also inherits
the builtin exception it resembles, so callers that already catch ``ValueError`` or
``OSError`` keep working. Every message says what went wrong, where, and what to do.

::

    CrimestatsError
    ├── UsageError(ValueError)          a command was called with options that cannot work
    ├── MappingError(ValueError)        a mapping (adapter) file is invalid
    ├── FileRefusedError(ValueError)    an input file cannot be loaded at all (nothing loaded)
    ├── StoreError(RuntimeError)        the store cannot be opened, migrated or written
    │   └── StoreLockedError            another process holds the store
    ├── NotFoundError(LookupError)      a named thing (file, source, code) does not exist
    ├── MaskingError(ValueError)        points cannot be masked as asked (geomask)
    └── ProtectionError(RuntimeError)   disclosure control could not be completed
        ├── SuppressionError            the suppression model was not solved within limits
        └── AuditError                  linked tables could not be repaired

Row-level problems are *not* exceptions: they are data (``crimestats.validation``),
gathered into a report, and rows with errors go to quarantine.
"""

from __future__ import annotations


class CrimestatsError(Exception):
    """Root of every error crimestats raises on purpose.

    ``hint`` says what to do next; the CLI prints it under the message.
    """

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message}\n  fix: {self.hint}"
        return self.message


class UsageError(CrimestatsError, ValueError):
    """A command was called with options that cannot work together."""


class MappingError(CrimestatsError, ValueError):
    """A mapping file is not valid: names the file, the key and the fix."""


class FileRefusedError(CrimestatsError, ValueError):
    """An input file was refused as a whole; nothing of it was loaded.

    ``code`` is a stable problem code (``file-line-too-long``, ``file-truncated``...), named
    where the file is refused (e.g. ``crimestats.ingest.file_inspect``).
    """

    def __init__(self, path: str, code: str, message: str, *, hint: str | None = None) -> None:
        super().__init__(f"{path}: {message}", hint=hint)
        self.path = path
        self.code = code


class StoreError(CrimestatsError, RuntimeError):
    """The store cannot be opened, migrated or written."""


class StoreLockedError(StoreError):
    """Another process has the store open for writing."""


class NotFoundError(CrimestatsError, LookupError):
    """A named file, source or code does not exist."""

    def __str__(self) -> str:  # LookupError would quote the message otherwise
        return CrimestatsError.__str__(self)


class MaskingError(CrimestatsError, ValueError):
    """Points cannot be masked as asked (bad coordinates, too few locations, bad k)."""


class ProtectionError(CrimestatsError, RuntimeError):
    """Disclosure control could not be completed: nothing may be published from it."""


class SuppressionError(ProtectionError):
    """The suppression model could not be solved within its limits."""


class AuditError(ProtectionError):
    """A protection could not be completed: linked tables were not repaired (not a leak).

    A solver that fails outright is a bug
    (:class:`crimestats.privacy.audit.SolverFailureError`), which no fallback catches.
    """


__all__ = [
    "AuditError",
    "CrimestatsError",
    "FileRefusedError",
    "MappingError",
    "MaskingError",
    "NotFoundError",
    "ProtectionError",
    "StoreError",
    "StoreLockedError",
    "SuppressionError",
    "UsageError",
]
