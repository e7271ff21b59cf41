"""Read the 10M sections back from an earlier ``bench/RESULTS.md`` (``run_all.py --reuse-10m``).

A 10M run takes most of an hour on the shared machine; when a later section had to be rerun,
the 10M figures of the earlier file are kept instead of measured again. Only what the tables
show comes back: a cell's runs are its p50 repeated n times (at 10M n is 1 for the queries).
"""

from __future__ import annotations

import re
from pathlib import Path

from baseline_pandas import BaselineTiming
from pages import PageTiming
from queries import QueryTiming
from report import BIG, Results


def _num(text: str) -> float:
    return float(text.replace(",", "").strip())


def _rows(lines: list[str], start: int) -> list[list[str]]:
    out = []
    for line in lines[start + 4 :]:
        if not line.startswith("|"):
            break
        out.append([c.strip() for c in line.strip().strip("|").split("|")])
    return out


def reuse_big(path: Path, res: Results) -> str:
    """Fill ``res`` with the 10M queries, pandas, pages and RSS of ``path``; when it ran."""
    lines = path.read_text(encoding="utf-8").splitlines()
    section = ""
    for i, line in enumerate(lines):
        section = line if line.startswith("## ") else section
        if not line.startswith("### 10,000,000 flows"):
            continue
        for c in _rows(lines, i):
            if section.startswith("## Queries"):
                n = int(c[2])
                raw, ours = (_num(c[k].split("/")[0]) / 1000 for k in (3, 4))
                cpu = [_num(x) for x in c[6].split("/")] if c[6] != "–" else [0.0, 0.0]
                res.queries.append(QueryTiming(BIG, c[0], c[1], n, [raw] * n, [ours] * n,
                                               [_num(c[7]) / 1000], int(_num(c[8])), c[9],
                                               [cpu[0]] * n, [cpu[1]] * n))  # fmt: skip
            elif section.startswith("## Pandas"):
                n = int(c[2])
                agrees = {"yes": True, "NO": False}.get(c[6])
                res.baseline.append(BaselineTiming(BIG, c[0], c[1], [_num(c[3]) / 1000] * n,
                                                   agrees, "earlier run"))  # fmt: skip
        if section.startswith("## Pandas"):
            res.read_s[BIG] = _num(re.search(r"once: ([\d.,]+) s", line).group(1))
    for i, line in enumerate(lines):
        if line.startswith("## Pages"):
            for c in _rows(lines, i):
                cold = None if c[1] == "timed out" else _num(c[1])
                warm = None if c[2] == "–" else _num(c[2])
                res.pages.append(PageTiming(c[0], cold, warm, "" if c[3] == "–" else c[3]))
        if line.startswith("Server peak RSS"):
            res.rss = _num(re.search(r"every page: ([\d,]+) MB", line).group(1))
            res.rss_notes = line.split("script finished): ", 1)[1].split("; ")
    return re.search(r"Run (\S+ \S+ UTC – \S+ UTC|\S+ \S+ UTC)", lines[2]).group(1)
