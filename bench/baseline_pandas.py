"""Baseline: the usual Streamlit approach, for the five main charts, against our query path.

The flows are read into a pandas DataFrame once (from ``flows_enriched``, so the baseline gets
the joins for free), then every interaction filters and groups in pandas: KPIs
(``overview_kpis``), Sankey (``overview_sankey``), by region (``regions_map``: received per
recipient country), by year and stage (``overview_by_year``), by modality
(``overview_by_modality``). The same filter sets run through ``dashboard.data.query`` uncached
in the same process, on the same file; every pandas result is checked against ours (same row
count and total money to 1e-6, same flow count).

    .venv/bin/python bench/baseline_pandas.py [--rows 100000] [--runs 5]
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass

import common
import numpy as np
import pandas as pd

from pipelines.store import warehouse

MAIN = {
    "KPIs": "overview_kpis",
    "Sankey": "overview_sankey",
    "by region": "regions_map",
    "by year and stage": "overview_by_year",
    "by modality": "overview_by_modality",
}
COLUMNS = """year, flow_date, stage, stage_group, in_group_total, is_part, given_side,
received_side, amount_usd::DOUBLE AS amount_usd, modality, source_kind, contributor_region,
channel, recipient_region_name, recipient_region_code, recipient_subregion_code,
recipient_intermediate_code, recipient_country_iso3, recipient_country_name, source_actor_id,
source_document_id, is_ldc, is_lldc, is_sids"""
READ = f"SELECT {COLUMNS} FROM flows_enriched WHERE dataset = $d AND is_illustrative"  # noqa: S608 (fixed text)


@dataclass
class BaselineTiming:
    rows: int
    chart: str
    filters: str
    pandas: list[float]
    agrees: bool | None  # None: our result was not kept to compare
    load: str


def read_frame(live) -> tuple[pd.DataFrame, pd.DataFrame, float]:
    """The flows and the daily rates as DataFrames, and the seconds the read took."""
    con = warehouse.connect_reader(live)
    t0 = time.perf_counter()
    frame = con.execute(READ, {"d": common.DATASET}).df()
    rates = con.execute("SELECT currency, rate_date, usd_per_unit FROM fx_daily").df()
    took = time.perf_counter() - t0
    con.close()
    return frame, rates, took


def filtered(df: pd.DataFrame, rates: pd.DataFrame, f: dict) -> pd.DataFrame:
    """The dashboard's filters in pandas, with ``amount`` in the display currency."""
    keep = np.ones(len(df), dtype=bool)
    if f["year_from"] is not None:
        keep &= (df["year"] >= f["year_from"]).to_numpy()
    if f["year_to"] is not None:
        keep &= (df["year"] <= f["year_to"]).to_numpy()
    for key, column in (
        ("fund", "channel"),
        ("stage", "stage"),
        ("modality", "modality"),
        ("contributor_kind", "source_kind"),
        ("contributor", "source_actor_id"),
        ("recipient_country", "recipient_country_iso3"),
    ):
        if f[key]:
            keep &= df[column].isin(f[key]).to_numpy()
    if f["region"]:
        keep &= (
            df["recipient_region_code"].isin(f["region"])
            | df["recipient_subregion_code"].isin(f["region"])
            | df["recipient_intermediate_code"].isin(f["region"])
        ).to_numpy()
    if f["status"]:
        hit = np.zeros(len(df), dtype=bool)
        for status in f["status"]:
            hit |= df[f"is_{status}"].to_numpy()
        keep &= hit
    out = df[keep]
    if f["currency"] == "USD":
        return out.assign(amount=out["amount_usd"])
    return out.assign(amount=_convert(out, rates, f["currency"]))


def _convert(df: pd.DataFrame, rates: pd.DataFrame, currency: str) -> np.ndarray:
    """amount_usd / the rate of the flow date (as of), or the year's average rate."""
    cur = rates[rates["currency"] == currency].sort_values("rate_date")
    cur = cur.assign(rate_date=pd.to_datetime(cur["rate_date"]))
    on = pd.to_datetime(df["flow_date"]).fillna(pd.to_datetime(df["year"].astype(str) + "-07-01"))
    left = pd.DataFrame({"on": on.to_numpy(), "i": np.arange(len(df))}).sort_values("on")
    daily = pd.merge_asof(left, cur, left_on="on", right_on="rate_date")
    rate = np.empty(len(df))
    rate[daily["i"].to_numpy()] = daily["usd_per_unit"].to_numpy()
    yearly = cur.groupby(cur["rate_date"].dt.year)["usd_per_unit"].mean()
    by_year = df["year"].map(yearly).to_numpy(dtype=float)
    rate = np.where(df["flow_date"].isna().to_numpy(), by_year, rate)
    return df["amount_usd"].to_numpy() / rate


def kpis(d: pd.DataFrame) -> pd.DataFrame:
    d = d[~d["is_part"]]
    counted = d["in_group_total"]
    ss = d["modality"].isin(["south_south", "triangular"])
    parts = {
        g: d["amount"].where(counted & (d["stage_group"] == g))
        for g in ("promised", "transferred", "allocated", "used")
    }
    work = pd.DataFrame(
        parts
        | {
            "year": d["year"],
            "ss": parts["transferred"].where(ss),
            "contributor": d["source_actor_id"].where(d["given_side"]),
            "country": d["recipient_country_iso3"].where(d["received_side"]),
            "no_rate": d["amount"].isna(),
            "doc": d["source_document_id"],
        }
    )
    spec = {
        "promised": "sum",
        "transferred": "sum",
        "allocated": "sum",
        "used": "sum",
        "ss": "sum",
        "contributor": "nunique",
        "country": "nunique",
        "no_rate": "sum",
        "doc": "nunique",
        "year": "size",
    }
    by_year = work.groupby("year").agg(spec).rename(columns={"year": "flows"}).reset_index()
    total = work.agg(spec).to_frame().T.rename(columns={"year": "flows"})
    out = pd.concat([total.assign(year=None), by_year], ignore_index=True)
    return out.assign(ss_share=out["ss"] / out["transferred"].replace(0, np.nan))


def sankey(d: pd.DataFrame, group: str = "transferred") -> pd.DataFrame:
    d = d[~d["is_part"] & (d["stage_group"] == group) & d["amount"].notna()]
    # callables, not Series of ``d``: assigning a Series to an empty frame adopts its index
    given = d[d["given_side"]].assign(
        source=lambda x: x["source_kind"].fillna("unspecified"), target=lambda x: x["channel"]
    )
    got = d[d["received_side"]].assign(
        source=lambda x: x["channel"],
        target=lambda x: x["recipient_region_name"].fillna("unspecified"),
    )
    links = []
    for side, part in (("in", given), ("out", got)):
        agg = part.groupby(["source", "target"], dropna=False)["amount"].agg(["sum", "size"])
        links.append(agg.reset_index().assign(side=side))
    out = pd.concat(links).rename(columns={"sum": "amount", "size": "flows"})
    return out.sort_values(["side", "amount"], ascending=[True, False])


def by_region(d: pd.DataFrame, group: str = "transferred") -> pd.DataFrame:
    d = d[~d["is_part"] & (d["stage_group"] == group) & d["received_side"]]
    d = d[d["recipient_country_iso3"].notna()]
    out = d.groupby("recipient_country_iso3").agg(
        country=("recipient_country_name", "first"),
        amount=("amount", "sum"),
        flows=("amount", "size"),
    )
    return out.reset_index().sort_values("amount", ascending=False)


def by_year(d: pd.DataFrame) -> pd.DataFrame:
    d = d[d["in_group_total"]]
    out = d.groupby(["year", "stage_group"])["amount"].agg(["sum", "size"]).reset_index()
    return out.rename(columns={"sum": "amount", "size": "flows"})


def by_modality(d: pd.DataFrame) -> pd.DataFrame:
    d = d[d["in_group_total"]].assign(modality=lambda x: x["modality"].fillna("unspecified"))
    out = d.groupby(["modality", "stage_group"])["amount"].agg(["sum", "size"]).reset_index()
    return out.rename(columns={"sum": "amount", "size": "flows"})


CHARTS = {
    "KPIs": kpis,
    "Sankey": sankey,
    "by region": by_region,
    "by year and stage": by_year,
    "by modality": by_modality,
}


def _agrees(chart: str, ours: pd.DataFrame, theirs: pd.DataFrame) -> bool:
    if chart == "KPIs":
        pairs = [
            (ours["transferred"].sum(), theirs["transferred"].sum()),
            (ours["flows"].sum(), theirs["flows"].sum()),
        ]
    else:
        pairs = [
            (ours["amount"].sum(), theirs["amount"].sum()),
            (ours["flows"].sum(), theirs["flows"].sum()),
            (len(ours), len(theirs)),
        ]
    return all(np.isclose(float(a), float(b), rtol=1e-6, atol=1e-6) for a, b in pairs)


def bench_size(
    rows: int, runs: int, budget: float, min_runs: int, ours: dict | None = None
) -> tuple[list[BaselineTiming], float]:
    """Pandas timings of the five main charts for every filter set at ``rows``; ``ours`` maps
    (query, filter set) to our result for the agreement check (skipped when absent)."""
    live = common.ensure_warehouse(rows)
    frame, rates, read_s = read_frame(live)
    print(
        f"{rows:>10,} pandas read of flows_enriched once: {read_s:.1f} s, "
        f"{frame.memory_usage(deep=True).sum() / 2**20:,.0f} MB in memory",
        flush=True,
    )
    out = []
    for label, filters in common.FILTER_SETS.items():
        for chart, fn in CHARTS.items():
            if ours is not None and (MAIN[chart], label) not in ours:
                continue
            theirs = fn(filtered(frame, rates, filters))
            mine = (ours or {}).get((MAIN[chart], label))
            agrees = None if mine is None else _agrees(chart, mine, theirs)
            slow = common.time_runs(
                lambda fn=fn, f=filters: fn(filtered(frame, rates, f)),
                runs,
                budget,
                min_runs=min_runs,
            )
            out.append(BaselineTiming(rows, chart, label, slow, agrees, common.load_average()))
            print(
                f"{rows:>10,} {chart:<18} {label:<24} pandas p50 "
                f"{common.ms(common.p50(slow)):>9} ms  agrees={agrees}",
                flush=True,
            )
    return out, read_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--budget", type=float, default=20.0)
    args = parser.parse_args()
    bench_size(args.rows, args.runs, args.budget, 3)


if __name__ == "__main__":
    main()
