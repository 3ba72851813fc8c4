"""The calendar as a file: the ``/calendar.ics`` feed and `/hrc days export`, which return the same bytes."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from datetime import datetime
from urllib.parse import urlencode

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.common import parse_themes
from handlers.context import Context
from handlers.days import all_observances
from handlers.i18n import N_, translator
from handlers.ics import MIME_TYPE, build_calendar, select_days
from handlers.registry import command
from handlers.text import fold
from handlers.types import Attachment, Reply, Request
from handlers.vocab import theme_name
from handlers.words import ALL_INPUT

FILENAME = "hrc-days.ics"
BUILT_MAX = 32  # calendars kept (a theme filter and a language each), ~140 kB each at most
_BUILT: OrderedDict[tuple[object, ...], bytes] = OrderedDict()
FEED_PATH = "/calendar.ics"


def feed_url(public_url: str, slugs: list[str], locale: str) -> str:
    """The feed's address for these themes and language, e.g.
    ``https://hrc.example.org/calendar.ics?themes=water-sanitation,housing&lang=es``; "" without a public URL."""
    if not public_url:
        return ""
    query = {}
    if slugs:
        query["themes"] = ",".join(slugs)
    if locale and locale != "en":
        query["lang"] = locale
    return public_url + FEED_PATH + ("?" + urlencode(query, safe=",") if query else "")


async def calendar_bytes(session: AsyncSession, now: datetime, locale: str, themes: str = "") -> tuple[bytes, list[str]]:
    """The iCalendar file of every UN day and campaign date (narrowed to ``themes``, a comma-separated
    list of theme names in ``locale``, as typed by a user), and the theme slugs it was narrowed to.

    Raises ``UserError`` (already translated) for an unknown theme or more themes than allowed."""
    _ = translator(locale)
    everything = not themes.strip() or fold(themes) in ALL_INPUT  # ?themes=all, as `channel set days themes: all`
    slugs = [] if everything else [t.slug for t in parse_themes(themes, _)]
    observances = select_days(await all_observances(session), slugs or None)
    name = ""
    if slugs:
        name = _("UN international days · {themes}").format(themes=", ".join(theme_name(s, _) for s in slugs))
    campaign = tuple((d.slug, d.name, d.fixed_date, d.themes) for d in observances if d.is_campaign)
    key = (tuple(sorted(slugs)), locale, now.year, campaign)
    content = _BUILT.get(key)
    if content is None:
        # ~0.5 s of icalendar work for the whole calendar: off the event loop, and kept until the campaign
        # dates or the year change (its DTSTAMP is then the time it was built).
        content = await asyncio.to_thread(build_calendar, observances, now=now, locale=locale, name=name)
        _BUILT[key] = content
        while len(_BUILT) > BUILT_MAX:
            _BUILT.popitem(last=False)
    else:
        _BUILT.move_to_end(key)
    return content, slugs


@command(
    "days export",
    summary=N_("The calendar as a file for your calendar app (.ics)"),
    usage=N_("days export [theme: T1, T2]"),
    examples=("/hrc days export", "/hrc days export theme: water, housing"),
    keys=("theme",),
    limits=(("theme", 600),),
)
async def days_export(ctx: Context, request: Request, session: AsyncSession) -> Reply:
    _ = translator(request.locale)
    content, slugs = await calendar_bytes(session, ctx.now(), request.locale, request.command.opt("theme"))
    what = ", ".join(theme_name(s, _) for s in slugs) if slugs else _("all themes")
    url = feed_url(ctx.public_url, slugs, request.locale)
    if url:
        footer = _("To stay up to date, subscribe to {url} instead (Google Calendar: Other calendars → From URL; "
                   "Outlook: Add calendar → Subscribe from web).").format(url=url)
    else:
        footer = _("A file is a snapshot: import it again next year, or subscribe to the bot's calendar feed.")
    return Reply(
        text=_("The calendar of UN international days and campaign dates ({what}), for Google Calendar, "
               "Outlook or Apple Calendar: open the attached file to import it.").format(what=what),
        footer=footer,
        attachments=(Attachment(
            filename=FILENAME, content=content, mime_type=MIME_TYPE,
            alt_text=_("Calendar file of UN international days ({what})").format(what=what),
        ),),
    )
