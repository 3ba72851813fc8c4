"""App Home, a personal desk: the viewer's city card (or a Register button), their theme subscriptions
(a menu that changes them at once), for the secretariat the registrations awaiting a decision with
Verify / Reject, the next UN days and the campaign's progress.

Built from the same answers as the commands (``profile``, ``pending``, ``days``, ``progress``) and checked
with slack_sdk's ``View`` model: a Home tab holds at most 100 blocks (Block Kit reference, "Views").
It is published when the person opens the tab and again after they click one of its buttons.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    Option,
    SectionBlock,
    StaticMultiSelectElement,
)
from slack_sdk.models.blocks.basic_components import MarkdownTextObject
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.render import blocks_for, escape
from bot.slack.users import SlackUsers
from bot.wiring import Runtime
from handlers.i18n import translator
from handlers.registry import COMMANDS
from handlers.subscriptions import followed_themes
from handlers.types import Actor, ParsedCommand, Place, Reply, Request
from handlers.vocab import THEMES

HOME_MAX_BLOCKS = 100
UPCOMING_DAYS = 5
PENDING_MAX_BLOCKS = 41  # a header, 20 registrations with their buttons: room left for the rest
SUBSCRIPTIONS_ACTION = "hrc_home_subscriptions"


async def _ask(runtime: Runtime, actor: Actor, team_id: str, name: str, main: str = "") -> Reply:
    request = Request(actor=actor, place=Place("slack", team_id, "home"), command=ParsedCommand(name, main))
    return await runtime.answer(request)


def _subscriptions(followed: list[str], locale: str) -> SectionBlock:
    _ = translator(locale)
    options = {t.slug: Option(value=t.slug, text=_(t.name)[:75]) for t in THEMES}
    menu = StaticMultiSelectElement(
        action_id=SUBSCRIPTIONS_ACTION, placeholder=_("Choose themes"), options=list(options.values()),
        initial_options=[options[slug] for slug in followed if slug in options] or None,
    )
    text = _("*Your subscriptions*: a personal message on the UN days linked to these themes.")
    return SectionBlock(block_id="hrc_subscriptions", text=MarkdownTextObject(text=text), accessory=menu)


def _register_prompt(locale: str) -> list[Any]:
    _ = translator(locale)
    return [
        HeaderBlock(text=_("Human Rights Cities")),
        SectionBlock(text=MarkdownTextObject(text=_("You don't represent a city yet. Register yours: the secretariat verifies it."))),
        ActionsBlock(elements=[ButtonElement(text=_("Register my city"), action_id="hrc_open_register", style="primary")]),
    ]


async def home_view(runtime: Runtime, actor: Actor, team_id: str, notice: str = "", locale: str = "en") -> dict[str, Any]:
    """The ``views.publish`` view for ``actor``; ``notice`` (plain text, e.g. the outcome of a button)
    is shown on top. Raises nothing for a person the bot does not know yet: they get the Register button."""
    blocks: list[Any] = []
    if notice:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=escape(notice)[:3000])]))
    card = await _ask(runtime, actor, team_id, "profile")
    blocks += _register_prompt(locale) if card.is_error else blocks_for(card, team_id, with_actions=False)
    blocks.append(_subscriptions(await followed_themes(runtime.ctx, actor), locale))
    if runtime.ctx.is_secretariat(actor):
        pending = await _ask(runtime, actor, team_id, "pending")
        if not pending.is_error:
            blocks += [DividerBlock(), *blocks_for(pending, team_id, limit=PENDING_MAX_BLOCKS)]
    if "days" in COMMANDS:
        days = await _ask(runtime, actor, team_id, "days")
        if not days.is_error:
            upcoming = Reply(title=days.title, items=days.items[:UPCOMING_DAYS])
            blocks += [DividerBlock(), *blocks_for(upcoming, team_id)]
    progress = await _ask(runtime, actor, team_id, "progress")
    blocks += [DividerBlock(), *blocks_for(progress, team_id, with_actions=False)]
    view = View(type="home", blocks=blocks[:HOME_MAX_BLOCKS])
    view.validate_json()
    return view.to_dict()


def register_home_actions(app: AsyncApp, runtime: Runtime, users: SlackUsers) -> None:
    """Listeners of Home's own controls (its buttons that run commands go through ``hrc_action_``)."""

    @app.action(SUBSCRIPTIONS_ACTION)
    async def subscriptions_changed(ack: Any, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient) -> None:
        """The menu holds the whole wanted set: subscribe to what was added, unsubscribe from what was
        removed (each is idempotent, so a repeated event changes nothing)."""
        await ack()
        team_id = body.get("team", {}).get("id", "") or body.get("user", {}).get("team_id", "")
        user = body.get("user", {})
        actor = await users.actor(team_id, user.get("id", ""), user.get("username") or user.get("name", ""))
        wanted = {o.get("value", "") for o in action.get("selected_options") or []}
        before = set(await followed_themes(runtime.ctx, actor))
        changes = [("subscribe", slug) for slug in sorted(wanted - before)]
        changes += [("unsubscribe", slug) for slug in sorted(before - wanted)]
        for name, slug in changes:
            await runtime.answer(Request(actor=actor, place=Place("slack", team_id, "home"), command=ParsedCommand(name, slug)))
        _ = translator("en")
        notice = _("Subscriptions saved.") if changes else ""
        await client.views_publish(user_id=actor.user_id, view=await home_view(runtime, actor, team_id, notice=notice))
