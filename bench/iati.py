"""Bench the IATI importer: generate a deterministic IATI 2.03 file, parse it (and load it).

    .venv/bin/python bench/iati.py [--mb 200] [--no-load | --stream-only] [--keep DIR]
        [--warehouse PATH]

Prints, with the load average (the machine is shared), MB/s by wall clock and per CPU second
and the peak RSS for: the chunked parse (``IatiStream``, what a chunk-consuming loader sees),
the whole-file ``parse`` (one candidate frame), and ``load_files`` end to end into a freshly
built warehouse (or a copy of ``--warehouse``).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
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


def bench_stream(path: Path) -> None:
    """The parser alone in chunks (what a chunk-consuming loader would see): flat memory."""
    from pipelines.sources import iati

    mb = path.stat().st_size / 1e6
    start, cpu = time.perf_counter(), time.process_time()
    stream = iati.IatiStream(path)
    rows = sum(len(chunk) for chunk in stream)
    took, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(
        f"stream: {mb:,.0f} MB in {took:.1f} s wall = {mb / took:.1f} MB/s "
        f"({mb / cpu:.1f} MB/s of CPU time); {rows:,} candidate rows in chunks; "
        f"peak RSS {peak_rss_mb():,.0f} MB"
    )


def bench_parse(path: Path) -> None:
    from pipelines.sources import iati

    mb = path.stat().st_size / 1e6
    start, cpu = time.perf_counter(), time.process_time()
    parsed = iati.parse(path)
    took, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(
        f"parse: {mb:,.0f} MB in {took:.1f} s wall = {mb / took:.1f} MB/s "
        f"({mb / cpu:.1f} MB/s of CPU time); {parsed.rows_read:,} transactions "
        f"({mb * 1000 / parsed.rows_read:.2f} KB each), {len(parsed.candidates):,} candidate rows, "
        f"{len(parsed.rejects):,} rejects; peak RSS {peak_rss_mb():,.0f} MB"
    )
    del parsed


def bench_load(path: Path, folder: Path, built: Path | None) -> None:
    from pipelines import build, load, warehouse

    live = folder / "warehouse.duckdb"
    if built is not None:  # a copy of an existing warehouse (when a fresh build is not wanted)
        live.write_bytes(warehouse.resolve(built).read_bytes())
    else:
        build.build(live, demo_rows=100)
    mb = path.stat().st_size / 1e6
    start, cpu = time.perf_counter(), time.process_time()
    (report,) = load.load_files(live, [path], dataset="bench")
    took, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(
        f"load_files: {mb:,.0f} MB in {took:.1f} s wall = {mb / took:.1f} MB/s end to end "
        f"({mb / cpu:.1f} MB/s of CPU time); {report.status}: {report.message}"
    )
    print(f"peak RSS after load {peak_rss_mb():,.0f} MB")


def main() -> None:
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    args = argparse.ArgumentParser()
    args.add_argument("--mb", type=int, default=200)
    args.add_argument("--no-load", action="store_true")
    args.add_argument("--stream-only", action="store_true", help="only the chunked parse")
    args.add_argument("--keep", type=Path, default=None)
    args.add_argument("--warehouse", type=Path, default=None, help="copy this instead of a build")
    opts = args.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = opts.keep or Path(tmp)
        path = folder / "bench-iati.xml"
        if path.exists() and path.stat().st_size >= opts.mb * 1_000_000:
            print(f"reusing {path} ({path.stat().st_size / 1e6:,.0f} MB)")
        else:
            start = time.perf_counter()
            activities = generate(path, opts.mb)
            took = time.perf_counter() - start
            size = path.stat().st_size / 1e6
            print(f"generated {size:,.0f} MB, {activities:,} activities in {took:.0f} s")
        bench_stream(path)
        if opts.stream_only:
            return
        bench_parse(path)
        if not opts.no_load:
            bench_load(path, folder, opts.warehouse)


if __name__ == "__main__":
    main()
