""""My city acts": a city says it acts on a UN day or campaign date (`act`), withdraws (`act remove`), and the
secretariat sees who acts (`acting`). The day's card, its day-of prompt and digests list the cities acting; a
practice shared on the day's themes within ``OUTCOME_DAYS`` after it is offered as the action's outcome.

An action belongs to one occurrence of a day (its year): saying it again updates the note and link.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.audit import record
from handlers.calendar import Observance, occurrences
from handlers.common import caller, own_focal_point
from handlers.context import Context
from handlers.countries import country_name
from handlers.day_names import day_name
from handlers.days import all_observances, dated_within, find_observance, long_date
from handlers.digests import MAX_BUTTON_COMMAND
from handlers.errors import UserError
from handlers.i18n import N_, Translate, translator
from handlers.moments import zone_or_default
from handlers.practices import parse_link
from handlers.quoting import day_arg
from handlers.registry import command
from handlers.types import Action, Field, Item, Reply, Request
from storage.models import City, CityAction, CityStatus, FocalPoint, FocalStatus, Practice
from storage.queries import actions as queries

NOTE_MAX, LINK_MAX = 300, 500
OUTCOME_DAYS = 7  # a practice shared this many days after a day (or on it) can be that day's outcome
NOTICE_DAYS = 7  # the secretariat gets the list of cities acting this many days before a day
SHOWN = 15  # cities listed on a card or prompt before "…and N more"
SHOWN_WEEKS = 8  # `acting` with no day lists the actions of this many weeks ahead
LOOK_AHEAD_YEARS = 12  # days observed every N years (World Statistics Day: 5) or on 29 February


def local_today(ctx: Context, zone_name: str | None) -> date:
    """Today in ``zone_name`` (a city's zone), else in the default zone ``ctx.timezone``."""
    return ctx.now().astimezone(zone_or_default(zone_name, ctx)).date()


def next_occurrence(day: Observance, today: date) -> date | None:
    """The day's first date on or after ``today`` (29 February: the next leap year), None when it has none."""
    for year in range(today.year, today.year + LOOK_AHEAD_YEARS + 1):
        when = day.date_in(year)
        if when is not None and when >= today:
            return when
    return None


def shown_occurrence(day: Observance, today: date) -> date | None:
    """The occurrence a card shows actions for: the latest one if it was within ``OUTCOME_DAYS`` (its outcomes
    may still come in), else the next one."""
    for year in (today.year, today.year - 1):
        when = day.date_in(year)
        if when is not None and today - timedelta(days=OUTCOME_DAYS) <= when <= today:
            return when
    return next_occurrence(day, today)


def city_label(city: City, language: str) -> str:
    return f"{city.name} ({country_name(city.country, language)})"


def action_text(action: CityAction, _: Translate) -> str:
    """What a city said it does, its link and its outcome, as plain text (renderers make it inert)."""
    parts = [action.note] if action.note else []
    if action.link:
        parts.append(action.link)
    if action.practice is not None:
        parts.append(_("outcome: {title}").format(title=action.practice.title))
    return " · ".join(parts)


def acting_line(action: CityAction, _: Translate) -> str:
    """``Grenoble (France): Open day · https://…`` (French spaces its colon), the city alone when it said nothing more."""
    city, text = city_label(action.city, _.language), action_text(action, _)
    return f"{_.label(city)} {text}" if text else city


def acting_lines(actions: Sequence[CityAction], _: Translate) -> str:
    """One line per city acting (the first ``SHOWN``), for a card, a prompt or a reminder."""
    lines = [acting_line(action, _) for action in actions[:SHOWN]]
    if len(actions) > SHOWN:
        lines.append(_("…and {count} more").format(count=len(actions) - SHOWN))
    return "\n".join(lines)


async def acting_field(ctx: Context, session: AsyncSession, day: Observance, _: Translate) -> Field | None:
    """The day card's "Cities acting on <date>" (the occurrence ``shown_occurrence`` picks), None when none."""
    when = shown_occurrence(day, local_today(ctx, None))
    actions = await queries.acting_on(session, day.slug, when) if when is not None else []
    if when is None or not actions:
        return None
    return Field(_("Cities acting on {date}").format(date=_.date(when)), acting_lines(actions, _), inline=False)


def acting_reply(day: Observance, when: date, actions: Sequence[CityAction], _: Translate) -> Reply:
    """The secretariat's list of cities acting on one occurrence: one item per city, with note, link and outcome."""
    items = tuple(
        Item(title=city_label(a.city, _.language), text=" · ".join(p for p in (a.note or "", _outcome(a, _)) if p),
             link=a.link)
        for a in actions
    )
    title = _("Cities acting on {name} ({date})").format(name=day_name(day, _.language), date=_.date(when))
    if not items:
        return Reply(title=title, text=_("No city has said it acts on this day yet."))
    return Reply(title=title, text=_.ngettext("{count} city acts.", "{count} cities act.", len(items)).format(count=len(items)),
                 items=items)


def _outcome(action: CityAction, _: Translate) -> str:
    return _("outcome: {title}").format(title=action.practice.title) if action.practice is not None else ""


async def _acting_focal_point(ctx: Context, request: Request, session: AsyncSession, _: Translate) -> FocalPoint:
    """The caller's focal point, when the secretariat verified both them and their city."""
    member = await caller(ctx, request, session)
    focal = own_focal_point(member, _)
    if focal.city.status != CityStatus.VERIFIED or focal.status != FocalStatus.VERIFIED:
        raise UserError(_("Your city can say it acts once the secretariat has verified you as focal point of {city}.").format(
            city=focal.city.name))
    return focal


def _parse_practice_id(value: str, _: Translate) -> int:
    word = value.strip().lstrip("#")
    if not word.isdecimal() or len(word) > 9:
        raise UserError(_("practice: takes the number of a practice your city shared."), field="practice")
    return int(word)


async def _outcome_practice(session: AsyncSession, value: str, focal: FocalPoint, _: Translate) -> Practice:
    practice = await queries.practice_with_themes(session, _parse_practice_id(value, _))
    if practice is None:
        raise UserError(_("There is no practice #{id}.").format(id=value.strip().lstrip("#")), field="practice")
    if practice.city_id != focal.city_id:
        raise UserError(_("Practice #{id} is not one your city shared.").format(id=value.strip().lstrip("#")), field="practice")
    return practice


def _outcome_occurrence(day: Observance, practice: Practice, _: Translate) -> date:
    """The occurrence of ``day`` a practice can be the outcome of: within ``OUTCOME_DAYS`` before it was shared."""
    if day.themes and not set(day.themes).intersection(practice.theme_slugs):
        raise UserError(_("“{title}” is on none of the day's themes.").format(title=practice.title), field="practice")
    shared = practice.created_at.date()
    for when, _day in occurrences([day], shared - timedelta(days=OUTCOME_DAYS), shared):
        return when
    raise UserError(_("A practice is the outcome of a day it was shared within a week after."), field="practice")


@command(
    "act",
    summary=N_("Say that your city acts on a UN day or campaign date"),
    usage=N_("act DAY [note: TEXT] [link: URL] [practice: ID]"),
    examples=("/hrc act human rights day note: Open day at city hall link: https://example.org/open-day",
              "/hrc act world water day"),
    keys=("note", "link", "practice"),
    main=N_("day name"),
    main_required=True,
    writes=True,
    limits=(("main", 150), ("note", NOTE_MAX), ("link", LINK_MAX), ("practice", 12)),
)
async def act(ctx: Context, request: Request, session: AsyncSession) -> Reply:
    """Records (or updates) the caller's city's action on the day's next occurrence; with ``practice:``, links
    a practice shared within a week after an occurrence as that occurrence's outcome."""
    _ = translator(request.locale)
    args = request.command
    day = find_observance(args.main, await all_observances(session), _)
    link = parse_link(args.opt("link"), _) if args.opt("link") else None
    focal = await _acting_focal_point(ctx, request, session, _)
    practice = await _outcome_practice(session, args.opt("practice"), focal, _) if args.opt("practice") else None
    if practice is not None:
        when: date | None = _outcome_occurrence(day, practice, _)
    else:
        when = next_occurrence(day, local_today(ctx, focal.city.timezone))
    if when is None:
        raise UserError(_("{name} has no date I can count on, so I cannot record an action for it.").format(
            name=day_name(day, _.language)))
    action = await queries.action_of(session, focal.city_id, day.slug, when.year)
    before = {"note": action.note, "link": action.link, "practice": action.practice_id} if action else None
    if action is None:
        action = await queries.add_action(session, CityAction(
            city_id=focal.city_id, day_slug=day.slug, year=when.year, day_date=when, note=args.opt("note") or None,
            link=link, practice_id=practice.id if practice else None, member_id=focal.member_id,
            created_at=ctx.now(), updated_at=ctx.now()))
    else:
        action.note = args.opt("note") or action.note
        action.link = link or action.link
        action.practice_id = practice.id if practice is not None else action.practice_id
        action.day_date, action.updated_at = when, ctx.now()
    await record(ctx, request, session, subject=f"{focal.city.name}: {day.name} {when.isoformat()}", before=before,
                 after={"note": action.note, "link": action.link, "practice": action.practice_id})
    names = {"city": focal.city.name, "name": day_name(day, _.language), "date": long_date(when, request.locale, _)}
    if practice is not None:
        text = _("Recorded “{title}” as the outcome of {city}'s action on {name} ({date}).").format(title=practice.title, **names)
    elif before is not None:
        text = _("Updated: {city} acts on {name} ({date}).").format(**names)
    else:
        text = _("Recorded: {city} acts on {name} ({date}). The day's card and its prompt list it, and the "
                 "secretariat gets the list a week before.").format(**names)
    return Reply(text=text, footer=_("Withdraw with `/hrc act remove {day}`.").format(day=day_arg(day, _.language)))


@command(
    "act remove",
    summary=N_("Withdraw your city's action on a day"),
    usage=N_("act remove DAY"),
    examples=("/hrc act remove human rights day",),
    main=N_("day name"),
    main_required=True,
    writes=True,
    limits=(("main", 150),),
)
async def act_remove(ctx: Context, request: Request, session: AsyncSession) -> Reply:
    """Withdraws the caller's city's action on the day's next occurrence."""
    _ = translator(request.locale)
    day = find_observance(request.command.main, await all_observances(session), _)
    focal = own_focal_point(await caller(ctx, request, session), _)
    when = next_occurrence(day, local_today(ctx, focal.city.timezone))
    action = await queries.action_of(session, focal.city_id, day.slug, when.year) if when else None
    if action is None:
        return Reply(text=_("{city} had not said it acts on {name}.").format(city=focal.city.name, name=day_name(day, _.language)))
    await queries.remove_action(session, action)
    await record(ctx, request, session, subject=f"{focal.city.name}: {day.name} {action.day_date.isoformat()}",
                 before={"note": action.note, "link": action.link, "practice": action.practice_id})
    return Reply(text=_("Withdrawn: {city} no longer acts on {name}.").format(city=focal.city.name, name=day_name(day, _.language)))


@command(
    "acting",
    summary=N_("Cities acting on a day (or on the coming weeks' days)"),
    usage=N_("acting [DAY]"),
    examples=("/hrc acting human rights day", "/hrc acting"),
    main=N_("day name"),
    secretariat=True,
    limits=(("main", 150),),
)
async def acting(ctx: Context, request: Request, session: AsyncSession) -> Reply:
    """The cities acting on the day's next occurrence (or the one just past, for its outcomes); without a day,
    every action of the next ``SHOWN_WEEKS`` weeks."""
    _ = translator(request.locale)
    observances = await all_observances(session)
    today = local_today(ctx, None)
    if request.command.main:
        day = find_observance(request.command.main, observances, _)
        when = shown_occurrence(day, today)
        if when is None:
            return Reply(text=_("{name} has no date I can count on.").format(name=day_name(day, _.language)))
        return acting_reply(day, when, await queries.acting_on(session, day.slug, when), _)
    by_slug = {d.slug: d for d in observances}
    rows = await queries.acting_between(session, today - timedelta(days=OUTCOME_DAYS), today + timedelta(weeks=SHOWN_WEEKS))
    items = tuple(
        Item(title=f"{_.label(short_date_of(a.day_date, _))} {day_name(by_slug[a.day_slug], _.language) if a.day_slug in by_slug else a.day_slug}",
             text=acting_line(a, _))
        for a in rows[:25]
    )
    if not items:
        return Reply(text=_("No city has said it acts on a day of the coming weeks."),
                     footer=_("Focal points say it with `/hrc act DAY`."))
    footer = _("…and {count} more").format(count=len(rows) - len(items)) if len(rows) > len(items) else None
    return Reply(title=_("Cities acting in the coming weeks"), items=items, footer=footer)


def short_date_of(when: date, _: Translate) -> str:
    return _.date(when, "EEE d MMM y")


async def outcome_offers(ctx: Context, session: AsyncSession, practice: Practice, themes: Sequence[str],
                         _: Translate) -> tuple[str, tuple[Action, ...]]:
    """For a practice just shared: the days on its themes that fell within ``OUTCOME_DAYS`` before, offered as
    "Record this as your city's action for <day>?" with one button each (at most 2): the days the city said it
    acts on when there are any, else the latest days. ("", ()) when none."""
    today = practice.created_at.date()
    start = today - timedelta(days=OUTCOME_DAYS)
    wanted = set(themes)
    found = [(when, day) for when, day in dated_within(await all_observances(session), start, today)
             if wanted.intersection(day.themes)]
    declared = await queries.days_acted_on(session, practice.city_id, start, today)
    found = [pair for pair in found if (pair[1].slug, pair[0]) in declared] or found
    found = sorted(found, key=lambda pair: pair[0], reverse=True)[:2]  # the latest first
    actions, names = [], []
    for _when, day in found:
        name = day_name(day, _.language)
        names.append(name)
        command_text = f"act {day.slug} practice: {practice.id}"
        if len(command_text) <= MAX_BUTTON_COMMAND:
            actions.append(Action(_("Our action for {name}").format(name=name)[:75], command_text, "primary",
                                  f"outcome_{len(actions)}"))
    if not found:
        return "", ()
    question = _("Record this as your city's action for {day}?").format(day=_(" or ").join(names))
    return question + " " + _("`/hrc act {day} practice: {id}`").format(day=day_arg(found[0][1], _.language), id=practice.id), tuple(actions)

