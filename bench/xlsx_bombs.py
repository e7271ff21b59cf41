"""Time and peak memory of refusing the two XLSX bombs of issue 15 (each in a fresh process
under /usr/bin/time -v): a ~2 KB file with one cell at XFD1048576, and a ~6 MB file of 2.5
million identical rows. Targets: under 5 s and under 300 MB each.

    .venv/bin/python bench/xlsx_bombs.py
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from xlsx_bomb_files import far_cell, many_rows  # noqa: E402

CHILD = (
    "import sys, time\n"
    "from pathlib import Path\n"
    "from pipelines.sources import template\n"
    "start, cpu = time.monotonic(), time.process_time()\n"
    "try:\n"
    "    template.parse(Path(sys.argv[1])); print('parsed (NOT refused)')\n"
    "except Exception as exc:\n"
    "    print(f'{type(exc).__name__}: {exc}')\n"
    "print(f'{time.monotonic() - start:.2f} s wall, {time.process_time() - cpu:.2f} s CPU')\n"
)


def measure(path: Path) -> dict[str, str]:
    done = subprocess.run(  # noqa: S603
        ["/usr/bin/time", "-v", sys.executable, "-c", CHILD, str(path)],
        cwd=REPO, capture_output=True, text=True, check=True,
    )  # fmt: skip
    timing = done.stderr

    def field(label: str) -> str:
        found = re.search(rf"{re.escape(label)}: (.+)", timing)
        return found.group(1).strip() if found else "?"

    lines = done.stdout.strip().splitlines()
    cpu = float(field("User time (seconds)")) + float(field("System time (seconds)"))
    return {
        "file": f"{path.name} ({path.stat().st_size:,} bytes)",
        "message": lines[0],
        "refusal": lines[-1],
        "wall (process)": field("Elapsed (wall clock) time (h:mm:ss or m:ss)"),
        "process CPU": f"{cpu:.2f} s (imports included)",
        "peak RSS": f"{int(field('Maximum resident set size (kbytes)')) / 1024:.0f} MB",
    }


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="fundflows-bombs-") as folder:
        for path in (far_cell(Path(folder) / "far_cell.xlsx"),
                     many_rows(Path(folder) / "many_rows.xlsx")):  # fmt: skip
            for key, value in measure(path).items():
                print(f"{key:>15}: {value}")
            print()


if __name__ == "__main__":
    main()
