"""Report numbers: VR-YYYY-NNNNNNNN, per series and year, never given twice, even at once."""

from __future__ import annotations

import threading

import pytest

from verifier.reports.numbers import next_number
from verifier.runtime import Runtime


def take(runtime: Runtime, series: str = "VR", year: int = 2026) -> str:
    with runtime.database.transaction() as session:
        return next_number(session, series, year)


def test_numbers_count_up_from_one_in_eight_digits(runtime: Runtime) -> None:
    assert [take(runtime) for _ in range(3)] == [
        "VR-2026-00000001",
        "VR-2026-00000002",
        "VR-2026-00000003",
    ]


def test_each_series_and_year_counts_on_its_own(runtime: Runtime) -> None:
    take(runtime)
    assert take(runtime, "VL") == "VL-2026-00000001"
    assert take(runtime, "VR", 2027) == "VR-2027-00000001"
    assert take(runtime) == "VR-2026-00000002"


def _fail_after_taking(runtime: Runtime) -> None:
    with runtime.database.transaction() as session:
        assert next_number(session, "VR", 2026) == "VR-2026-00000002"
        raise RuntimeError("the report could not be stored")


def test_a_rolled_back_report_gives_its_number_back(runtime: Runtime) -> None:
    take(runtime)
    with pytest.raises(RuntimeError):
        _fail_after_taking(runtime)
    assert take(runtime) == "VR-2026-00000002"


def test_concurrent_writers_never_get_the_same_number(runtime: Runtime) -> None:
    threads, each = 8, 5
    taken: list[str] = []
    failures: list[BaseException] = []
    start = threading.Barrier(threads)

    def writer() -> None:
        try:
            start.wait()
            for _ in range(each):
                number = take(runtime)
                taken.append(number)  # list.append is atomic under the GIL
        except BaseException as exc:  # reported by the assertion below
            failures.append(exc)

    workers = [threading.Thread(target=writer) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert failures == []
    assert sorted(taken) == [f"VR-2026-{n:08d}" for n in range(1, threads * each + 1)]
