"""A VTIMEZONE that every calendar reads the same way: the zone's yearly rules, as RRULEs.

icalendar's own `Timezone.from_tzinfo` lists every change since 1970 as RDATEs (130 for Europe/London) and
writes each onset in the offset after the change where RFC 5545 (3.6.5) wants the one before; vobject then read
a London winter session an hour off. Here the changes are read from the zone itself (zoneinfo), for the years
around the event: each kind of change (spring forward, fall back) is written once, with the yearly rule that
gives every one of them, and that rule is checked against the zone before it is trusted. A zone whose changes
follow no such rule (Morocco's, around Ramadan) has its changes in those years written one by one, each an
observance of its own: no RDATE lists either way.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard, vRecur

# The zone is probed every PROBE and each change found is narrowed down to the second. No zone in use changes
# twice within six hours, so none is missed.
PROBE = dt.timedelta(hours=6)
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class Observance:
    """How the zone's clocks read from some instant on: offset from UTC, abbreviation, summer time or not."""

    offset: dt.timedelta
    name: str
    daylight: bool


@dataclass(frozen=True)
class Change:
    """The clocks changing at `at` (UTC) from one observance to another."""

    at: dt.datetime
    before: Observance
    after: Observance

    @property
    def onset(self) -> dt.datetime:
        """The change as a wall-clock time read just before it (RFC 5545's DTSTART of an observance)."""
        return (self.at + self.before.offset).replace(tzinfo=None)


@dataclass(frozen=True)
class YearlyRule:
    """ "The last Sunday of October at 02:00": a month, a weekday, its place in the month (-1: the last), a time."""

    month: int
    weekday: int  # Monday is 0
    ordinal: int
    time: dt.time

    def in_year(self, year: int) -> dt.datetime | None:
        """The onset in that year; None for "the fifth Sunday" in a month with four."""
        days = calendar.monthrange(year, self.month)[1]
        matching = [d for d in range(1, days + 1) if dt.date(year, self.month, d).weekday() == self.weekday]
        if self.ordinal > len(matching):
            return None
        day = matching[-1] if self.ordinal == -1 else matching[self.ordinal - 1]
        return dt.datetime.combine(dt.date(year, self.month, day), self.time)

    def recur(self) -> vRecur:
        return vRecur({"FREQ": "YEARLY", "BYMONTH": self.month, "BYDAY": f"{self.ordinal}{WEEKDAYS[self.weekday]}"})


def vtimezone(zone: ZoneInfo, *, first: dt.date, last: dt.date) -> Timezone:
    """The zone's VTIMEZONE, right for every time from `first` to `last` (the event's days) and the years around."""
    component = Timezone()
    component.add("tzid", zone.key)
    for observed, onset, before, rule in _shape(zone.key, first.year, last.year):
        part = TimezoneDaylight() if observed.daylight else TimezoneStandard()
        part.add("dtstart", onset)
        if rule is not None:
            part.add("rrule", rule.recur())
        part.add("tzoffsetfrom", before.offset)
        part.add("tzoffsetto", observed.offset)
        part.add("tzname", observed.name)
        component.add_component(part)
    return component


Shape = tuple[tuple[Observance, dt.datetime, Observance, YearlyRule | None], ...]


@functools.lru_cache(maxsize=64)
def _shape(key: str, first_year: int, last_year: int) -> Shape:
    """The observances of the zone over those years and the years around: (observed, onset, observed before,
    yearly rule or None). Worked out once per zone and years (a few milliseconds), then kept."""
    zone = ZoneInfo(key)
    start = dt.datetime(first_year - 1, 1, 1, tzinfo=dt.UTC)
    end = dt.datetime(last_year + 2, 1, 1, tzinfo=dt.UTC)
    changes = find_changes(zone, start=start, end=end)
    initial = _observed(zone, start)
    if not changes:
        return ((initial, _local(start, zone), initial, None),)
    rules = yearly_rules(changes, years=range(start.year, end.year))
    if rules is not None:
        return tuple((after, onset, before, rule) for (before, after), (rule, onset) in rules.items())
    one_by_one = [(change.after, change.onset, change.before, None) for change in changes]
    return ((initial, _local(start, zone), initial, None), *one_by_one)


def find_changes(zone: ZoneInfo, *, start: dt.datetime, end: dt.datetime) -> list[Change]:
    """Every change of the zone's clocks between two UTC instants, in order."""
    changes = []
    moment, observed = start, _observed(zone, start)
    while moment < end:
        following = moment + PROBE
        now_observed = _observed(zone, following)
        if now_observed != observed:
            changes.append(_narrow(zone, moment, following))
            observed = now_observed
        moment = following
    return changes


def yearly_rules(
    changes: list[Change], *, years: range
) -> dict[tuple[Observance, Observance], tuple[YearlyRule, dt.datetime]] | None:
    """Each kind of change (from one observance to another) with the yearly rule that gives it once in every
    one of `years`, on the day and at the time the zone has it, and its first onset; None when some change
    follows no such rule."""
    onsets: defaultdict[tuple[Observance, Observance], list[dt.datetime]] = defaultdict(list)
    for change in changes:
        onsets[(change.before, change.after)].append(change.onset)
    rules: dict[tuple[Observance, Observance], tuple[YearlyRule, dt.datetime]] = {}
    for kind, found in onsets.items():
        rule = next((r for r in _candidates(found[0]) if [r.in_year(y) for y in years] == found), None)
        if rule is None:
            return None
        rules[kind] = (rule, found[0])
    return rules


def _candidates(onset: dt.datetime) -> list[YearlyRule]:
    """The rules an onset may follow: "the last Sunday" when it is the month's last, and "the second Sunday"."""
    days = calendar.monthrange(onset.year, onset.month)[1]
    rule = YearlyRule(onset.month, onset.weekday(), (onset.day - 1) // 7 + 1, onset.time())
    if onset.day + 7 > days:
        return [YearlyRule(onset.month, onset.weekday(), -1, onset.time()), rule]
    return [rule]


def _observed(zone: ZoneInfo, moment: dt.datetime) -> Observance:
    local = moment.astimezone(zone)
    return Observance(
        offset=local.utcoffset() or dt.timedelta(0),
        name=local.tzname() or "",
        daylight=bool(local.dst()),
    )


def _narrow(zone: ZoneInfo, before: dt.datetime, after: dt.datetime) -> Change:
    """The change between two instants that see different observances, to the second."""
    was, becomes = _observed(zone, before), _observed(zone, after)
    low, high = 0, int((after - before).total_seconds())  # whole seconds after `before`; changes fall on them
    while high - low > 1:
        middle = (low + high) // 2
        if _observed(zone, before + dt.timedelta(seconds=middle)) == was:
            low = middle
        else:
            high = middle
    return Change(at=before + dt.timedelta(seconds=high), before=was, after=becomes)


def _local(moment: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    return moment.astimezone(zone).replace(tzinfo=None)
