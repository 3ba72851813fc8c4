"""Sharing local practices and finding them."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.common import caller_if_known, own_focal_point, parse_themes, resolve_city, short_date
from handlers.context import Context
from handlers.errors import UserError
from handlers.i18n import N_, Translate, translator
from handlers.quoting import theme_arg
from handlers.registry import command
from handlers.text import clean_name, fold, shorten, strip_invisible
from handlers.types import Field, Item, Reply, Request, Visibility
from handlers.vocab import Term, find_theme, theme_name
from storage.models import CityStatus, FocalStatus, Practice, PracticeTheme
from storage.queries.practices import (
    add_practice,
    find_practices,
    same_practice,
    search_practices,
    search_tokens,
)

TITLE_MAX, SUMMARY_MAX, LINK_MAX = 150, 2000, 500
PAGE = 50  # best matches listed; adapters divide them into pages (bot.pages)
STOP_WORDS = frozenset("a an and the of in on for to de la el los las le les des du et y en con por para".split())


# Characters RFC 3986 never allows in a URL (and quotes, which break links in messages): a link holding one is
# refused rather than mended, so what is stored is exactly what the person can check.
_NOT_IN_URL = re.compile(r"[\s<>\"'`{}|\\^]")


def parse_link(value: str, _: Translate) -> str:
    """A web link for ``share``, ``act`` and ``announce``: ``https://`` with a dotted host and only characters a
    URL may hold (RFC 3986; letters of other scripts are fine). Raises ``UserError`` (field ``link``) otherwise."""
    value = value.strip()
    try:
        parts = urlsplit(value)
        host = parts.hostname or ""
        parts.port  # noqa: B018  # raises ValueError on a port that is not a number
    except ValueError:
        parts, host = None, ""
    if parts is None or parts.scheme.lower() != "https" or "." not in host.strip(".") or _NOT_IN_URL.search(value):
        raise UserError(
            _("“{value}” is not a web link I can use. Give a full address starting with https:// "
              "(no spaces, quotes or angle brackets).").format(value=value),
            field="link",
        )
    return value


@command(
    "share",
    summary=N_("Share a practice of your city"),
    usage=N_("share title: TEXT themes: T1, T2 summary: TEXT [link: URL]"),
    examples=(
        "/hrc share title: Participatory budget for housing themes: housing, participatory democracy "
        "summary: Residents decide 5% of the housing budget each year. link: https://example.org/budget",
    ),
    keys=("title", "themes", "summary", "link"),
    required=("title", "themes", "summary"),
    writes=True,
    channel_reply=True,
    limits=(("title", TITLE_MAX), ("summary", SUMMARY_MAX), ("link", LINK_MAX), ("themes", 600)),
)
async def share(ctx: Context, request: Request, session: AsyncSession) -> Reply:
    """Stores a practice of the caller's verified city and shows it to the channel."""
    _ = translator(request.locale)
    args = request.command
    themes = parse_themes(args.opt("themes"), _, limit=6)
    link = parse_link(args.opt("link"), _) if args.opt("link") else None
    member = await caller_if_known(request, session)
    focal = own_focal_point(member, _)
    if focal.city.status != CityStatus.VERIFIED or focal.status != FocalStatus.VERIFIED:
        raise UserError(
            _("You can share practices once the secretariat has verified you as focal point of {city}.").format(
                city=focal.city.name
            )
        )
    title, summary = clean_name(args.opt("title")), args.opt("summary")
    if not fold(title):  # only signs or emoji: nothing to find it by, or to tell it apart
        raise UserError(_("A practice's title needs letters or digits."), field="title")
    if not fold(summary):  # only signs, emoji or an accent on nothing: it says nothing of the practice
        raise UserError(_("A practice's summary needs words: say in a sentence or two what the city does."),
                        field="summary")
    if await same_practice(session, focal.city_id, fold(f"{title} {summary}")) is not None:
        raise UserError(
            _("{city} has already shared “{title}” with this summary: no need to share it twice.").format(
                city=focal.city.name, title=title),
            hint=_("To share a new practice, give it its own title or summary."),
        )
    practice = Practice(
        city_id=focal.city_id,
        member_id=member.id if member else None,
        title=title,
        summary=summary,
        link=link,
        search_text=fold(f"{title} {summary}"),
        created_at=ctx.now(),
        themes=[PracticeTheme(theme=t.slug) for t in themes],
    )
    await add_practice(session, practice)
    from handlers.actions import outcome_offers  # actions builds on this module

    offer, buttons = await outcome_offers(ctx, session, practice, [t.slug for t in themes], _)
    footer = _("Shared by {city}. Find it with `/hrc practices`.").format(city=focal.city.name)
    return Reply(
        title=title,
        text=summary,
        fields=(
            Field(_("City"), focal.city.name),
            Field(_("Themes"), ", ".join(_(t.name) for t in themes)),
            *((Field(_("Link"), link, inline=False),) if link else ()),
        ),
        footer=f"{footer} {offer}" if offer else footer,
        visibility=Visibility.CHANNEL,
        actions=buttons,
    )


def search_words(text: str) -> list[tuple[str, ...]]:
    """The words of a search, each as (its matching key, as typed): ``Привет`` -> ``("privet", "привет")``.

    The indexes hold practices as written, so a word in another script than Latin is found by its own
    letters; the key finds accents typed or not, ``ß`` as ``ss``… Stop words (``STOP_WORDS``) are left out
    unless nothing else is left. Where a word's key splits differently from its letters, only the key."""
    pairs: list[tuple[str, str]] = []
    for word in text.split():
        keys = fold(word).split()
        typed = search_tokens(unicodedata.normalize("NFKC", strip_invisible(word)))
        pairs += zip(keys, typed if len(typed) == len(keys) else keys, strict=True)
    kept = [pair for pair in pairs if pair[0] not in STOP_WORDS] or pairs
    # A word that is its key but for accents (`accès`) is one spelling to both engines: searched once.
    return [(key,) if _unaccented(typed) == key else (key, typed) for key, typed in kept]


def _unaccented(word: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", word) if not unicodedata.combining(ch))


def _theme_named(words: str, _: Translate) -> Term | None:
    """The theme ``words`` name as a whole (``agua``, ``droit à la ville``), if any."""
    try:
        return find_theme(words, _)
    except UserError:
        return None


@command(
    "practices",
    summary=N_("Find practices, best match first"),
    usage=N_("practices [WORDS] [theme: THEME] [city: CITY]"),
    examples=("/hrc practices water", "/hrc practices theme: housing", "/hrc practices city: Grenoble"),
    keys=("theme", "city"),
    main=N_("words"),
    limits=(("main", 200), ("theme", 80), ("city", 100)),
)
async def practices(ctx: Context, request: Request, session: AsyncSession) -> Reply:
    """Search by words in title and summary (accent- and case-insensitive, the last word as a prefix),
    best match first; with no words, the newest first."""
    _ = translator(request.locale)
    args = request.command
    theme = find_theme(args.opt("theme"), _) if args.opt("theme") else None
    city = await resolve_city(ctx, request, session, args.opt("city"), "", _) if args.opt("city") else None
    query = search_words(args.main)
    if query:
        ranked, total = await search_practices(
            session, query, theme=theme.slug if theme else None, city_id=city.id if city else None, limit=PAGE
        )
    elif args.main.strip():  # only signs (`%_%`, `—`): nothing to search, never "everything"
        ranked, total = [], 0
    else:
        ranked, total = await find_practices(
            session, theme=theme.slug if theme else None, city_id=city.id if city else None, limit=PAGE
        )
    if not ranked:
        share = _("Share one of yours: `/hrc share title: … themes: … summary: …`")
        if args.main.strip():
            named = _theme_named(args.main, _) if theme is None else None
            return Reply(
                text=_("No practice matches “{words}”.").format(words=args.main.strip()),
                # Words that name a theme (`agua`) most likely meant it: the search reads titles and summaries only.
                footer=_("Practices on {theme}: `/hrc practices theme: {arg}`").format(
                    theme=theme_name(named.slug, _), arg=theme_arg(named.slug, _.language))
                if named is not None else _("Try fewer words, or `/hrc practices` for the newest ones."),
            )
        if theme is not None or city is not None:
            return Reply(text=_("No practice matches this theme or city yet."), footer=share)
        return Reply(text=_("No practice has been shared yet."), footer=share)
    items = tuple(
        Item(
            title=f"{p.title} ({p.city_name})",
            text=f"{shorten(p.summary, 300)}\n{', '.join(theme_name(t, _) for t in p.theme_slugs)} · "
            f"{short_date(p.created_at, request.locale)}",
            link=p.link,
        )
        for p in ranked
    )
    footer = None
    if total > len(ranked):  # never said silently; the hint names only a filter not used yet
        more = total - len(ranked)
        if theme is None and city is None:
            footer = _("…and {count} more: narrow with theme: or city:").format(count=more)
        elif theme is None:
            footer = _("…and {count} more: narrow with theme:").format(count=more)
        elif city is None:
            footer = _("…and {count} more: narrow with city:").format(count=more)
        else:
            footer = _("…and {count} more: add words to narrow the search.").format(count=more)
    return Reply(title=_("Practices ({count})").format(count=total), items=items, footer=footer)
