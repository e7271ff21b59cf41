"""The type checker in ``make lint``: mypy, strict on ``pipelines/``, pinned and locked.

The configuration tests are quick; the run itself (about 25 s with a cold cache) is a
``long`` variant. ``pipelines.store.rows.one`` is the typed ``fetchone()`` the code uses.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from pipelines.store.rows import one

ROOT = Path(__file__).resolve().parents[1]
MYPY = "mypy==2.4.1"


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_mypy_is_strict_on_pipelines():
    config = _pyproject()["tool"]["mypy"]
    assert config["strict"] is True
    assert config["files"] == ["pipelines"]
    assert config["python_version"] == "3.11"
    assert "ignore-without-code" in config["enable_error_code"]
    assert not {"ignore_missing_imports", "ignore_errors"} & set(config)


def test_only_named_third_party_modules_skip_missing_types():
    overrides = _pyproject()["tool"]["mypy"]["overrides"]
    assert overrides
    for override in overrides:
        assert set(override) == {"module", "ignore_missing_imports"}, override
        modules = override["module"]
        assert all(not m.startswith(("pipelines", "dashboard")) for m in modules), modules
        assert "*" not in modules


def test_mypy_and_its_stubs_are_pinned_in_dev_and_locked():
    dev = _pyproject()["project"]["optional-dependencies"]["dev"]
    assert MYPY in dev
    typing_pins = [d for d in dev if re.match(r"(mypy|types-|.*-stubs)", d)]
    assert all("==" in d for d in typing_pins), typing_pins
    lock = (ROOT / "uv.lock").read_text(encoding="utf-8")
    for pin in typing_pins:
        name, version = pin.split("==")
        assert f'name = "{name}"\nversion = "{version}"' in lock, pin


def test_make_lint_runs_mypy_after_ruff():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^lint:.*\n\t(.+)$", makefile, re.MULTILINE)
    assert recipe is not None
    steps = [s.strip() for s in recipe.group(1).split("&&")]
    assert steps == [
        "$(PY) -m ruff check .",
        "$(PY) -m ruff format --check .",
        "$(PY) -m mypy",
    ]


def test_one_gives_the_row_a_query_returned():
    assert one((3, "x")) == (3, "x")


def test_one_names_a_missing_row():
    with pytest.raises(LookupError, match="no row"):
        one(None)


@pytest.mark.long
def test_pipelines_pass_the_type_checker(tmp_path, monkeypatch):
    from mypy import api

    monkeypatch.chdir(ROOT)  # pyproject.toml's [tool.mypy] and its files = ["pipelines"]
    stdout, stderr, status = api.run(["--cache-dir", str(tmp_path / "cache")])
    assert status == 0, stdout + stderr
    assert stdout.startswith("Success: no issues found"), stdout
