"""YAML configuration files read through pydantic models, refused with one message and a fix.

Why: a configuration a user writes (an ingest mapping, a release configuration) is a
decision that must be read exactly as written or refused, never half-read. Both are
declared as pydantic models, so that the shape of each file is declared once, as types:
strict types (``"3"`` is not a number, ``"false"`` is not a boolean), unknown keys
refused (``extra="forbid"``: a misspelt ``epsilon`` must not fall back to a default),
frozen results. What pydantic cannot say as a type (a rounding ``base`` only with
``method: rounding``, a regular expression RE2 accepts) is a validator that raises
:class:`ConfigValueError`.

pydantic reports every error it finds, in its own words; a user gets ONE message, in
ours: :func:`validate` turns the first error into ``<file>: <key path>: <problem>``
with ``fix: ...`` (:class:`~crimestats.errors.CrimestatsError`'s hint). The key path is
written as in the file, ``tables[1].method``, ``fields.weapon.pad``; the fix is the
field's own (:class:`Fix`), or one made from the expected type (the allowed values of an
enum or a literal, the shape of a mapping).
"""

from __future__ import annotations

import math
import re
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, GetCoreSchemaHandler, ValidationError, model_validator
from pydantic.fields import FieldInfo
from pydantic_core import core_schema

from crimestats.errors import CrimestatsError

Loc = tuple[str | int, ...]
M = TypeVar("M", bound="Schema")


class ConfigValueError(ValueError):
    """A validator's finding: what is wrong and the fix; ``at`` is a key path below the
    place being validated (``("unmapped",)``) when the problem belongs to one key."""

    def __init__(self, problem: str, fix: str, *, at: Loc = (), default_fix: bool = False) -> None:
        super().__init__(problem)
        self.problem = problem
        self.fix = fix
        self.at = at
        self.default_fix = default_fix
        """The fix is a generic one: a key's own :class:`Fix` replaces it."""


@dataclass(frozen=True, slots=True)
class Fix:
    """The fix printed when a key's value is wrong or missing (``Annotated[int, Fix(...)]``)."""

    text: str


@dataclass(frozen=True, slots=True)
class Between:
    """A number from ``low`` to ``high`` (either may be None); ``whole`` refuses 2.5.

    A finite number is required (``.nan`` and ``.inf`` are refused): a YAML float that
    is not a number is a slip, never a setting.
    """

    low: float | None = None
    high: float | None = None
    above: bool = False
    """``low`` itself is refused (a budget ``> 0``)."""
    below: bool = False
    """``high`` itself is refused (a level ``< 1``)."""

    def check(self, value: float) -> float:
        """The value, or a :class:`ConfigValueError` saying the range."""
        low_ok = self.low is None or (value > self.low if self.above else value >= self.low)
        high_ok = self.high is None or (value < self.high if self.below else value <= self.high)
        if math.isfinite(value) and low_ok and high_ok:
            return value
        low, high = _plain(self.low), _plain(self.high)
        if self.low is not None and self.high is not None and not (self.above or self.below):
            problem, span = f"{value!r} is outside {low}..{high}", f"from {low} to {high}"
        elif self.low is not None and self.high is not None:
            span = f"between {low} and {high}"
            problem = f"{value!r} is not {span}"
        elif self.low is not None:
            span = f"{'>' if self.above else '>='} {low}"
            problem = f"{value!r} is not {span}"
        else:
            span = f"{'<' if self.below else '<='} {high}"
            problem = f"{value!r} is not {span}"
        raise ConfigValueError(problem, f"write a number {span}", default_fix=True)

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self.check, handler(source))


@dataclass(frozen=True, slots=True)
class Matches:
    """Text that ``pattern`` matches whole (a name, an id), else ``'x' is not <what>``.

    Use as ``PlainValidator(Matches(pattern, "a file stem", fix).check)``: a number or a
    list is refused by its kind, never turned into text.
    """

    pattern: re.Pattern[str]
    what: str
    fix: str

    def check(self, raw: object) -> str:
        """The text, or a :class:`ConfigValueError` naming what it should be."""
        if isinstance(raw, str) and self.pattern.fullmatch(raw):
            return raw
        shown = repr(raw) if isinstance(raw, str) else kind(raw)
        raise ConfigValueError(f"{shown} is not {self.what}", self.fix)


@dataclass(frozen=True, slots=True)
class OneOf:
    """One of a fixed set of words: ``unknown <key> 'x'``, with the words as the fix.

    The key's name in the message is the field's (``unknown target 'prisons'``), so one
    declaration serves every key that takes a word from a list.
    """

    options: tuple[str, ...]

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        def check(value: object, info: core_schema.ValidationInfo) -> str:
            if isinstance(value, str) and value in self.options:
                return value
            shown = repr(value) if isinstance(value, str) else kind(value)
            raise ConfigValueError(
                f"unknown {info.field_name or 'value'} {shown[:80]}",
                f"use one of: {', '.join(self.options)}",
            )

        return core_schema.with_info_plain_validator_function(check)


def _plain(value: float | None) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def kind(value: object) -> str:
    """What a YAML value is, for messages: ``a list``, ``int 7``, ``nothing (null)``."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a true/false ({value!r})"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"{type(value).__name__} {value!r}"[:80]


class Schema(BaseModel):
    """Base of every configuration model: strict, closed to unknown keys, frozen.

    ``SHAPE`` shows the expected form in a fix (``{width: 4, char: '0'}``). Unknown keys
    are listed all at once, with the keys the level allows: pydantic's ``extra="forbid"``
    would refuse them too, one error each and without the list.
    """

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)
    SHAPE: ClassVar[str] = "{key: value}"

    @classmethod
    def keys(cls) -> tuple[str, ...]:
        """The keys this level of the file allows, as written in the file."""
        return tuple(f.alias or name for name, f in cls.model_fields.items())

    @classmethod
    def prepare(cls, data: object) -> object:
        """A hook to rewrite the raw value before it is checked (a short form...)."""
        return data

    @model_validator(mode="before")
    @classmethod
    def _a_mapping_of_known_keys(cls, data: object) -> object:
        if isinstance(data, cls):
            return data
        data = cls.prepare(data)
        if not isinstance(data, dict):
            raise ConfigValueError(
                f"expected a mapping, got {kind(data)}", f"write it as {cls.SHAPE}"
            )
        allowed = cls.keys()
        unknown = sorted(str(k) for k in data if k not in allowed)
        if unknown:
            raise ConfigValueError(f"unknown key(s) {unknown}", f"use only: {', '.join(allowed)}")
        return data


def key_path(loc: Loc) -> str:
    """``("tables", 1, "method")`` -> ``tables[1].method``; ``()`` -> ``top level``."""
    out = ""
    for i, part in enumerate(loc):
        if part == "[key]" or loc[i + 1 : i + 2] == ("[key]",):
            continue  # a mapping's key that is itself wrong: the mapping is the place
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "top level"


def _unwrap(tp: Any) -> tuple[Any, list[Any]]:
    """The type inside ``Annotated`` and ``X | None``, and the Annotated metadata."""
    meta: list[Any] = []
    while True:
        if get_origin(tp) is Annotated:
            tp, *more = get_args(tp)
            meta += more
        elif get_origin(tp) in (Union, types.UnionType):
            args = [a for a in get_args(tp) if a is not type(None)]
            if len(args) != 1:
                return tp, meta
            tp = args[0]
        else:
            return tp, meta


@dataclass(slots=True)
class _Declared:
    """What the models declare at a key path: the model holding it and the fix."""

    model: type[Schema] | None = None
    fix: str | None = None


def _declared(root: type[Schema], loc: Loc) -> _Declared:
    """Walk the models' annotations along ``loc`` (fields, list items, mapping values)."""
    found = _Declared()
    tp: Any = root
    for part in loc:
        tp, _ = _unwrap(tp)
        if isinstance(tp, type) and issubclass(tp, Schema):
            names = {f.alias or n: n for n, f in tp.model_fields.items()}
            if part not in names:
                return _Declared(tp)
            info: FieldInfo = tp.model_fields[names[str(part)]]
            found = _Declared(tp, _fix(info.metadata))
            tp = info.annotation
        elif get_origin(tp) in (list, tuple) or get_origin(tp) is dict:
            tp = get_args(tp)[-1 if get_origin(tp) is dict else 0]
            found.fix = _fix(_unwrap(tp)[1]) or found.fix
        else:
            return found
    tp, meta = _unwrap(tp)
    found.fix = _fix(meta) or found.fix
    if isinstance(tp, type) and issubclass(tp, Schema):
        found.fix = found.fix or f"write it as {tp.SHAPE}"
    return found


def _fix(meta: list[Any]) -> str | None:
    return next((m.text for m in meta if isinstance(m, Fix)), None)


_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")

_TYPES: Mapping[str, tuple[str, str]] = {
    "int_type": ("expected a whole number", "write a whole number"),
    "int_from_float": ("expected a whole number", "write a whole number"),
    "float_type": ("expected a number", "write a plain number"),
    "bool_type": ("expected true or false", "write true or false"),
    "string_type": ("expected text", "write one value (quote it)"),
    "list_type": ("expected a list", "write it as [A, B]"),
    "tuple_type": ("expected a list", "write it as [A, B]"),
    "dict_type": ("expected a mapping", "write it as {key: value}"),
}


def _message(error: Any, root: type[Schema]) -> tuple[Loc, str, str]:
    """The key path, the problem and the fix of one pydantic error."""
    loc: Loc = tuple(error["loc"])
    ctx = error.get("ctx") or {}
    cause = ctx.get("error")
    if isinstance(cause, ConfigValueError):
        own = _declared(root, loc + cause.at).fix if cause.default_fix else None
        return loc + cause.at, cause.problem, own or cause.fix
    value = error.get("input")
    kind_ = error["type"]
    declared = _declared(root, loc)
    if kind_ == "missing":
        shape = f"write it as {declared.model.SHAPE}" if declared.model else f"add {loc[-1]}"
        return loc[:-1], f"{loc[-1]} is missing", declared.fix or shape
    if kind_ in ("literal_error", "enum"):
        name = next((str(p) for p in reversed(loc) if isinstance(p, str)), "value")
        shown = repr(value) if isinstance(value, str) else kind(value)
        options = ", ".join(_QUOTED.findall(ctx.get("expected", "")))
        return loc, f"unknown {name} {shown[:80]}", f"use one of: {options}"
    if kind_ in _TYPES:
        problem, fix = _TYPES[kind_]
        return loc, f"{problem}, got {kind(value)}", declared.fix or fix
    if kind_ == "too_short":
        if ctx.get("actual_length") == 0:
            return loc, "the list is empty", declared.fix or "write at least one value"
        return loc, f"fewer than {ctx.get('min_length')} values", declared.fix or "list more"
    if kind_ == "too_long":
        return loc, f"more than {ctx.get('max_length')} values", "list fewer"
    if kind_ == "string_too_long":
        return loc, f"text longer than {ctx.get('max_length')} characters", "shorten it"
    return loc, f"{kind(value)} is not accepted here", declared.fix or "see the documentation"


def validate(
    model: type[M],
    doc: object,
    *,
    where: str,
    error: Callable[..., CrimestatsError],
    context: dict[str, Any] | None = None,
) -> M:
    """``doc`` read as ``model``, or ONE ``error`` naming ``where``, the key path and a fix.

    ``error`` is the error class of the file's kind (``UsageError``, ``MappingError``);
    ``context`` reaches the validators (``info.context``), e.g. an engine to check
    patterns with.
    """
    try:
        return model.model_validate(doc, context=context)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        loc, problem, fix = _message(first, model)
        raise error(f"{where}: {key_path(loc)}: {problem}", hint=fix) from None


__all__ = ["Between", "ConfigValueError", "Fix", "OneOf", "Schema", "key_path", "kind", "validate"]
