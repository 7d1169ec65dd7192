"""crimestats.dp exports exactly its __all__, each documented."""

from __future__ import annotations

import inspect

import crimestats.dp as dp_package


def test_all_names_exist_and_are_documented() -> None:
    for name in dp_package.__all__:
        obj = getattr(dp_package, name)
        if isinstance(obj, type) or inspect.isfunction(obj):
            assert obj.__doc__, name


def test_public_names_are_exactly_all() -> None:
    public = {n for n in dir(dp_package) if not n.startswith("_")}
    modules = {n for n in public if type(getattr(dp_package, n)).__name__ == "module"}
    assert public - modules - {"annotations"} == set(dp_package.__all__)
