"""The mine's calendar: one model step per working day's shift.

From 1931 to 1940 most Soviet industry worked the six-day week (shestidnevka): rest days
fell on the 6th, 12th, 18th, 24th and 30th of each month, with a handful of public holidays.
Stakhanov's record (night of 30-31 August 1935) fell on a working day.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from stakhanov_sim.scenarios.schema import Calendar


def working_days(calendar: Calendar) -> list[dt.date]:
    """Every working day from ``calendar.start`` to ``calendar.end`` inclusive."""
    rest = set(calendar.rest_days_of_month)
    holidays = set(calendar.holidays)
    days = []
    day = calendar.start
    while day <= calendar.end:
        if day.day not in rest and day.strftime("%m-%d") not in holidays:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def shifts_per_year(calendar: Calendar) -> float:
    """Working shifts in a year of the calendar's rules (those of 1936, a full year)."""
    year = Calendar(
        start=dt.date(1936, 1, 1),
        end=dt.date(1936, 12, 31),
        rest_days_of_month=calendar.rest_days_of_month,
        holidays=calendar.holidays,
    )
    return float(len(working_days(year)))


def shift_on_or_after(days: list[dt.date], date: dt.date) -> int:
    """Index of the first shift on or after ``date`` (``len(days)`` when none is left)."""
    ordinals = np.fromiter((d.toordinal() for d in days), dtype=np.int64, count=len(days))
    return int(np.searchsorted(ordinals, date.toordinal(), side="left"))
