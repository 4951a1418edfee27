"""Reading dates people and spreadsheets write: ISO first, other forms only when they cannot be misread.

Accepted: 2027-12-31, 2027-12-31T00:00:00 (midnight, optionally with Z or +00:00), 2027/12/31, 31/12/2027,
31.12.2027, 31-12-2027 and 12/31/2027 (one reading only: a part above 12 is the day), 31 Dec 2027,
December 31, 2027, Excel date cells and Excel serial numbers (1955-2119). Refused with the reason:
03/04/2027 (3 April or 4 March?), two-digit years, impossible dates (2027-02-30), times of day other than
midnight, and anything else.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta

from django.utils.translation import gettext as _

_EXCEL_EPOCH = date(1899, 12, 30)  # Excel's day 0, after its 1900 leap-year bug
_SERIAL_MIN, _SERIAL_MAX = 20090, 80355  # 1955-01-01 .. 2119-12-31
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_ISO_TIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})?$"
)
_YMD = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$")
_DMY = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})\2(\d{2}|\d{4})$")
_SERIAL = re.compile(r"^\d{5}(?:\.0+)?$")
_MONTHS = (
    {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
    | {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
    | {"sept": 9}
)
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[\s\-]+([A-Za-z]+)\.?,?[\s\-]+(\d{4})$")
_MONTH_DAY_YEAR = re.compile(r"^([A-Za-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$")


class DateProblem(ValueError):
    """Why a value is not a date; the message is written for the person who typed it."""


def _real(year: int, month: int, day: int, raw: str) -> date:
    if not 1 <= month <= 12:
        raise DateProblem(
            _("%(raw)s has month %(month)s, which does not exist") % {"raw": repr(raw), "month": month}
        )
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise DateProblem(
            _("%(raw)s is not a real date: %(month_name)s %(year)s has %(last)s days")
            % {"raw": repr(raw), "month_name": calendar.month_name[month], "year": year, "last": last}
        )
    return date(year, month, day)


def from_excel_serial(serial: float) -> date:
    if not _SERIAL_MIN <= serial <= _SERIAL_MAX:
        raise DateProblem(
            _("%(serial)s is not an Excel date serial between 1955 and 2119")
            % {"serial": format(serial, "g")}
        )
    if serial != int(serial):
        raise DateProblem(
            _("%(serial)s carries a time of day; a date is expected") % {"serial": format(serial, "g")}
        )
    return _EXCEL_EPOCH + timedelta(days=int(serial))


def parse_date(value: object) -> date | None:
    """A date, None for an empty value, or DateProblem saying what is wrong."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.time() != datetime.min.time():
            raise DateProblem(
                _("%(isoformat)s has a time of day; a date is expected") % {"isoformat": value.isoformat()}
            )
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise DateProblem(_("%(value)s is not a date") % {"value": repr(value)})
    if isinstance(value, int | float):
        return from_excel_serial(float(value))
    raw = str(value).strip()
    return _parse_text(raw) if raw else None


def _parse_text(raw: str) -> date:
    """The date a non-empty text names, or DateProblem."""
    if len(raw) == 10 and raw[4] == "-" and raw[7] == "-" and raw[:4].isdigit():
        try:  # the common case, fast; anything odd falls through to the explained checks below
            return date.fromisoformat(raw)
        except ValueError:
            pass
    if m := _ISO.match(raw):
        return _real(int(m[1]), int(m[2]), int(m[3]), raw)
    if m := _ISO_TIME.match(raw):
        if any(int(part or 0) for part in (m[4], m[5], m[6], m[7])):
            raise DateProblem(
                _("%(raw)s has a time of day; write the date only, e.g. %(year)s-%(month)s-%(day)s")
                % {"raw": repr(raw), "year": m[1], "month": m[2], "day": m[3]}
            )
        return _real(int(m[1]), int(m[2]), int(m[3]), raw)
    if m := _YMD.match(raw):
        return _real(int(m[1]), int(m[2]), int(m[3]), raw)
    if m := _DMY.match(raw):
        return _day_month_or_month_day(m, raw)
    if m := _DAY_MONTH_YEAR.match(raw):
        month = _MONTHS.get(m[2].lower())
        if month:
            return _real(int(m[3]), month, int(m[1]), raw)
    if m := _MONTH_DAY_YEAR.match(raw):
        month = _MONTHS.get(m[1].lower())
        if month:
            return _real(int(m[3]), month, int(m[2]), raw)
    if _SERIAL.match(raw):
        return from_excel_serial(float(raw))
    raise DateProblem(_("%(raw)s is not a date; write it as YYYY-MM-DD") % {"raw": repr(raw)})


def _day_month_or_month_day(m: re.Match[str], raw: str) -> date:
    """31/12/2027, 12/31/2027 or 05/05/2027: the one reading the numbers allow, or DateProblem (a two-digit
    year, no month, or two readings)."""
    first, second, year_text = int(m[1]), int(m[3]), m[4]
    if len(year_text) == 2:
        raise DateProblem(
            _("%(raw)s has a two-digit year; write the year in full, e.g. YYYY-MM-DD") % {"raw": repr(raw)}
        )
    year = int(year_text)
    if first > 12 and second > 12:
        raise DateProblem(
            _("%(raw)s is not a date: neither %(first)s nor %(second)s is a month")
            % {"raw": repr(raw), "first": first, "second": second}
        )
    if first > 12:
        return _real(year, second, first, raw)  # day first: 31/12/2027
    if second > 12:
        return _real(year, first, second, raw)  # month first: 12/31/2027
    if first == second:
        return _real(year, first, second, raw)  # 05/05/2027 reads the same either way
    raise DateProblem(
        _(
            "%(raw)s is ambiguous: %(first)s %(month_name)s or %(month_name2)s %(second)s? "
            "Write it as YYYY-MM-DD"
        )
        % {
            "raw": repr(raw),
            "first": first,
            "month_name": calendar.month_name[second],
            "month_name2": calendar.month_name[first],
            "second": second,
        }
    )
