"""Every UI string exists in all six UN languages, with the same placeholders.

Language names (``lang.*``) are endonyms, the same in every catalogue.

English is the reference: ``dashboard/locales/en.toml`` and ``dashboard/locales/en/*.toml``,
plus the English files still waiting beside their pages to be merged into the catalogue
(``dashboard/*_en.toml``). Each other language is one catalogue, ``dashboard/locales/<lang>``.
"""

from __future__ import annotations

import re
import string
import tomllib
from pathlib import Path

import pytest

from dashboard.i18n import LANGUAGES, _flatten, catalogue, translator

DASHBOARD = Path(__file__).resolve().parents[1] / "dashboard"
OTHERS = [lang for lang in LANGUAGES if lang != "en"]
# values that are the same word in the language (codes, acronyms, names of file formats)
SAME_EVERYWHERE = re.compile(r"^(CSV|XLSX|SQL|LDC|LLDC|SIDS|PGTF|(?:\{[a-z_]+\}|[\W\d_])*)$")


def english() -> dict[str, str]:
    pending: dict[str, str] = {}
    for path in sorted(DASHBOARD.glob("*_en.toml")):
        pending |= _flatten(tomllib.loads(path.read_text(encoding="utf-8")))
    return pending | catalogue("en")


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("lang", OTHERS)
def test_every_english_key_is_translated(lang: str):
    missing = sorted(set(english()) - set(catalogue(lang)))
    assert not missing, f"{lang}: {len(missing)} keys missing, e.g. {missing[:10]}"


@pytest.mark.parametrize("lang", OTHERS)
def test_no_key_outlives_its_english_original(lang: str):
    stale = sorted(set(catalogue(lang)) - set(english()))
    assert not stale, f"{lang}: keys English no longer has: {stale[:10]}"


@pytest.mark.parametrize("lang", OTHERS)
def test_placeholders_match_english(lang: str):
    reference, translated = english(), catalogue(lang)
    wrong = [k for k in reference if k in translated
             and placeholders(translated[k]) != placeholders(reference[k])]  # fmt: skip
    assert not wrong, f"{lang}: placeholders differ in {wrong[:10]}"


@pytest.mark.parametrize("lang", OTHERS)
def test_values_are_translated_not_copied(lang: str):
    reference, translated = english(), catalogue(lang)
    copied = [k for k, v in translated.items() if v == reference.get(k)
              and not SAME_EVERYWHERE.match(v) and not k.startswith("lang.")]  # fmt: skip
    # a few words are the same in both languages (Budget, Page, Sources in French)
    assert len(copied) <= 0.04 * len(reference), f"{lang}: copied from English: {copied[:15]}"


@pytest.mark.parametrize("lang", OTHERS)
def test_every_value_formats_with_its_placeholders(lang: str):
    for key, text in catalogue(lang).items():
        text.format(**dict.fromkeys(placeholders(text), "x"))  # a stray brace raises here
        assert text.strip(), key


def test_fund_names_take_their_official_forms():
    assert "Fonds de solidarité internationale des villes" in " ".join(catalogue("fr").values())
    assert "Целевой фонд имени Переса Герреро" in " ".join(catalogue("ru").values())
    assert "Fondo Fiduciario Pérez-Guerrero" in " ".join(catalogue("es").values())


def test_money_is_formatted_for_the_locale_with_its_own_spaces():
    assert translator("fr").money(15_500_000) == "15,5\u00a0M\u00a0$US"
    assert translator("ru").money(15_500_000, "EUR") == "15,5\u00a0млн\u00a0€"
    assert translator("zh").money(15_500_000) == "US$1550万"
    assert translator("en").money(15_500_000) == "$15.5M"


def test_an_unknown_language_falls_back_to_english():
    assert translator("xx").t("deck.demo_notice") == "Demo data — synthetic"
    assert translator("en").t("no.such.key") == "⟦no.such.key⟧"


def test_country_names_come_from_cldr_as_in_the_warehouse():
    names = [translator(lang).country("SEN", "Senegal") for lang in LANGUAGES]
    assert names == ["Senegal", "Sénégal", "Senegal", "Сенегал", "السنغال", "塞内加尔"]
