"""``bench/RESULTS.md`` from the measurements of ``bench/run_all.py``."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime

import common

NOTES = common.ROOT / "bench" / "notes.md"
BIG = 10_000_000


@dataclass
class Results:
    started: datetime
    facts: dict[str, str]
    finished: datetime | None = None
    queries: list = field(default_factory=list)  # queries.QueryTiming
    baseline: list = field(default_factory=list)  # baseline_pandas.BaselineTiming
    read_s: dict[int, float] = field(default_factory=dict)
    pages: list = field(default_factory=list)  # pages.PageTiming
    rss: float | None = None
    rss_notes: list[str] = field(default_factory=list)
    load: str = ""
    iati: str = ""
    prices: str = ""  # bench/prices.py's table: chart queries in current and constant prices
    reused: str = ""  # when the 10M figures come from an earlier run: that run's time

    def results(self, rows: int) -> dict:
        return {
            (q.query, q.filters): q.result
            for q in self.queries
            if q.rows == rows and q.result is not None
        }

    def ours(self, rows: int, query: str, filters: str):
        return next(
            (q for q in self.queries if (q.rows, q.query, q.filters) == (rows, query, filters)),
            None,
        )


def _met(ok: bool | None) -> str:
    return "not measured" if ok is None else ("**met**" if ok else "**not met**")


def _speedups(res: Results, rows: int) -> list[tuple[str, str, float]]:
    from baseline_pandas import MAIN

    out = []
    for b in res.baseline:
        q = res.ours(rows, MAIN[b.chart], b.filters) if b.rows == rows else None
        if q is not None:
            out.append((b.chart, b.filters, common.p50(b.pandas) / common.p50(q.ours)))
    return out


def targets(res: Results) -> list[str]:
    big = [q for q in res.queries if q.rows == BIG and _is_chart(q.query)]
    worst = max(big, key=lambda q: common.pct(q.ours, 0.95), default=None)
    lines = ["| target (10M flows) | measured | |", "|---|---|---|"]
    if worst:
        p95 = common.pct(worst.ours, 0.95)
        cached = max(common.pct(q.cached, 0.95) for q in big)
        lines.append(
            f"| each chart query p95 ≤ 150 ms | worst uncached p95 {common.ms(p95)} ms "
            f"({worst.query}, {worst.filters}; {len(big)} chart query cells measured); "
            f"worst cached p95 {common.ms(cached)} ms | {_met(p95 <= 0.150)} |"
        )
    else:
        lines.append("| each chart query p95 ≤ 150 ms | – | not measured |")
    done = [p for p in res.pages if p.cold is not None]
    slow = max(done, key=lambda p: p.cold, default=None)
    timed_out = [p.page for p in res.pages if p.cold is None]
    text = f"slowest cold page {slow.page} {slow.cold:.2f} s" if slow else "no page finished"
    if timed_out:
        text += f"; timed out: {', '.join(timed_out)}"
    ok = None if not res.pages else (not timed_out and slow.cold <= 2.0)
    lines.append(f"| each page run ≤ 2 s | {text} | {_met(ok)} |")
    rss = None if res.rss is None else res.rss <= 2048
    lines.append(
        f"| server RSS ≤ 2 GB | {'–' if res.rss is None else f'{res.rss:,.0f} MB'} "
        f"(peak, after a browser visited every page) | {_met(rss)} |"
    )
    speed = _speedups(res, BIG)
    low = min(speed, key=lambda s: s[2], default=None)
    lines.append(
        f"| ≥ 5× faster than pandas on the five main charts | "
        f"{f'lowest x{low[2]:.2f} ({low[0]}, {low[1]})' if low else '–'} | "
        f"{_met(None if not low else low[2] >= 5)} |"
    )
    ratio = max(big, key=lambda q: q.ratio, default=None)
    said = f"highest p50 ratio {ratio.ratio:.2f} ({ratio.query}, {ratio.filters})" if ratio else "–"
    ok = None if not ratio else ratio.ratio <= 1.3
    lines.append(f"| our query path ≤ 1.3× raw SQL | {said} | {_met(ok)} |")
    return lines


def _is_chart(name: str) -> bool:
    """A chart query: it takes the dashboard's filters through one of the filter macros."""
    return any(
        macro in _text(name) for macro in ("flows_filtered(", "flows_cube(", "flows_flagged(")
    )


def _text(name: str) -> str:
    from pipelines.store import sql

    return sql.text(f"queries/{name}")


def query_table(res: Results, rows: int) -> list[str]:
    lines = [
        f"### {rows:,} flows",
        "",
        "| query | filters | n | raw p50 / p95 ms | ours uncached p50 / p95 ms | ratio p50 "
        "| raw / ours CPU s p50 | cached p50 ms | result rows | load |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for q in (q for q in res.queries if q.rows == rows):
        cpu = (
            f"{common.p50(q.raw_cpu):.2f} / {common.p50(q.ours_cpu):.2f}"
            if q.raw_cpu and q.ours_cpu
            else "–"
        )
        lines.append(
            f"| {q.query} | {q.filters} | {q.runs} | {common.ms(common.p50(q.raw))} / "
            f"{common.ms(common.pct(q.raw, 0.95))} | {common.ms(common.p50(q.ours))} / "
            f"{common.ms(common.pct(q.ours, 0.95))} | {q.ratio:.2f} | {cpu} | "
            f"{common.ms(common.p50(q.cached))} | {q.result_rows:,} | {q.load} |"
        )
    return lines + [""]


def baseline_table(res: Results, rows: int) -> list[str]:
    from baseline_pandas import MAIN

    read = res.read_s.get(rows)
    lines = [
        f"### {rows:,} flows (pandas read of the flows once: "
        f"{'–' if read is None else f'{read:.1f} s'}, not counted per interaction)",
        "",
        "| chart | filters | n | pandas p50 ms | ours uncached p50 ms | speed-up | same result |",
        "|---|---|---|---|---|---|---|",
    ]
    for b in (b for b in res.baseline if b.rows == rows):
        q = res.ours(rows, MAIN[b.chart], b.filters)
        ours = common.p50(q.ours) if q else None
        speed = f"x{common.p50(b.pandas) / ours:.2f}" if ours else "–"
        lines.append(
            f"| {b.chart} | {b.filters} | {len(b.pandas)} | "
            f"{common.ms(common.p50(b.pandas))} | "
            f"{'–' if ours is None else common.ms(ours)} | {speed} | "
            f"{'–' if b.agrees is None else ('yes' if b.agrees else 'NO')} |"
        )
    return lines + [""]


def render(res: Results) -> str:
    out = [
        "# Scale benchmark results",
        "",
        f"Run {res.started:%Y-%m-%d %H:%M} UTC – "
        f"{f'{res.finished:%H:%M} UTC' if res.finished else 'in progress / interrupted'}; "
        "written by `bench/run_all.py` (`make bench`).",
        "",
    ]
    if res.reused:
        out += [f"The 10M figures (queries, pandas, pages, RSS) are from the run of {res.reused} "
                "(`--reuse-10m`); the 100k and 1M figures are from this run.", ""]  # fmt: skip
    out += ["## Machine", ""]
    out += [f"- {k}: {v}" for k, v in res.facts.items()]
    one, five, fifteen = os.getloadavg()
    out += (
        [
            f"- load average at the last write: {one:.2f} / {five:.2f} / {fifteen:.2f}",
            "",
            "## Targets at 10M flows",
            "",
        ]
        + targets(res)
        + [""]
    )
    if NOTES.is_file():
        out += [NOTES.read_text(encoding="utf-8").strip(), ""]
    out += [
        "## Queries",
        "",
        "raw = the same SQL text and parameters on a plain read-only DuckDB connection "
        "(`execute(...).df()`); ours uncached = `dashboard.data.query` after "
        "`dashboard.data.clear()` empties its result cache; cached = `dashboard.data.query` "
        "with a warm cache. Raw and ours "
        "alternate run by run. n = runs made (up to 20, fewer when a cell's time budget ran "
        "out). CPU s = process CPU time (all threads) per run: under contention it is "
        "the steadier figure. load = 1/5-minute load average when the cell finished.",
        "",
    ]
    for rows in sorted({q.rows for q in res.queries}, reverse=True):
        out += query_table(res, rows)
    import queries

    if queries.ERRORS:
        out += ["Queries that failed with the bench's parameters:", ""]
        out += [f"- {r:,} {n} ({f}): {m}" for r, n, f, m in queries.ERRORS] + [""]
    out += ["## Pandas baseline (five main charts)", ""]
    for rows in sorted({b.rows for b in res.baseline}, reverse=True):
        out += baseline_table(res, rows)
    out += [
        "## Pages at 10M flows",
        "",
        "| page | AppTest cold s | warm s | errors |",
        "|---|---|---|---|",
    ]
    for p in res.pages:
        cold = "timed out" if p.cold is None else f"{p.cold:.2f}"
        warm = "–" if p.warm is None else f"{p.warm:.2f}"
        out.append(f"| {p.page} | {cold} | {warm} | {p.error or '–'} |")
    rss = "–" if res.rss is None else f"{res.rss:,.0f} MB"
    out += [
        "",
        f"Server peak RSS (VmHWM) after Chromium visited every page: {rss}. "
        f"Per page (goto until the script finished): {'; '.join(res.rss_notes) or '–'}",
        "",
    ]
    out += [
        "## Load (bench/load.py, 1M template rows)",
        "",
        "```",
        res.load or "not run",
        "```",
        "",
        "## IATI (bench/iati.py, 200 MB)",
        "",
        "```",
        res.iati or "not run",
        "```",
        "",
        "## Constant prices (bench/prices.py, 10M flows, uncached, base year = last)",
        "",
        res.prices or "not run",
        "",
    ]
    return "\n".join(out)
