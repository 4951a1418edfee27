"""The date reader: ISO and unmistakable forms are read; ambiguous and impossible dates are refused with the
reason."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from conduct.apps.suppliers.dates import DateProblem, parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2027-12-31", date(2027, 12, 31)),
        ("2027-12-31T00:00:00", date(2027, 12, 31)),
        ("2027-12-31T00:00:00Z", date(2027, 12, 31)),
        ("2027/12/31", date(2027, 12, 31)),
        ("31/12/2027", date(2027, 12, 31)),
        ("31.12.2027", date(2027, 12, 31)),
        ("31-12-2027", date(2027, 12, 31)),
        ("12/31/2027", date(2027, 12, 31)),
        ("05/05/2027", date(2027, 5, 5)),
        ("31 Dec 2027", date(2027, 12, 31)),
        ("December 31, 2027", date(2027, 12, 31)),
        ("46752", date(2027, 12, 31)),
        (46752, date(2027, 12, 31)),
        (datetime(2027, 12, 31), date(2027, 12, 31)),
        ("", None),
        (None, None),
    ],
)
def test_it_reads_iso_and_unmistakable_forms(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("03/04/2027", "ambiguous"),
        ("2027-02-30", "February 2027 has 28 days"),
        ("31/02/2027", "February 2027 has 28 days"),
        ("2027-13-01", "month 13"),
        ("31/12/27", "two-digit year"),
        ("2027-12-31T10:30:00", "time of day"),
        ("next Tuesday", "not a date"),
        ("13/13/2027", "neither"),
        (12, "Excel date serial"),
    ],
)
def test_it_refuses_ambiguous_impossible_and_unreadable_dates_saying_why(text, reason):
    with pytest.raises(DateProblem, match=reason):
        parse_date(text)
