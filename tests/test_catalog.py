"""The catalogues of the six UN languages are complete (issue 18, point 5, first bullet).

Every key of the English catalogue exists in the five others with the same placeholders, and a
value may equal the English one only for the keys listed here, each for a reason: codes, file
formats, pure placeholders, and the few words a language writes as English does. Anything else
equal to English is an untranslated string. The data vocabularies (stages, legs, modalities,
instruments, kinds, flags, statuses, stage groups) each have an English entry, so that no raw
code reaches the screen.
"""

from __future__ import annotations

import re
import string

import pytest

from dashboard.filter_state import KINDS, MODALITIES, STAGE_GROUPS, STAGES, STATUSES
from dashboard.i18n import LANGUAGES, catalogue
from pipelines.ingest.validate import INSTRUMENTS

OTHERS = [lang for lang in LANGUAGES if lang != "en"]

# the same in every language: codes, file formats, a page counter, a bare placeholder
SAME_EVERYWHERE = frozenset(
    {"card.csv", "card.xlsx", "console.query", "deck.page", "compare.own_share"}
)
# words a language writes exactly as English does (checked by a speaker, kept on purpose)
SAME_IN = {
    "fr": frozenset(
        {
            "col.date",  # Date
            "col.format",  # Format
            "deck.sources_heading",  # Sources
            "dim.instrument",  # Instrument
            "event.budget",  # Budget
            "stat.budget",  # Budget
            "explore.col_page",  # Page
            "stage.allocation",  # Allocation
        }
    ),
    "es": frozenset({"modality.multilateral", "modality.triangular", "m49.057"}),
}
for _lang in ("es", "ru", "ar"):  # "{heading}: {sources}", the colon as English writes it
    SAME_IN[_lang] = SAME_IN.get(_lang, frozenset()) | {"deck.footnote"}
# the flags vocabulary of the contract (sql/README.md)
FLAGS = ("no_fx_rate", "fx_fixed_peg", "fx_annual_average", "fx_user_rate", "year_only_date",
         "negative_correction", "outlier", "region_split", "region_split_rebased",
         "actor_fallback", "unknown_region_vocabulary", "amount_rounded",
         "illustrative")  # fmt: skip
VOCABULARIES = {
    "stage": STAGES,
    "group": STAGE_GROUPS,
    "leg": ("in", "out", "direct"),
    "modality": MODALITIES,
    "instrument": INSTRUMENTS,
    "kind": KINDS,
    "flow_flag": FLAGS,
    "status": (*STATUSES, "g77", "dac"),
    "fund": (
        "pgtf.name",
        "pgtf.short",
        "unfssc.name",
        "unfssc.short",
        "cities_fund.name",
        "cities_fund.short",
        "dgttf.name",
        "dgttf.short",
    ),  # fmt: skip
    "common": ("not_reported", "held_by_fund", "unspecified", "other"),
}


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("lang", OTHERS)
def test_every_english_key_exists_in_the_language(lang: str):
    missing = sorted(set(catalogue("en")) - set(catalogue(lang)))
    assert not missing, f"{lang}: {len(missing)} keys missing: {missing}"


@pytest.mark.parametrize("lang", OTHERS)
def test_placeholders_are_those_of_english(lang: str):
    english, translated = catalogue("en"), catalogue(lang)
    wrong = {k: (sorted(placeholders(translated[k])), sorted(placeholders(v)))
             for k, v in english.items()
             if k in translated and placeholders(translated[k]) != placeholders(v)}  # fmt: skip
    assert not wrong, f"{lang}: placeholders differ (translated, English): {wrong}"


@pytest.mark.parametrize("lang", OTHERS)
def test_a_value_equals_english_only_for_listed_keys(lang: str):
    english, translated = catalogue("en"), catalogue(lang)
    allowed = SAME_EVERYWHERE | SAME_IN.get(lang, frozenset())
    copied = sorted(
        k
        for k, v in translated.items()
        if v == english.get(k) and k not in allowed and not k.startswith("lang.")
    )
    assert not copied, f"{lang}: untranslated (equal to English): {copied}"


@pytest.mark.parametrize("lang", OTHERS)
def test_the_allowed_list_names_only_keys_that_are_still_equal(lang: str):
    """An entry that is no longer needed is removed, so the list stays a true record."""
    english, translated = catalogue("en"), catalogue(lang)
    stale = sorted(k for k in SAME_EVERYWHERE | SAME_IN.get(lang, frozenset())
                   if translated.get(k) != english.get(k))  # fmt: skip
    assert not stale, f"{lang}: listed as equal to English but translated: {stale}"


@pytest.mark.parametrize("kind", sorted(VOCABULARIES))
def test_every_data_vocabulary_value_has_an_english_label(kind: str):
    english = catalogue("en")
    missing = [code for code in VOCABULARIES[kind] if f"{kind}.{code}" not in english]
    assert not missing, f"{kind}: no label for {missing}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_value_is_blank_or_a_raw_code(lang: str):
    raw = re.compile(r"^[a-z]+(_[a-z]+)+$")  # e.g. local_private, no_fx_rate
    bad = sorted(k for k, v in catalogue(lang).items() if not v.strip() or raw.match(v.strip()))
    assert not bad, f"{lang}: blank or code-like values: {bad}"
