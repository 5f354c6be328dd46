"""`verifier holidays list | add DATE NAME`: the calendar inquiries' due dates follow."""

from __future__ import annotations

from collections.abc import Callable

from click.testing import Result

Run = Callable[..., Result]


def test_list_shows_the_fixed_holidays_of_the_year(run: Run) -> None:
    result = run("holidays", "list", "--year", "2027")
    assert result.exit_code == 0
    assert "2027-03-21" in result.output
    assert "fixed" in result.output


def test_add_puts_a_movable_holiday_in_the_list(run: Run) -> None:
    assert run("holidays", "add", "2027-03-10", "Ramazon hayit").exit_code == 0
    listed = run("holidays", "list", "--year", "2027").output
    assert "2027-03-10" in listed
    assert "Ramazon hayit" in listed


def test_add_refuses_a_date_that_is_not_one(run: Run) -> None:
    result = run("holidays", "add", "2027-02-30", "Nothing")
    assert result.exit_code == 1
    assert "not a date YYYY-MM-DD" in result.output


def test_add_refuses_the_same_day_twice(run: Run) -> None:
    run("holidays", "add", "2027-03-10", "Ramazon hayit")
    result = run("holidays", "add", "2027-03-10", "Again")
    assert result.exit_code == 1
    assert "already a holiday" in result.output
