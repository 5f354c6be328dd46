"""Helpers that write import files for tests and benchmarks."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from verifier.documents.parse import FIELDS


def write_csv(path: Path, rows: Iterable[dict[str, Any]], columns: Iterable[str] = FIELDS) -> Path:
    columns = list(columns)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {
                    name: json.dumps(value, ensure_ascii=False)
                    if isinstance(value, list)
                    else value
                    for name, value in row.items()
                }
            )
    return path


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


def generated_rows(
    count: int, *, start: int = 1, institution: str = "TATT"
) -> Iterable[dict[str, Any]]:
    surnames = [
        "Gʻulomov",
        "Yoʻldoshev",
        "Qodirov",
        "Ҳолматов",
        "Ergashev",
        "Oʻrinboyev",
        "Rahimov",
    ]
    for index in range(start, start + count):
        yield {
            "type": "diploma",
            "number": f"KT{index:07d}",
            "surname": surnames[index % len(surnames)],
            "given_name": "Abdulla",
            "patronymic": "Rustam oʻgʻli",
            "birth_date": "2003-04-17",
            "institution": institution,
            "program_code": "60610500",
            "program_name": "Kompyuter injiniringi",
            "qualification": "Kompyuter tizimlari texnigi",
            "study_form": "kunduzgi",
            "start_date": "2021-09-01",
            "end_date": "2024-06-28",
            "issue_date": "2024-07-05",
        }
