"""Bench the IATI importer: generate a deterministic IATI 2.03 file, parse it (and load it).

    .venv/bin/python bench/iati.py [--mb 200 | --gb 1] [--no-load | --stream-only | --load-only]
        [--keep DIR] [--warehouse PATH]

Prints, with the load average (the machine is shared), MB/s by wall clock and per CPU second
and the peak RSS for: the chunked parse (``IatiStream``, what the streaming loader reads), the
whole-file ``parse`` (one candidate frame), and ``load_files`` end to end into a freshly built
warehouse (or a copy of ``--warehouse``). Each step runs in its own process, so each peak RSS
(``getrusage``) is that step's own. The generated file is deleted afterwards unless ``--keep``.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

COUNTRIES = ["BR", "KE", "BD", "NP", "ML", "SN", "BO", "VN", "ET", "HT", "GT", "MZ", "LA", "TZ"]
REGIONS = ["289", "298", "489", "679", "789", "998"]
TYPES = ["1", "11", "2", "3", "3", "3", "4", "4", "12", "13", "5"]
CURRENCIES = ["USD", "USD", "USD", "EUR", "GBP", "CHF", "JPY"]
# non-transaction content as real activities carry it (dates, contact, documents, results),
# so that bytes per transaction resemble real files (the covid D-Portal extract: 2.6 KB)
EXTRA = (
    '  <activity-date iso-date="2020-01-01" type="1"/><activity-date iso-date="2020-02-01" '
    'type="2"/><activity-date iso-date="2024-12-31" type="3"/>\n'
    '  <contact-info type="1"><organisation><narrative>Bench fund</narrative></organisation>'
    "<email>info@example.org</email><website>https://example.org/</website></contact-info>\n"
    '  <document-link format="application/pdf" url="https://example.org/doc.pdf">'
    '<title><narrative>Project document</narrative></title><category code="A02"/>'
    '<language code="en"/><document-date iso-date="2020-01-01"/></document-link>\n'
    '  <result type="1" aggregation-status="1"><title><narrative>Cities trained</narrative>'
    '</title><indicator measure="1" ascending="1"><title><narrative>Number of municipal '
    'officials trained in peer exchanges</narrative></title><baseline year="2019" '
    'iso-date="2019-12-31" value="0"/><period><period-start iso-date="2020-01-01"/>'
    '<period-end iso-date="2020-12-31"/><target value="120"/><actual value="95"/></period>'
    "</indicator></result>\n"
)
LOREM = (
    "Strengthening local capacities for South-South and triangular cooperation in public "
    "services, with municipal partners, training, peer exchanges and small grants to cities. "
)


def _org(tag: str, ref: str, name: str, extra: str = "") -> str:
    return f'    <{tag} ref="{ref}" type="10"{extra}><narrative>{name}</narrative></{tag}>\n'


def _places(rng: random.Random) -> str:
    if rng.random() < 0.15:
        code = rng.choice(REGIONS)
        return f'  <recipient-region code="{code}" vocabulary="1" percentage="100"/>\n'
    picks = rng.sample(COUNTRIES, rng.choice([1, 1, 2, 3]))
    shares = [100 // len(picks)] * len(picks)
    shares[-1] += 100 - sum(shares)
    return "".join(
        f'  <recipient-country code="{c}" percentage="{s}"/>\n'
        for c, s in zip(picks, shares, strict=True)
    )


def _transaction(rng: random.Random, currency: str, n: int) -> str:
    kind = rng.choice(TYPES)
    day = f"20{rng.randint(10, 24)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    amount = f"{rng.randint(-5000, 2_000_000)}.{rng.randint(0, 99):02d}"
    return (
        "  <transaction>\n"
        f'    <transaction-type code="{kind}"/>\n'
        f'    <transaction-date iso-date="{day}"/>\n'
        f'    <value currency="{currency}" value-date="{day}">{amount}</value>\n'
        f"    <description><narrative>Tranche {n} {LOREM[:60]}</narrative></description>\n"
        + _org("provider-org", f"XM-DAC-{rng.randint(1, 99)}", "Donor agency of the South")
        + _org("receiver-org", f"XI-IATI-{rng.randint(1, 999)}", "Municipal partner network")
        + "  </transaction>\n"
    )


def _activity(rng: random.Random, index: int) -> str:
    currency = rng.choice(CURRENCIES)
    head = (
        f'<iati-activity default-currency="{currency}" hierarchy="1">\n'
        f"  <iati-identifier>XM-BENCH-{index:08d}</iati-identifier>\n"
        '  <reporting-org ref="XM-BENCH" type="40"><narrative>Bench fund</narrative>'
        "</reporting-org>\n"
        f"  <title><narrative>Activity {index}</narrative></title>\n"
        f'  <description type="1"><narrative>{LOREM * 2}</narrative></description>\n'
        '  <participating-org ref="XM-DAC-7" role="1" type="10"><narrative>Funder</narrative>'
        "</participating-org>\n"
        '  <participating-org ref="XI-IATI-5" role="4" type="22"><narrative>Implementer'
        "</narrative></participating-org>\n"
        '  <activity-status code="2"/>\n'
        + _places(rng)
        + '  <sector code="15110" vocabulary="1"/>\n'
        '  <default-flow-type code="10"/><default-finance-type code="110"/>\n'
        '  <budget type="1"><period-start iso-date="2020-01-01"/>'
        '<period-end iso-date="2020-12-31"/>'
        f'<value currency="{currency}" value-date="2020-01-01">100000</value></budget>\n'
    )
    body = "".join(_transaction(rng, currency, n) for n in range(rng.randint(1, 6)))
    return head + body + EXTRA + "</iati-activity>\n"


def generate(path: Path, megabytes: int, seed: int = 7) -> int:
    """Write a deterministic IATI 2.03 file of at least ``megabytes`` MB; return transactions."""
    rng, target, size, index = random.Random(seed), megabytes * 1_000_000, 0, 0
    with path.open("w", encoding="utf-8") as fh:
        fh.write('<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities version="2.03">\n')
        while size < target:
            index += 1
            chunk = _activity(rng, index)
            size += len(chunk)
            fh.write(chunk)
        fh.write("</iati-activities>\n")
    return index


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _figures(name: str, path: Path, took: float, cpu: float) -> str:
    mb = path.stat().st_size / 1e6
    rates = f"{mb / took:.1f} MB/s ({mb / cpu:.1f} MB/s of CPU time, {cpu:.1f} CPU-s)"
    return f"{name}: {mb:,.0f} MB in {took:.1f} s wall = {rates}"


def bench_stream(path: Path) -> None:
    """The parser alone in chunks (what the streaming loader sees): flat memory."""
    from pipelines.sources.iati import parse as iati

    start, cpu = time.perf_counter(), time.process_time()
    stream = iati.IatiStream(path)
    rows = sum(len(chunk) for chunk in stream)
    took, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(
        f"{_figures('stream', path, took, cpu)}; {rows:,} candidate rows in chunks; "
        f"peak RSS {peak_rss_mb():,.0f} MB"
    )


def bench_parse(path: Path) -> None:
    """The whole-file parse (one candidate frame: what validate's callers and tests use)."""
    from pipelines.sources.iati import parse as iati

    start, cpu = time.perf_counter(), time.process_time()
    parsed = iati.parse(path)
    took, cpu = time.perf_counter() - start, time.process_time() - cpu
    kb = path.stat().st_size / 1e3 / max(parsed.rows_read, 1)
    print(
        f"{_figures('parse', path, took, cpu)}; {parsed.rows_read:,} transactions ({kb:.2f} KB "
        f"each), {len(parsed.candidates):,} candidate rows, {len(parsed.rejects):,} rejects; "
        f"peak RSS {peak_rss_mb():,.0f} MB"
    )


def bench_build(live: Path, built: Path | None) -> None:
    from pipelines.bundled import build
    from pipelines.store import warehouse

    if built is not None:  # a copy of an existing warehouse (when a fresh build is not wanted)
        live.write_bytes(warehouse.resolve(built).read_bytes())
    else:
        build.build(live, demo_rows=100)


def bench_load(path: Path, live: Path) -> None:
    """``load_files`` end to end (streamed: chunks written as they are read)."""
    from pipelines.ingest import load

    start, cpu = time.perf_counter(), time.process_time()
    (report,) = load.load_files(live, [path], dataset="bench")
    took, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(
        f"{_figures('load_files end to end', path, took, cpu)}; {report.status}: {report.message}"
    )
    counts = f"read {report.rows_read:,}, loaded {report.rows_loaded:,}"
    print(f"  rows {counts}, rejected {report.rows_rejected:,}; peak RSS {peak_rss_mb():,.0f} MB")


def _step(step: str, *args: object) -> None:
    """Run one step in its own process, so that its peak RSS is its own."""
    command = [sys.executable, __file__, "--step", step, *map(str, args)]
    subprocess.run(command, check=True)


def main() -> None:
    args = argparse.ArgumentParser()
    args.add_argument("--mb", type=int, default=200)
    args.add_argument("--gb", type=float, default=None, help="file size in GB (e.g. 1)")
    args.add_argument("--no-load", action="store_true")
    args.add_argument("--stream-only", action="store_true", help="only the chunked parse")
    args.add_argument("--load-only", action="store_true", help="only load_files (streamed)")
    args.add_argument("--keep", type=Path, default=None, help="keep the generated file here")
    args.add_argument("--warehouse", type=Path, default=None, help="copy this instead of a build")
    args.add_argument("--step", default=None, help=argparse.SUPPRESS)
    args.add_argument("paths", nargs="*", type=Path, help=argparse.SUPPRESS)
    opts = args.parse_args()
    if opts.step:
        steps = {"stream": bench_stream, "parse": bench_parse, "load": bench_load}
        if opts.step == "build":
            bench_build(opts.paths[0], opts.warehouse)
        else:
            steps[opts.step](*opts.paths)
        return
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    megabytes = int(opts.gb * 1000) if opts.gb else opts.mb
    with tempfile.TemporaryDirectory() as tmp:
        folder = opts.keep or Path(tmp)
        path = folder / "bench-iati.xml"
        if path.exists() and path.stat().st_size >= megabytes * 1_000_000:
            print(f"reusing {path} ({path.stat().st_size / 1e6:,.0f} MB)")
        else:
            start = time.perf_counter()
            activities = generate(path, megabytes)
            took = time.perf_counter() - start
            size = path.stat().st_size / 1e6
            print(f"generated {size:,.0f} MB, {activities:,} activities in {took:.0f} s")
        if not opts.load_only:
            _step("stream", path)
            if opts.stream_only:
                return
            _step("parse", path)
        if not opts.no_load:
            live = Path(tmp) / "warehouse.duckdb"
            extra = ["--warehouse", opts.warehouse] if opts.warehouse else []
            _step("build", live, *extra)
            _step("load", path, live)


if __name__ == "__main__":
    main()
