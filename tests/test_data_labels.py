"""Data labels and numbers in the reader's language (issue 18, points 2 and 3): the helpers of
``dashboard/i18n.py`` and the table helper ``dashboard/data_labels.py``."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from dashboard import data_labels, i18n, m49
from dashboard.i18n import LANGUAGES, translator

ROOT = Path(__file__).resolve().parents[1]
FOUR_FUNDS = ("pgtf", "unfssc", "cities_fund", "dgttf")


@pytest.fixture(autouse=True)
def _english_after():
    yield
    i18n.set_language("en")


def test_m49_regions_read_in_each_language_by_code_or_english_name():
    assert [translator(lang).region("002") for lang in LANGUAGES] == [
        "Africa", "Afrique", "África", "Африка", "أفريقيا", "非洲"]  # fmt: skip
    assert translator("fr").region("Sub-Saharan Africa") == "Afrique subsaharienne"
    assert translator("ru").region(202) == "Африка к югу от Сахары"  # M49's, not CLDR's
    assert translator("es").region("Latin America and the Caribbean") == (
        "América Latina y el Caribe"
    )
    assert translator("zh").region("142") == "亚洲"
    assert translator("en").region("South-eastern Asia") == "South-eastern Asia"  # UNSD's


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_m49_region_has_a_name_that_is_not_a_code(lang: str):
    names = {code: translator(lang).region(code) for code in m49.ENGLISH}
    assert all(name and not name.isdigit() for name in names.values()), names
    if lang != "en":  # CLDR names them; at most a handful are spelled as in English
        same = [c for c in m49.ENGLISH if names[c] == m49.ENGLISH[c]]
        assert len(same) <= 4, same


def test_a_missing_or_foreign_region_never_reads_as_none_or_a_code():
    fr = translator("fr")
    assert fr.region(None) == "Non précisé"
    assert fr.region("unspecified") == "Non précisé"
    assert fr.region(float("nan")) == "Non précisé"
    assert fr.region("Sahel (publisher's own)") == "Sahel (publisher's own)"


def test_countries_come_from_cldr_with_english_then_the_code_as_fallback():
    assert [translator(lang).country("DEU") for lang in LANGUAGES] == [
        "Germany", "Allemagne", "Alemania", "Германия", "ألمانيا", "德国"]  # fmt: skip
    assert translator("fr").country("XKX", "Kosovo") == "Kosovo"
    assert translator("fr").country(None) == "Non communiqué"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_four_funds_have_a_name_and_a_short_name_in_the_language(lang: str):
    tr = translator(lang)
    for fund in FOUR_FUNDS:
        name, short = tr.fund(fund, short=False), tr.fund(fund)
        assert name, fund
        assert short, fund
        assert "⟦" not in name + short, (fund, name, short)
        if lang in ("ar", "zh"):  # written in the language's own script
            assert not any("a" <= ch.lower() <= "z" for ch in name + short), (fund, name)


def test_the_reference_fund_table_has_the_four_funds_in_six_languages():
    with (ROOT / "data" / "reference" / "funds.csv").open(encoding="utf-8") as handle:
        rows = {row["fund_id"]: row for row in csv.DictReader(handle)}
    for fund in FOUR_FUNDS:
        missing = [lang for lang in LANGUAGES if not rows[fund][f"name_{lang}"].strip()]
        assert not missing, (fund, missing)
        assert rows[fund]["name_zh"] == translator("zh").fund(fund, short=False)
        assert rows[fund]["name_ar"] == translator("ar").fund(fund, short=False)


def test_vocabulary_values_fall_back_to_words_never_to_none_or_a_code():
    fr = translator("fr")
    assert fr.label("leg", "direct") == "Direct (sans intermédiaire)"
    assert fr.label("instrument", "in_kind") == "En nature"
    assert fr.label("flow_flag", "no_fx_rate") == "Sans taux de change"
    assert fr.label("stage", None) == "Non communiqué"
    assert fr.label("stage", float("nan")) == "Non communiqué"
    assert fr.label("kind", "brand_new_kind") == "brand new kind"
    assert translator("zh").label("leg", "in") == "流入基金或中介"


def test_points_and_signed_changes_use_the_locales_signs():
    assert translator("en").points(0.147) == "+14.7 pts"
    assert translator("fr").points(0.147) == "+14,7 points"
    assert translator("es").points(0.147) == "+14,7 puntos"
    assert translator("ru").points(0.147) == "+14,7 п. п."
    assert translator("zh").points(-0.623) == "-62.3 个百分点"
    assert translator("fr").percent(0.06, signed=True) == "+6,0%"
    assert translator("fr").decimal(1234.5) == "1\u202f234,5"


def test_chart_hover_numbers_take_the_locales_separators():
    assert translator("en").separators() == ".,"
    assert translator("fr").separators() == ",\u202f"
    assert translator("es").separators() == ",."
    assert translator("ru").separators() == ",\u00a0"


def test_arabic_keeps_cldr_ar_latin_digits():
    """The choice stated in the README: digits as CLDR's ``ar`` locale writes them (Latin)."""
    assert translator("ar").money(285_600_000).startswith("285.6")
    assert translator("ar").decimal(1234.5) == "1,234.5"


def test_a_table_reads_in_words_and_keeps_numbers_and_ids():
    i18n.set_language("fr")
    frame = pd.DataFrame({
        "flow_id": ["u1", "u2"], "stage": ["paid", None], "leg": ["direct", "out"],
        "flags": [["outlier", "no_fx_rate"], None], "country_iso3": ["SEN", None],
        "region": ["Africa", None], "contributor": ["China", "City of Lyon"],
        "fund": ["local_private", "pgtf"], "amount_usd": [1.5, None], "note": [None, "x"],
    })  # fmt: skip
    shown = data_labels.localise(frame, {"pgtf": "PGTF"})
    assert shown.to_dict("list") == {
        "flow_id": ["u1", "u2"],
        "stage": ["Versé", "Non communiqué"],
        "leg": ["Direct (sans intermédiaire)", "Sortie d'un fonds ou intermédiaire"],
        "flags": ["Valeur aberrante, Sans taux de change", ""],
        "country_iso3": ["Sénégal", "Non communiqué"],
        "region": ["Afrique", "Non précisé"],
        "contributor": ["Chine", "City of Lyon"],
        "fund": ["Financement privé local", "Fonds Pérez-Guerrero"],
        "amount_usd": pytest.approx([1.5, float("nan")], nan_ok=True),
        "note": ["–", "x"],
    }
    assert frame["stage"].tolist()[0] == "paid"  # the page's own frame keeps its codes


def test_the_status_share_labels_use_the_locales_percent():
    from dashboard.charts import geo

    i18n.set_language("fr")
    fig = geo.status_shares({"total": 1000, "ldc": 757, "lldc": 0, "sids": 1000})
    assert list(fig.data[0].text) == ["75,7%", "0,0%", "100,0%"]  # was "76%" in any language


def test_the_filter_panel_names_funds_countries_and_regions_in_the_language():
    from dashboard import filters

    i18n.set_language("zh")
    labels = {"fund": {"pgtf": "PGTF", "zz": "ZZ fund"}, "recipient_country": {"SEN": "Senegal"},
              "region": {"2": "Africa", "298": "Africa, regional"}}  # fmt: skip
    fund = filters._label_of(labels, "fund")
    assert fund("pgtf") == "佩雷斯-格雷罗信托基金"
    assert fund("direct") == "直接（不经基金）"
    assert fund("zz") == "ZZ fund"  # a fund without a translation keeps its English name
    assert filters._label_of(labels, "recipient_country")("SEN") == "塞内加尔"
    region = filters._label_of(labels, "region")
    assert [region("2"), region("298")] == ["非洲", "Africa, regional"]  # DAC's own as named


def test_the_deck_sankey_names_funds_and_regions_in_the_decks_language(tmp_path):
    from dashboard_fixtures import make_fixture_warehouse

    from dashboard.filter_state import Filters
    from dashboard.present import story_views
    from pipelines.store import warehouse

    live = make_fixture_warehouse(tmp_path / "warehouse.duckdb")
    i18n.set_language("ru")  # as dashboard/present/story.py does before building a view
    con = warehouse.connect_reader(live)
    try:
        view = story_views._sankey(con, Filters(dataset="demo"), translator("ru"))
    finally:
        con.close()
    labels = list(view.figure.data[0].node.label)
    assert "Африка" in labels  # not "Africa"
    assert "Фонд Переса Герреро" in labels  # not "PGTF"
