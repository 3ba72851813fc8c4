"""The calendar as iCalendar (RFC 5545): one feed for Google Calendar, Outlook and Apple Calendar.

Built with the ``icalendar`` library (BSD-2), which writes CRLF line ends and folds lines at 75 octets
(RFC 5545 §3.1). Each day is one all-day ``VEVENT`` (``DTSTART;VALUE=DATE`` and ``DTEND`` the next day,
§3.6.1) with a UID that depends only on the day's slug, so a subscribed calendar updates events instead
of duplicating them. Days on a fixed date or on the nth weekday of a month carry an ``RRULE``
(``FREQ=YEARLY`` with ``BYMONTH``/``BYMONTHDAY`` or ``BYDAY=1MO`` / ``-1TH``, §3.3.10; ``INTERVAL`` for
days observed every N years; 29 February recurs only in leap years because §3.3.10 drops invalid
dates). Irregular days (Vesak) have no computable date and are left out: never guessed. Campaign
dates happen once and carry no rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from icalendar import Calendar, Event, vRecur

from handlers.calendar import _FIXED, _MONTHS, _MOVING, _NTH, _WEEKDAYS, Observance
from handlers.day_names import day_name, day_page
from handlers.i18n import Translate, language_of, translator
from handlers.quoting import day_arg
from handlers.vocab import theme_name

PRODID = "-//UCLG Human Rights Cities//hrc-bot//EN"
UID_DOMAIN = "hrc-bot.human-rights-cities"
MIME_TYPE = "text/calendar"
_BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_LANG = re.compile(r"^[a-zA-Z]{2,3}([-_][a-zA-Z]{2,4})?$")


def uid_of(day: Observance) -> str:
    """The event's UID: stable across feeds, years and restarts (RFC 5545 §3.8.4.7)."""
    return f"{day.slug}@{UID_DOMAIN}"


def clean_lang(value: str | None) -> str:
    """A locale code from a URL (``es``, ``fr-FR``), or ``en`` when absent or malformed."""
    return value if value and _LANG.match(value) else "en"


def recurrence(day: Observance) -> vRecur | None:
    """The ``RRULE`` that reproduces ``day.date_in`` for every year, or None (once, or no date)."""
    if day.fixed_date is not None or day.is_irregular:
        return None
    rule: dict[str, object] = {"FREQ": "YEARLY"}
    if day.every_years and day.every_years > 1:
        rule["INTERVAL"] = day.every_years
    fixed = _FIXED.match(day.rule)
    moving = _MOVING.match(day.rule)
    if fixed:
        rule["BYMONTH"] = int(fixed.group(1))
        rule["BYMONTHDAY"] = int(fixed.group(2))
    elif moving:
        nth = _NTH[moving.group(1).lower()]
        weekday = _BYDAY[_WEEKDAYS[moving.group(2).lower()]]
        rule["BYMONTH"] = _MONTHS[moving.group(3).lower()]
        rule["BYDAY"] = f"{nth}{weekday}"
    else:
        raise ValueError(f"no RRULE for rule {day.rule!r}")
    return vRecur(rule)


def first_date(day: Observance, since_year: int) -> date | None:
    """The first occurrence in or after ``since_year`` (the event's ``DTSTART``), or None."""
    if day.fixed_date is not None:
        return day.fixed_date if day.fixed_date.year >= since_year else None
    if day.is_irregular:
        return None
    span = max(day.every_years or 1, 8)  # 8 covers 29 February across a skipped leap year (2100)
    for year in range(since_year, since_year + span + 1):
        when = day.date_in(year)
        if when is not None:
            return when
    return None


def _description(day: Observance, language: str, _: Translate) -> str:
    if day.is_campaign:
        kind = _("campaign date")
    else:
        kind = _("UN international day") if day.is_un else _("not a UN day")
    lines = [kind + (f" ({day.resolution})" if day.resolution else "")]
    if day.themes:
        lines.append(_("Themes: {themes}").format(themes=", ".join(theme_name(t, _) for t in day.themes)))
    if day.page:
        lines.append(day_page(day, language))
    lines.append(_("In the bot: /hrc day {slug}").format(slug=day_arg(day, language)))
    return "\n".join(lines)


def day_event(day: Observance, since_year: int, now: datetime, _: Translate) -> Event | None:
    """One all-day VEVENT for ``day`` (recurring when it has a rule), or None when it has no date. The name and
    the UN page are the official ones in ``_``'s language where the UN has them (handlers.day_names)."""
    language = language_of(_.language) or "en"
    start = first_date(day, since_year)
    if start is None:
        return None
    event = Event()
    event.add("uid", uid_of(day))
    event.add("dtstamp", now)
    name = day_name(day, language)
    summary = name if day.is_un or day.is_campaign else f"{name} ({_('not a UN day')})"
    event.add("summary", summary)
    event.add("dtstart", start)  # a date: written DTSTART;VALUE=DATE
    event.add("dtend", start + timedelta(days=1))
    rule = recurrence(day)
    if rule is not None:
        event.add("rrule", rule)
    event.add("description", _description(day, language, _))
    if day.page:
        event.add("url", day_page(day, language))
    if day.themes:
        event.add("categories", [theme_name(t, _) for t in day.themes])
    event.add("transp", "TRANSPARENT")  # a day to mark, not time you are busy
    return event


def build_calendar(
    days: Iterable[Observance], *, now: datetime, locale: str = "en", since_year: int | None = None, name: str = ""
) -> bytes:
    """The iCalendar file (UTF-8 bytes) for ``days``; recurring events start in ``since_year``.

    ``now`` (aware) becomes every ``DTSTAMP``; ``since_year`` defaults to ``now``'s year. Raises
    ValueError for a day whose rule has no RRULE form (a new rule kind added to the CSV).
    """
    _ = translator(locale)
    since = since_year if since_year is not None else now.year
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    title = name or _("UN international days · Human Rights Cities")
    cal.add("x-wr-calname", title)
    cal.add("name", title)  # RFC 7986
    cal.add(
        "x-wr-caldesc",
        _("UN international days linked to the campaign's themes, and the campaign's own dates."),
    )
    cal.add("refresh-interval", timedelta(days=1), parameters={"VALUE": "DURATION"})  # RFC 7986
    cal.add("x-published-ttl", "P1D")
    for day in days:
        event = day_event(day, since, now, _)
        if event is not None:
            cal.add_component(event)
    return cal.to_ical()


def select_days(days: Iterable[Observance], themes: Iterable[str] | None) -> list[Observance]:
    """Days linked to any of ``themes`` (slugs); campaign dates with no theme are kept for everyone.

    With ``themes`` None, every day."""
    if themes is None:
        return list(days)
    wanted = set(themes)
    return [d for d in days if wanted.intersection(d.themes) or (d.is_campaign and not d.themes)]
