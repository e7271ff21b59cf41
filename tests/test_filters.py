"""Filter state and permalinks: URL → Filters → URL round trip, invalid values ignored."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from dashboard.filter_state import (
    CURRENCIES,
    LIST_FIELDS,
    MODALITIES,
    STAGES,
    STATUSES,
    URL_KEYS,
    Choices,
    Filters,
    parse,
    sql_params,
    to_query,
)

CHOICES = Choices(
    datasets=("cited", "demo", "main"),
    illustrative=frozenset({"demo"}),
    funds=("pgtf", "unfssc", "cities_fund", "dgttf"),
    first_year=1983,
    last_year=2024,
    contributors=("gov_tha", "city_lyon"),
    countries=("SEN", "HTI", "BFA"),
    regions=("002", "202", "419"),
    languages=("en",),
)


def test_no_parameters_give_the_default_view_of_the_demo_dataset():
    filters, ignored = parse({}, CHOICES)
    assert filters == Filters()
    assert filters.dataset == "demo"
    assert ignored == []


def test_comma_separated_lists_and_single_values_are_read():
    filters, ignored = parse(
        {"dataset": "cited", "fund": "pgtf,direct", "stage": "paid", "year_from": "1990",
         "year_to": "2000", "currency": "EUR", "region": "419", "status": "ldc,sids",
         "page": "regions"},
        CHOICES,
    )  # fmt: skip
    assert ignored == []
    assert filters.fund == ("pgtf", "direct")
    assert (filters.dataset, filters.currency, filters.page) == ("cited", "EUR", "regions")
    assert (filters.year_from, filters.year_to) == (1990, 2000)
    assert filters.status == ("ldc", "sids")


def test_invalid_values_are_ignored_and_reported_never_raised():
    filters, ignored = parse(
        {"dataset": "nope", "fund": "pgtf,bogus", "year_from": "19x0", "year_to": "1800",
         "currency": "XXX", "lang": "tlh", "page": "admin", "colour": "red"},
        CHOICES,
    )  # fmt: skip
    assert filters == Filters(fund=("pgtf",))
    assert set(ignored) == {("dataset", "nope"), ("fund", "bogus"), ("year_from", "19x0"),
                            ("year_to", "1800"), ("currency", "XXX"), ("lang", "tlh"),
                            ("page", "admin"), ("colour", "red")}  # fmt: skip


def test_a_reversed_year_range_drops_the_end_year():
    filters, ignored = parse({"year_from": "2010", "year_to": "2000"}, CHOICES)
    assert (filters.year_from, filters.year_to) == (2010, None)
    assert ignored == [("year_to", "2000")]


def test_repeated_parameters_are_read_like_a_comma_list():
    filters, _ = parse({"fund": ["pgtf", "dgttf"]}, CHOICES)
    assert filters.fund == ("pgtf", "dgttf")


def test_the_url_names_dataset_and_page_always_and_other_filters_when_set():
    assert to_query(Filters()) == {"dataset": "demo", "page": "overview"}
    query = to_query(Filters(fund=("pgtf", "dgttf"), year_to=2001, currency="CHF"))
    assert query == {"dataset": "demo", "year_to": "2001", "fund": "pgtf,dgttf",
                     "currency": "CHF", "page": "overview"}  # fmt: skip
    assert set(query) <= set(URL_KEYS)


def test_sql_parameters_are_lists_for_every_list_filter():
    params = sql_params(Filters(fund=("pgtf",), currency="GBP"))
    assert params["fund"] == ["pgtf"]
    assert params["stage"] == []
    assert (params["currency"], params["display_currency"], params["dataset"]) == (
        "GBP", "GBP", "demo")  # fmt: skip
    assert set(LIST_FIELDS) <= set(params)


def sub(values: tuple[str, ...]) -> st.SearchStrategy[tuple[str, ...]]:
    return st.lists(st.sampled_from(values), unique=True, max_size=3).map(tuple)


filters_strategy = st.builds(
    Filters,
    dataset=st.sampled_from(CHOICES.datasets),
    year_from=st.none() | st.integers(1983, 2000),
    year_to=st.none() | st.integers(2001, 2024),
    fund=sub(CHOICES.funds + ("local_private", "direct")),
    stage=sub(STAGES),
    modality=sub(MODALITIES),
    contributor=sub(CHOICES.contributors),
    recipient_country=sub(CHOICES.countries),
    region=sub(CHOICES.regions),
    status=sub(STATUSES),
    currency=st.sampled_from(CURRENCIES),
    page=st.sampled_from(("overview", "funds", "regions", "sources")),
)


@given(filters_strategy)
def test_permalink_round_trips_state_to_url_to_state(filters):
    assert parse(to_query(filters), CHOICES) == (filters, [])


@given(filters_strategy)
def test_a_changed_filter_changes_the_url(filters):
    other = replace(filters, currency="USD" if filters.currency != "USD" else "EUR")
    assert to_query(other) != to_query(filters)


def test_page_controls_parse_valid_values_and_report_the_rest():
    from dashboard.filter_state import controls_query, parse_controls

    found, ignored = parse_controls(
        {"ov_group": "used", "rg_direction": "sideways", "ov_threshold": "7.5",
         "fu_top_n": "12", "other": "x"}
    )  # fmt: skip
    assert found == {"ov_group": "used", "ov_threshold": 7.5, "fu_top_n": 12}
    assert ignored == [("rg_direction", "sideways")]
    assert controls_query(found | {"not_a_control": 1}) == {
        "ov_group": "used", "ov_threshold": "7.5", "fu_top_n": "12",
    }  # fmt: skip


def test_out_of_range_or_non_numeric_controls_are_ignored():
    from dashboard.filter_state import parse_controls

    found, ignored = parse_controls({"ov_threshold": "nan", "fu_top_n": "300"})
    assert found == {}
    assert sorted(ignored) == [("fu_top_n", "300"), ("ov_threshold", "nan")]
