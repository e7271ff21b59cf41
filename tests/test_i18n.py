"""One translation function and one place for number formats."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from dashboard import i18n
from dashboard.filter_state import KINDS, MODALITIES, PAGES, STAGE_GROUPS, STAGES, STATUSES

DASHBOARD = Path(i18n.__file__).resolve().parent
MY_CODE = ["app.py", "charts/flows.py", "charts/geo.py", "components.py", "filters.py",
           "charts/kpis.py", "page_kit.py", "app_pages/overview.py", "app_pages/funds.py",
           "app_pages/regions.py", "app_pages/sources.py"]  # fmt: skip


@pytest.fixture(autouse=True)
def english():
    i18n.set_language("en")
    yield
    i18n.set_language("en")


def test_t_fills_placeholders_from_the_catalogue():
    assert i18n.t("flag.no_rate", n=12) == "12 flows without exchange rate not included"


def test_a_missing_key_is_visible_not_an_exception():
    assert i18n.t("no.such_key") == "⟦no.such_key⟧"


def test_an_unknown_language_falls_back_to_english():
    i18n.set_language("tlh")
    assert i18n.language() == "en"
    assert i18n.t("page.overview") == "Overview"


def test_english_is_offered_first():
    assert i18n.available_languages()[0] == "en"


def literal_keys() -> set[str]:
    keys = set()
    for name in MY_CODE:
        text = (DASHBOARD / name).read_text(encoding="utf-8")
        keys |= set(re.findall(r'\bt\(\s*"([a-z_0-9]+\.[a-z_0-9.]+)"', text))
    return keys


def test_every_literal_key_the_dashboard_uses_is_in_the_english_catalogue():
    keys = literal_keys()
    assert len(keys) > 60
    assert sorted(k for k in keys if not i18n.has_key(k)) == []


@pytest.mark.parametrize(
    ("section", "codes"),
    [("stage", STAGES), ("group", STAGE_GROUPS), ("modality", MODALITIES), ("kind", KINDS),
     ("status", STATUSES), ("page", PAGES), ("kpi", ("promised", "ss_share_help"))],
)  # fmt: skip
def test_every_vocabulary_value_has_a_display_name(section, codes):
    assert [c for c in codes if not i18n.has_key(f"{section}.{c}")] == []


def test_money_is_compact_with_the_currency_sign():
    assert i18n.money(15_500_000, "USD") == "$15.5M"
    assert i18n.money(1234, "EUR") == "€1.2K"
    assert i18n.money(999, "USD") == "$999"
    assert i18n.money(None, "USD") == "–"
    assert i18n.money(float("nan"), "USD") == "–"


def test_full_money_keeps_every_digit():
    assert i18n.money(15_500_000, "CHF", compact=False) == "CHF15,500,000"


def test_numbers_and_percentages_follow_the_language():
    assert i18n.number(12345) == "12,345"
    assert i18n.percent(0.1234) == "12.3%"
    assert i18n.percent(0.06, signed=True) == "+6.0%"
    assert i18n.percent(-0.333, signed=True) == "-33.3%"


def test_vocabulary_labels_fall_back_to_the_code():
    assert i18n.label("modality", "south_south") == "South–South"
    assert i18n.label("modality", "space") == "space"


def test_dates_are_written_in_the_language_or_as_a_bare_year():
    assert i18n.day(pd.Timestamp("2018-07-23")) == "Jul 23, 2018"
    assert i18n.day(pd.NaT, 2019) == "2019"
    assert i18n.day(None, None) == "undated"


def test_the_language_is_per_session_thread_not_global():
    import threading

    seen = []
    other = next(lang for lang in i18n.available_languages() if lang != "en")

    def other_session():
        i18n.set_language(other)
        seen.append(i18n.language())

    worker = threading.Thread(target=other_session)
    worker.start()
    worker.join()
    assert i18n.language() == "en"
    assert seen == [other]
