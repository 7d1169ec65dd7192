"""The one way crimestats reads a YAML file: safe types only, and bounded resources.

Every YAML file crimestats reads (mapping files, release configurations) comes from a
user and may be hostile. ``yaml.safe_load`` already refuses arbitrary Python objects, but
not a file that exhausts the machine: a "billion laughs" document (anchors whose aliases
nest, so a few hundred bytes expand to 10^9 nodes when a consumer walks them), nesting
thousands of levels deep (Python's recursion limit, then a crash), or a gigabyte file.
:func:`read_yaml` refuses each before it costs anything, with one message that names the
file, the limit and the fix.

Each limit has a default far above any real mapping or release configuration (the bundled
ones are a few kilobytes, nest 5 levels and use no alias) and can be changed for one run
with an environment variable (see :class:`YamlLimits`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import yaml

from crimestats.errors import CrimestatsError, MappingError, UsageError

__all__ = ["LIMIT_VARIABLES", "YamlLimits", "read_yaml"]

LIMIT_VARIABLES = {
    "max_bytes": "CRIMESTATS_YAML_MAX_BYTES",
    "max_depth": "CRIMESTATS_YAML_MAX_DEPTH",
    "max_aliases": "CRIMESTATS_YAML_MAX_ALIASES",
    "max_nodes": "CRIMESTATS_YAML_MAX_NODES",
}
"""Environment variable that overrides each limit of :class:`YamlLimits`."""

MAX_LIMIT = 2**31 - 1
"""The largest value a limit variable takes: a bigger one is a typo, and past 2**63 the
file read itself overflows (an internal error instead of a message)."""


@dataclass(frozen=True, slots=True)
class YamlLimits:
    """What one YAML file may cost.

    ``max_bytes``: the file's size. ``max_depth``: nesting of lists and mappings.
    ``max_aliases``: how many ``*alias`` references the file may use. ``max_nodes``: how
    many values the document holds once every alias is expanded (what a billion-laughs
    file inflates).
    """

    max_bytes: int = 1_000_000
    max_depth: int = 50
    max_aliases: int = 100
    max_nodes: int = 100_000

    @classmethod
    def from_environment(cls) -> YamlLimits:
        """The defaults, each overridden by its ``CRIMESTATS_YAML_*`` variable if set."""
        values: dict[str, int] = {}
        for name, variable in LIMIT_VARIABLES.items():
            text = os.environ.get(variable)
            if text is None or not text.strip():
                continue
            try:
                number = int(text)
            except ValueError:
                number = 0
            if not 1 <= number <= MAX_LIMIT:
                raise UsageError(
                    f"{variable}={text!r} is not a whole number from 1 to {MAX_LIMIT}",
                    hint=f"set {variable} to a number such as {getattr(cls(), name)}, or unset it",
                )
            values[name] = number
        return cls(**values)


class _LimitError(Exception):
    """A limit was reached while reading; carries the message and the fix."""

    def __init__(self, problem: str, fix: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.fix = fix


def _raise_limit(what: str, limit: int, field: str) -> None:
    variable = LIMIT_VARIABLES[field]
    raise _LimitError(
        f"{what} (limit {limit}, {variable})",
        f"simplify the file; if it is genuine, raise the limit with {variable}=N",
    )


class _BoundedLoader(yaml.SafeLoader):
    """A SafeLoader that counts nesting and aliases while it composes the node graph."""

    def __init__(self, text: str, limits: YamlLimits) -> None:
        super().__init__(text)
        self.limits = limits
        self.depth = 0
        self.aliases = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > self.limits.max_aliases:
                _raise_limit(
                    f"uses more than {self.limits.max_aliases} aliases (*name)",
                    self.limits.max_aliases,
                    "max_aliases",
                )
        self.depth += 1
        try:
            if self.depth > self.limits.max_depth:
                _raise_limit(
                    f"is nested deeper than {self.limits.max_depth} levels",
                    self.limits.max_depth,
                    "max_depth",
                )
            node: yaml.Node | None = super().compose_node(parent, index)
            return node
        finally:
            self.depth -= 1

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[object, object]:
        """Refuse a key given twice: YAML would silently keep the last value.

        A release config with ``threshold: 3`` and, further down, ``threshold: 1`` used to
        publish with threshold 1. Keys brought in by a merge (``<<: *base``) may be
        overridden, as YAML intends; only keys written twice in one mapping are refused.
        """
        if isinstance(node, yaml.MappingNode):
            first_line: dict[object, int] = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=deep)
                line = key_node.start_mark.line + 1
                try:
                    earlier = first_line.get(key)
                except TypeError:  # an unhashable key: the constructor below names it
                    continue
                if earlier is None:
                    first_line[key] = line
                else:
                    raise _LimitError(
                        f"gives the key {key!r} twice (line {earlier} and line {line}); "
                        "YAML would silently use the last",
                        f"keep one {key}: line and delete the other",
                    )
        return super().construct_mapping(node, deep=deep)


def _expanded_size(node: yaml.Node, limits: YamlLimits) -> int:
    """How many nodes the document holds with every alias expanded (memoised, cycle-safe)."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(current: yaml.Node) -> int:
        key = id(current)
        if key in sizes:
            return sizes[key]
        if key in open_nodes:
            raise _LimitError(
                "has an alias inside the list or mapping it names (endless expansion)",
                "remove the self-referencing alias",
            )
        open_nodes.add(key)
        total = 1
        if isinstance(current, yaml.SequenceNode):
            total += sum(size(child) for child in current.value)
        elif isinstance(current, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in current.value)
        open_nodes.discard(key)
        if total > limits.max_nodes:
            _raise_limit(
                f"holds more than {limits.max_nodes} values once aliases are expanded",
                limits.max_nodes,
                "max_nodes",
            )
        sizes[key] = total
        return total

    return size(node)


def _parse(text: str, limits: YamlLimits) -> object:
    loader = _BoundedLoader(text, limits)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _expanded_size(node, limits)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def read_yaml(
    path: str | Path,
    *,
    what: str = "mapping file",
    option: str = "--mapping",
    error: type[CrimestatsError] = MappingError,
    limits: YamlLimits | None = None,
) -> tuple[object, str]:
    """Read and parse one YAML file within ``limits``; returns (document, file text).

    ``what`` and ``option`` name the file in messages ("mapping file", "--mapping");
    every problem is raised as ``error`` with a fix. ``limits`` defaults to
    :meth:`YamlLimits.from_environment`.
    """
    p = Path(path)
    bounds = limits or YamlLimits.from_environment()
    try:
        with p.open("rb") as handle:
            data = handle.read(bounds.max_bytes + 1)
    except FileNotFoundError:
        raise error(f"{what} {p} does not exist", hint=f"check the {option} path") from None
    except OSError as exc:
        raise error(
            f"cannot read {what} {p}: {exc.strerror or exc}", hint=f"check the {option} path"
        ) from None
    if len(data) > bounds.max_bytes:
        variable = LIMIT_VARIABLES["max_bytes"]
        raise error(
            f"{p}: {what} is larger than {bounds.max_bytes} bytes (limit {variable})",
            hint=f"check that this is the right file; if it is, raise the limit with {variable}=N",
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(
            f"cannot read {what} {p}: not UTF-8 text (byte {exc.start})",
            hint="save it as UTF-8 YAML",
        ) from None
    try:
        return _parse(text, bounds), text
    except _LimitError as exc:
        raise error(f"{p}: the {what} {exc.problem}", hint=exc.fix) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "somewhere"
        raise error(
            f"{p}: {where}: not valid YAML ({getattr(exc, 'problem', None) or exc})",
            hint="check indentation and quoting (quote values containing ':' or '#')",
        ) from None
    except (ValueError, OverflowError) as exc:  # e.g. an integer of 5000 digits
        raise error(
            f"{p}: a value cannot be read ({exc})", hint="quote the value or shorten it"
        ) from None
