"""Map a checked IATI transaction to candidate rows (one per geography split).

The reporting organisation is the intermediary of every leg:
- in-legs (types 1, 11, 13): contributor = provider-org, recipient = reporting-org;
- out-legs (2, 12, 3, 4): contributor = reporting-org, recipient = receiver-org.
A transaction without provider-org (in) / receiver-org (out) falls back to the activity's first
participating-org with role 1 Funding (in) / role 4 Implementing other than the reporting
organisation (out), flagged ``actor_fallback``. ``fund`` is set only when the reporting
organisation's identifier is a known fund's (``FUND_ORG_REFS``), else left empty.
Actor kinds come from the organisation's IATI type (``ORG_KINDS``), else from a
participating-org with the same identifier or name, else ``other`` (a new actor is created
for review by the loader; IATI files often omit the type on provider/receiver orgs).
"""

from __future__ import annotations

from collections.abc import Callable

from pipelines.sources.candidates import CANDIDATE_COLUMNS
from pipelines.sources.iati.check import Checked
from pipelines.sources.iati.model import Activity, Org, Place, Transaction
from pipelines.sources.iati.split import split

# IATI organisation identifiers of the project's funds (none publishes to IATI on its own yet)
FUND_ORG_REFS: dict[str, str] = {}
ORG_KINDS = {
    "10": "government",
    "11": "local_government",
    "15": "government",
    "21": "ngo",
    "22": "ngo",
    "23": "ngo",
    "24": "ngo",
    "30": "other",
    "40": "multilateral",
    "60": "foundation",
    "70": "company",
    "71": "company",
    "72": "company",
    "73": "company",
    "80": "other",
    "90": "other",
}
COLUMNS = list(CANDIDATE_COLUMNS)
NO_ORG = Org("", "", "")


def kind(org: Org, a: Activity) -> str:
    """Our actor kind for an organisation (see the module docstring)."""
    if not org.name and not org.ref:
        return ""
    code = org.type
    if not code:
        code = next((o.type for _, o in a.participants if o.type and _same(o, org)), "")
        if not code and _same(a.reporting, org):
            code = a.reporting.type
    return ORG_KINDS.get(code, "other")


def instrument(finance_type: str) -> str:
    """Grant for finance types 1xx, loan for 4xx (DAC categories 100 and 400), else empty."""
    if len(finance_type) == 3 and finance_type[0] in "14":
        return "grant" if finance_type[0] == "1" else "loan"
    return ""


def _same(org: Org, other: Org) -> bool:
    return bool(org.ref and org.ref == other.ref) or (not org.ref and org.name == other.name)


def _participant(a: Activity, role: str, skip: Org | None = None) -> Org | None:
    """The first participating-org with this role (other than ``skip``)."""
    for r, org in a.participants:
        if r == role and not org.empty and (skip is None or not _same(org, skip)):
            return org
    return None


def actors(t: Transaction, a: Activity, leg: str) -> tuple[Org, Org, bool]:
    """(contributor, recipient, fell back) for one leg."""
    if leg == "in":
        given = t.provider if t.provider is not None and not t.provider.empty else None
        fallback = None if given else _participant(a, "1")
        return given or fallback or NO_ORG, a.reporting, fallback is not None
    given = t.receiver if t.receiver is not None and not t.receiver.empty else None
    fallback = None if given else _participant(a, "4", skip=a.reporting)
    return a.reporting, given or fallback or NO_ORG, fallback is not None


def _geo(place: Place | None) -> tuple[str, str, str, list[str]]:
    """(country, region, region vocabulary, flags) of one place."""
    if place is None:
        return "", "", "", []
    if place.is_country:
        return place.code, "", "", []
    if place.vocabulary == "1":
        return "", place.code, "oecd_dac", []
    if place.vocabulary == "2":
        return "", place.code, "m49", []
    return "", place.code, place.vocabulary, ["unknown_region_vocabulary"]


def _places(t: Transaction, a: Activity) -> list[Place | None]:
    if t.place is not None and t.place.code:
        return [t.place]
    places: list[Place | None] = [p for p in a.places if p.code]
    return places or [None]


def _parts(
    t: Transaction, a: Activity, c: Checked, flags: list[str]
) -> list[tuple[Place | None, str, float]]:
    """[(place, amount text, share)] for the transaction; split flags added to ``flags``."""
    places = _places(t, a)
    if len(places) == 1 and (places[0] is None or places[0].percentage in ("", "100")):
        return [(places[0], c.amount_text, 1.0)]
    parts, rebased = split(c.amount, places)  # type: ignore[arg-type]
    if len(parts) > 1:
        flags.append("region_split")
    if rebased:
        flags.append("region_split_rebased")
    return [(place, format(amount, "f"), share) for place, amount, share in parts]


def emit(
    add: Callable[[tuple[object, ...]], None],
    row_number: int,
    locator: str,
    key: str,
    source: str,
    t: Transaction,
    a: Activity,
    c: Checked,
) -> None:
    """Hand the transaction's candidate rows (tuples in ``COLUMNS`` order) to ``add``.

    ``key`` is the transaction's stable key (``<prefix><iati-identifier>#<position>``); each
    split row's ``flow_key`` is ``<key>#<split index>``.
    """
    contributor, recipient, fell_back = actors(t, a, c.leg)
    flags = ["actor_fallback"] if fell_back else []
    parts = _parts(t, a, c, flags)
    finance_type = t.finance_type or a.finance_type
    head = (
        row_number, 0, locator, c.stage, c.leg, "", instrument(finance_type),
        contributor.name, kind(contributor, a), "", contributor.ref,
        FUND_ORG_REFS.get(a.reporting.ref, ""), recipient.name, kind(recipient, a),
    )  # fmt: skip
    tail = (
        t.type_code, t.flow_type or a.flow_type, finance_type, t.aid_type or a.aid_type,
        t.sector or a.sector, a.iati_id,
    )  # fmt: skip
    description = t.description or a.title
    if len(parts) == 1:  # the common case: no split
        place, amount_text, share = parts[0]
        country, region, vocab, geo_flags = _geo(place)
        add((
            *head, country, recipient.ref, region, vocab, c.date_text, amount_text, c.currency,
            description, source, locator, (*flags, *geo_flags), *tail, share, f"{key}#0",
        ))  # fmt: skip
        return
    for leg_seq, (place, amount_text, share) in enumerate(parts):
        country, region, vocab, geo_flags = _geo(place)
        add((
            row_number, leg_seq, *head[2:], country, recipient.ref, region, vocab, c.date_text,
            amount_text, c.currency, description, source, locator, (*flags, *geo_flags), *tail,
            share, f"{key}#{leg_seq}",
        ))  # fmt: skip
