"""App Home, a personal desk: the viewer's city card (or a Register button), their language and theme
subscriptions (menus that change them at once), for the secretariat the registrations awaiting a decision
with Verify / Reject and the latest announcements' status, the next UN days and the campaign's progress.

Everything is in the viewer's language (``SlackUsers.actor_and_language``). Built from the same answers as
the commands (``profile``, ``pending``, ``days``, ``progress``) and checked with slack_sdk's ``View``
model: a Home tab holds at most 100 blocks (Block Kit reference, "Views"), so the pending list gets the
room the other parts leave. Published when the person opens the tab, after they use one of its controls,
and when something it shows changes elsewhere (``bot.slack.home_refresh``).
"""

from __future__ import annotations

from typing import Any, Protocol

from slack_bolt.async_app import AsyncApp
from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    Option,
    SectionBlock,
    StaticMultiSelectElement,
    StaticSelectElement,
)
from slack_sdk.models.blocks.basic_components import MarkdownTextObject
from slack_sdk.models.views import View

from bot.slack.render import blocks_for, cut, data
from bot.slack.users import SlackUsers
from bot.wiring import Runtime
from handlers.desk import latest_announcements
from handlers.i18n import LANGUAGES, translator
from handlers.languages import AUTONYMS
from handlers.registry import COMMANDS
from handlers.subscriptions import followed_themes
from handlers.types import Actor, ParsedCommand, Place, Reply, Request
from handlers.vocab import THEMES

HOME_MAX_BLOCKS = 100
UPCOMING_DAYS = 5
PENDING_MAX_BLOCKS = 43  # a header, 20 registrations with their buttons, the count of the others, a spare line
SUBSCRIPTIONS_ACTION = "hrc_home_subscriptions"
LANGUAGE_ACTION = "hrc_home_language"

Blocks = list[Block | dict[str, Any]]


async def _ask(runtime: Runtime, actor: Actor, team_id: str, language: str, name: str, main: str = "") -> Reply:
    request = Request(actor=actor, place=Place("slack", team_id, "home"), command=ParsedCommand(name, main), locale=language)
    return await runtime.answer(request)


def _language_menu(language: str) -> SectionBlock:
    _ = translator(language)
    options = {code: Option(value=code, text=AUTONYMS[code]) for code in LANGUAGES}
    menu = StaticSelectElement(action_id=LANGUAGE_ACTION, placeholder=_("Choose a language"),
                               options=list(options.values()), initial_option=options.get(language))
    text = _("*Your language*: the bot writes to you in it, here and on every platform.")
    return SectionBlock(block_id="hrc_language", text=MarkdownTextObject(text=text), accessory=menu)


def _subscriptions(followed: list[str], language: str) -> SectionBlock:
    _ = translator(language)
    options = {t.slug: Option(value=t.slug, text=_(t.name)[:75]) for t in THEMES}
    menu = StaticMultiSelectElement(
        action_id=SUBSCRIPTIONS_ACTION, placeholder=_("Choose themes"), options=list(options.values()),
        initial_options=[options[slug] for slug in followed if slug in options] or None,
    )
    text = _("*Your subscriptions*: a personal message on the UN days linked to these themes.")
    return SectionBlock(block_id="hrc_subscriptions", text=MarkdownTextObject(text=text), accessory=menu)


def _register_prompt(language: str) -> Blocks:
    _ = translator(language)
    return [
        HeaderBlock(text=_("Human Rights Cities")),
        SectionBlock(text=MarkdownTextObject(text=_("You don't represent a city yet. Register yours: the secretariat verifies it."))),
        ActionsBlock(elements=[ButtonElement(text=_("Register my city"), action_id="hrc_open_register", style="primary")]),
    ]


async def _secretariat_parts(runtime: Runtime, actor: Actor, team_id: str, language: str) -> tuple[Reply | None, Blocks]:
    """(the pending registrations, to fit in what room is left; the latest announcements' blocks)."""
    pending = await _ask(runtime, actor, team_id, language, "pending")
    latest = await latest_announcements(runtime.ctx, actor, language)
    return (None if pending.is_error else pending), ([DividerBlock(), *blocks_for(latest, team_id)] if latest else [])


async def home_view(runtime: Runtime, actor: Actor, team_id: str, *, language: str, notice: str = "") -> dict[str, Any]:
    """The ``views.publish`` view for ``actor`` in ``language`` (en, es, fr); ``notice`` (plain text, e.g.
    the outcome of a button) is shown on top. At most ``HOME_MAX_BLOCKS`` blocks; raises nothing for a
    person the bot does not know yet (they get the Register button)."""
    top: Blocks = []
    if notice:
        top.append(ContextBlock(elements=[MarkdownTextObject(text=cut(data(notice), 3000))]))
    card = await _ask(runtime, actor, team_id, language, "profile")
    top += _register_prompt(language) if card.is_error else blocks_for(card, team_id, with_actions=False)
    top += [_language_menu(language), _subscriptions(await followed_themes(runtime.ctx, actor), language)]
    pending, announced = None, []
    if runtime.ctx.is_secretariat(actor):
        pending, announced = await _secretariat_parts(runtime, actor, team_id, language)
    rest: Blocks = [*announced]
    if "days" in COMMANDS:
        days = await _ask(runtime, actor, team_id, language, "days")
        if not days.is_error:
            upcoming = Reply(title=days.title, items=days.items[:UPCOMING_DAYS], language=days.language)
            rest += [DividerBlock(), *blocks_for(upcoming, team_id)]
    progress = await _ask(runtime, actor, team_id, language, "progress")
    rest += [DividerBlock(), *blocks_for(progress, team_id, with_actions=False)]
    room = min(PENDING_MAX_BLOCKS, HOME_MAX_BLOCKS - len(top) - len(rest) - 1)  # 1: its divider
    middle: Blocks = [DividerBlock(), *blocks_for(pending, team_id, limit=room)] if pending and room >= 3 else []
    view = View(type="home", blocks=[*top, *middle, *rest][:HOME_MAX_BLOCKS])
    view.validate_json()
    return view.to_dict()


class Desk(Protocol):
    """What the menus need of ``bot.slack.home_refresh.HomeDesk``."""

    def opened(self, actor: Actor, team_id: str) -> None: ...

    async def publish(self, actor: Actor, team_id: str, notice: str = "") -> None: ...


def register_home_actions(app: AsyncApp, runtime: Runtime, users: SlackUsers, desk: Desk) -> None:
    """Listeners of Home's own menus (its buttons that run commands go through ``hrc_action_``); ``desk``
    publishes the person's Home again with the outcome on top."""

    async def who(body: dict[str, Any]) -> tuple[Actor, str]:
        team_id = body.get("team", {}).get("id", "") or body.get("user", {}).get("team_id", "")
        user = body.get("user", {})
        actor = await users.actor(team_id, user.get("id", ""), user.get("username") or user.get("name", ""))
        desk.opened(actor, team_id)
        return actor, team_id

    @app.action(SUBSCRIPTIONS_ACTION)
    async def subscriptions_changed(ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        """The menu holds the whole wanted set: subscribe to what was added, unsubscribe from what was
        removed (each is idempotent, so a repeated event changes nothing)."""
        await ack()
        actor, team_id = await who(body)
        wanted = {o.get("value", "") for o in action.get("selected_options") or []}
        before = set(await followed_themes(runtime.ctx, actor))
        changes = [("subscribe", slug) for slug in sorted(wanted - before)]
        changes += [("unsubscribe", slug) for slug in sorted(before - wanted)]
        for name, slug in changes:
            await runtime.answer(Request(actor=actor, place=Place("slack", team_id, "home"), command=ParsedCommand(name, slug)))
        _ = translator((await users.actor_and_language(runtime.ctx, team_id, actor.user_id))[1])
        await desk.publish(actor, team_id, _("Subscriptions saved.") if changes else "")

    @app.action(LANGUAGE_ACTION)
    async def language_changed(ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        """Stored like ``/hrc language CODE``; the Home is then shown again in that language."""
        await ack()
        actor, team_id = await who(body)
        code = (action.get("selected_option") or {}).get("value", "")
        if code not in LANGUAGES:
            return
        request = Request(actor=actor, place=Place("slack", team_id, "home"), command=ParsedCommand("language", code))
        reply = await runtime.answer(request)
        await desk.publish(actor, team_id, ("⚠️ " if reply.is_error else "✅ ") + reply.text.split("\n", 1)[0])

