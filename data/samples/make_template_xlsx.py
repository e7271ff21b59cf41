"""Write data/samples/template.xlsx from data/samples/template.csv (same rows, one sheet).

Usage: .venv/bin/python data/samples/make_template_xlsx.py
"""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent


def main() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "flows"
    with open(HERE / "template.csv", encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.reader(handle)):
            if number:  # amounts as numbers, like a spreadsheet user would type them
                row[11] = float(row[11]) if "." in row[11] else int(row[11])
            sheet.append(row)
    book.save(HERE / "template.xlsx")


if __name__ == "__main__":
    main()
