"""Data labels read in the reader's language on the pages (issue 18, point 2), AppTest.

In French, Arabic and Chinese: the Overview Sankey names M49 regions and funds in the language,
the Regions page names regions, sub-regions and countries (CLDR), Compare names governments
as their countries, Explore and Sources show words where the warehouse holds codes
(``direct``, ``local_private``, flags, ``None``), and the KPI row's change in points uses the
locale's decimal sign.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from dashboard_fixtures import make_fixture_warehouse
from streamlit.testing.v1 import AppTest

from dashboard import i18n
from dashboard.i18n import catalogue, translator

APP = Path(__file__).resolve().parents[1] / "dashboard" / "app.py"
LANGS = ("fr", "ar", "zh")
# the codes of every data vocabulary, and what a missing value prints as
VOCABULARIES = ("stage", "group", "leg", "modality", "instrument", "kind", "flow_flag", "status",
                "channel")  # fmt: skip
CODES = {key.split(".", 1)[1] for key in catalogue("en") if key.split(".")[0] in VOCABULARIES}
RAW = CODES | {"None", "nan", "NaN", "<NA>", "unspecified", "via_fund"}
ENGLISH_PLACES = {"Africa", "Sub-Saharan Africa", "Western Africa", "Senegal", "Thailand",
                  "China"}  # fmt: skip


# what a reader of each language sees, written out (CLDR names, the catalogues' fund names)
EXPECT = {
    "fr": {"002": "Afrique", "202": "Afrique subsaharienne", "142": "Asie",
           "SEN": "Sénégal", "BFA": "Burkina Faso", "TGO": "Togo", "THA": "Thaïlande",
           "FRA": "France", "pgtf": "Fonds Pérez-Guerrero", "cities_fund": "Fonds des villes",
           "outlier": "Valeur aberrante", "not_reported": "Non communiqué",
           "points": "-62,3 points"},
    "ar": {"002": "أفريقيا", "202": "أفريقيا جنوب الصحراء الكبرى", "142": "آسيا",
           "SEN": "السنغال", "BFA": "بوركينا فاسو", "TGO": "توغو", "THA": "تايلاند",
           "FRA": "فرنسا", "pgtf": "صندوق بيريز - غيريرو", "cities_fund": "صندوق المدن",
           "outlier": "قيمة شاذة", "not_reported": "لم يبلغ عنه",
           "points": "-62.3 نقطة مئوية"},
    "zh": {"002": "非洲", "202": "撒哈拉以南非洲", "142": "亚洲", "SEN": "塞内加尔",
           "BFA": "布基纳法索", "TGO": "多哥", "THA": "泰国", "FRA": "法国",
           "pgtf": "佩雷斯-格雷罗信托基金", "cities_fund": "城市基金", "outlier": "异常值",
           "not_reported": "未报告", "points": "-62.3 个百分点"},
}  # fmt: skip


def test_the_expected_words_are_those_of_the_translation_layer():
    for lang, words in EXPECT.items():
        tr = translator(lang)
        assert [tr.region(c) for c in ("002", "202", "142")] == [
            words[c] for c in ("002", "202", "142")
        ]
        assert [tr.country(c) for c in ("SEN", "THA", "FRA")] == [
            words[c] for c in ("SEN", "THA", "FRA")
        ]
        assert tr.fund("pgtf") == words["pgtf"]
        assert tr.label("flow_flag", "outlier") == words["outlier"]
        assert tr.label("stage", None) == words["not_reported"]
        assert tr.points(-0.623) == words["points"]


@pytest.fixture(autouse=True)
def _english_after():
    yield
    i18n.set_language("en")


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_fixture_warehouse(tmp_path_factory.mktemp("labels") / "warehouse.duckdb")


def _open(lang: str, page: str, live: Path, tmp_path: Path, monkeypatch, dataset: str = "demo"):
    monkeypatch.setenv("FUNDFLOWS_WAREHOUSE", str(live))
    monkeypatch.setenv("FUNDFLOWS_STATE", str(tmp_path / "state.sqlite"))
    i18n.set_language(lang)  # widgets' format functions run in this thread
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.query_params["dataset"] = dataset
    at.query_params["lang"] = lang
    at.run()
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _figures(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def _texts_of(figure: dict) -> list[str]:
    """Every category label a chart shows: Sankey nodes, bar categories, map hover names."""
    out: list[str] = []
    for trace in figure["data"]:
        out += [str(x) for x in trace.get("node", {}).get("label", [])]
        if trace.get("type") == "bar" and trace.get("orientation") == "h":
            out += [str(y) for y in trace.get("y", [])]
        if trace.get("type") == "choropleth":
            out += [str(x) for x in trace.get("text", [])]
    return out


def _cells(at: AppTest, headers: bool = True) -> list[str]:
    """Text cells (and column headers) of every table on the page."""
    values: list[str] = []
    for frame in at.dataframe:
        df: pd.DataFrame = frame.value
        values += [str(c) for c in df.columns] if headers else []
        text = df.select_dtypes(exclude="number")  # an empty number cell shows blank
        values += [str(v) for v in text.to_numpy().ravel()]
    return values


@pytest.mark.parametrize("lang", LANGS)
def test_overview_names_regions_and_funds_in_the_language(lang, live, tmp_path, monkeypatch):
    at = _open(lang, "overview", live, tmp_path, monkeypatch)
    words = EXPECT[lang]
    labels = [x for fig in _figures(at) for x in _texts_of(fig)]
    assert words["002"] in labels, labels  # the demo's out-legs go to Africa
    assert words["pgtf"] in labels, labels
    assert words["cities_fund"] in labels, labels
    assert not ENGLISH_PLACES & set(labels), labels
    assert not [x for x in labels if x in RAW], labels
    # the share's change in points is written with the locale's decimal sign
    deltas = [m.proto.delta for m in at.metric if m.proto.delta]
    assert any(words["points"] in d for d in deltas), (words["points"], deltas)


@pytest.mark.parametrize("lang", LANGS)
def test_regions_names_regions_and_countries_in_the_language(lang, live, tmp_path, monkeypatch):
    at = _open(lang, "regions", live, tmp_path, monkeypatch)
    words = EXPECT[lang]
    labels = [x for fig in _figures(at) for x in _texts_of(fig)]
    assert f"{words['002']} · {words['202']}" in labels, labels
    for iso3 in ("SEN", "BFA", "TGO"):
        assert words[iso3] in labels, (iso3, labels)
    assert not ENGLISH_PLACES & set(labels), labels
    assert not [x for x in labels if x in RAW], labels


@pytest.mark.parametrize("lang", LANGS)
def test_compare_names_governments_as_their_countries(lang, live, tmp_path, monkeypatch):
    at = _open(lang, "compare", live, tmp_path, monkeypatch)
    words = EXPECT[lang]
    text = " ".join(m.value for m in at.markdown) + " ".join(_cells(at))
    assert words["THA"] in text
    assert words["FRA"] in text
    assert "Thailand" not in text
    # Thailand's peers are "Governments in Asia"
    assert any(words["142"] in s.value for s in at.markdown), [s.value for s in at.markdown]


@pytest.mark.parametrize("lang", LANGS)
def test_explore_and_sources_show_words_not_codes(lang, live, tmp_path, monkeypatch):
    at = _open(lang, "explore", live, tmp_path, monkeypatch, dataset="main")
    tr, words = translator(lang), EXPECT[lang]
    cells = _cells(at)
    assert tr.t("channel.direct") in cells, cells
    assert words["pgtf"] in cells, cells
    assert not [x for x in cells if x in RAW], cells
    at.toggle(key="ex_show_rows").set_value(True).run()
    assert not at.exception, at.exception
    cells = _cells(at, headers=False)
    assert tr.t("stage.paid") in cells, cells
    assert not [x for x in cells if x in RAW], sorted({x for x in cells if x in RAW})

    at.switch_page("app_pages/sources.py").run()
    assert not at.exception, at.exception
    cells = _cells(at)
    assert words["outlier"] in cells, cells  # the outlier list's flags
    assert words["not_reported"] in cells  # the review actor without a country
    assert not [x for x in cells if x in RAW], sorted({x for x in cells if x in RAW})
