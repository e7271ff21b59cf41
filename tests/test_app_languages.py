"""Every page of the app renders in each of the six UN languages (AppTest), with no exception
and no untranslated key marker (``⟦key⟧``) anywhere on the page or in the sidebar."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from dashboard_fixtures import make_fixture_warehouse
from google.protobuf import text_format
from streamlit.testing.v1 import AppTest

from dashboard import i18n
from dashboard.filter_state import PAGES
from dashboard.i18n import LANGUAGES, catalogue
from dashboard.present import chart_images as chart_export

APP = Path(__file__).resolve().parents[1] / "dashboard" / "app.py"
PAGE_FILES = [p for p in PAGES if (APP.parent / "app_pages" / f"{p}.py").is_file()]
MARKER = re.compile(r"⟦[^⟧]*⟧")


@pytest.fixture(autouse=True)
def _test_thread_language():
    """AppTest runs the script in its own thread but evaluates widgets' format functions in
    this one; i18n keeps the language per thread, so this thread must speak the page's."""
    yield
    i18n.set_language("en")


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_fixture_warehouse(tmp_path_factory.mktemp("langs") / "warehouse.duckdb")


def _text(node, out: list[str]) -> list[str]:
    proto = getattr(node, "proto", None)
    if proto is not None:
        out.append(text_format.MessageToString(proto, as_utf8=True))
    children = getattr(node, "children", None) or {}
    for child in children.values() if isinstance(children, dict) else children:
        _text(child, out)
    return out


def _page_text(at: AppTest) -> str:
    return "\n".join(_text(at.main, []) + _text(at.sidebar, []))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_renders_in_the_language(lang: str, live: Path, tmp_path, monkeypatch):
    monkeypatch.setenv("FUNDFLOWS_WAREHOUSE", str(live))
    monkeypatch.setenv("FUNDFLOWS_STATE", str(tmp_path / "state.sqlite"))
    i18n.set_language(lang)
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["dataset"] = "demo"
    at.query_params["lang"] = lang
    at.run()
    assert PAGE_FILES, "no pages found"
    sidebar_title = catalogue(lang)["filters.title"]
    for page in PAGE_FILES:
        at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception, f"{lang}/{page}: {[e.value for e in at.exception]}"
        text = _page_text(at)
        assert not MARKER.findall(text), f"{lang}/{page}: {sorted(set(MARKER.findall(text)))}"
        assert sidebar_title in text, f"{lang}/{page}: sidebar not in {lang}"
        if lang != "en":  # the language is part of the permalink
            assert lang in at.query_params["lang"], f"{lang}/{page}: {at.query_params}"


def test_present_page_counts_slides_and_steps_in_french(live: Path, tmp_path, monkeypatch):
    monkeypatch.setenv("FUNDFLOWS_WAREHOUSE", str(live))
    monkeypatch.setenv("FUNDFLOWS_STATE", str(tmp_path / "state.sqlite"))
    i18n.set_language("fr")
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["dataset"] = "demo"
    at.query_params["lang"] = "fr"
    at.run()
    at.switch_page("app_pages/present.py").run()
    assert "Diapositive 1 sur 5" in _page_text(at)
    assert "2,1\u00a0M\u00a0$US transférés, 2\u00a0M\u00a0$US promis" in _page_text(at)
    at.pagination(key="present_slide").set_value(4).run()
    text = _page_text(at)
    assert "Diapositive 4 sur 5" in text
    assert "Montants reçus par pays" in text
    assert "Sénégal a reçu le plus : 300\u00a0k\u00a0$US" in text


def test_present_page_never_draws_server_side_images_on_a_rerun(live: Path, tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("kaleido was called on an ordinary rerun")

    monkeypatch.setattr(chart_export, "to_bytes", refuse)
    monkeypatch.setenv("FUNDFLOWS_WAREHOUSE", str(live))
    monkeypatch.setenv("FUNDFLOWS_STATE", str(tmp_path / "state.sqlite"))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["dataset"] = "demo"
    at.run()
    at.switch_page("app_pages/present.py").run()
    for slide in range(2, 6):
        at.pagination(key="present_slide").set_value(slide).run()
        assert not at.exception, at.exception
    # the deck files are built only when asked for: two "prepare" buttons, no file yet
    assert [b.key for b in at.button] == ["present_prepare_pptx", "present_prepare_pdf"]
    assert len(at.get("download_button")) == 0


def test_present_page_builds_the_deck_when_asked_and_offers_its_download(
    live: Path, tmp_path, monkeypatch
):
    monkeypatch.setenv("FUNDFLOWS_WAREHOUSE", str(live))
    monkeypatch.setenv("FUNDFLOWS_STATE", str(tmp_path / "state.sqlite"))
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params["dataset"] = "demo"
    at.run()
    at.switch_page("app_pages/present.py").run()
    at.button(key="present_prepare_pptx").click().run()
    assert not at.exception, at.exception
    offered = at.get("download_button")
    assert len(offered) == 1
    assert "PPTX" in offered[0].proto.label
