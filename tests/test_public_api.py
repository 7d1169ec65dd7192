"""The curated public API: exactly what ``__all__`` lists, each documented (httpx style)."""

from __future__ import annotations

import crimestats


def test_all_names_exist_and_are_documented() -> None:
    for name in crimestats.__all__:
        obj = getattr(crimestats, name)
        assert obj.__doc__, name


def test_public_names_are_exactly_all() -> None:
    public = {n for n in dir(crimestats) if not n.startswith("_")}
    modules = {n for n in public if type(getattr(crimestats, n)).__name__ == "module"}
    helpers = {"annotations", "import_module", "TYPE_CHECKING", "Any"}
    assert public - modules - helpers == set(crimestats.__all__)


def test_errors_share_one_root_and_the_builtin() -> None:
    assert issubclass(crimestats.MappingError, ValueError)
    assert issubclass(crimestats.StoreError, RuntimeError)
    assert issubclass(crimestats.NotFoundError, LookupError)
    for err in (crimestats.MappingError, crimestats.StoreError, crimestats.FileRefusedError):
        assert issubclass(err, crimestats.CrimestatsError)
    error = crimestats.MappingError("bad key", hint="fix it")
    assert str(error) == "bad key\n  fix: fix it"
