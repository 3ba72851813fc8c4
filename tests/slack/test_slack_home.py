"""App Home through the real Bolt stack: in the viewer's language (with nothing left in English), its
language menu, the secretariat's announcements and a large queue within 100 blocks, and refreshes when
what it shows changes on Slack, on the console or in the broadcast worker. Also the forms in es and fr."""

from __future__ import annotations

import io
import json
import re
import time
from typing import Any

import pytest

from bot.console import run_console
from handlers.calendar import un_days
from handlers.catalogues import read
from handlers.i18n import DOMAIN, LOCALES_DIR
from handlers.languages import AUTONYMS
from tests.slack.conftest import SlackBot, block_texts

REGISTER = "register city: Quilmes country: Argentina region: Latin America themes: water"
ANA = {"id": "UANA", "name": "ana", "real_name": "Ana Pérez", "locale": "es-ES", "profile": {"display_name": "Ana"}}
SEC = {"id": "USEC", "name": "sec", "real_name": "Sophie", "locale": "fr-FR", "profile": {"display_name": "Sophie"}}
# What people typed, and the UN days' official English names where the UN gives none in Spanish or French
# (handlers/day_names.py): the same in every language.
DATA = ("Quilmes", "Bienvenue", "Brouillon", "Town", "Ana", "Sophie",
        *sorted((day.name for day in un_days()), key=len, reverse=True))


def home_event(event_id: str, user_id: str) -> str:
    return json.dumps({
        "token": "legacy", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
        "event_id": event_id, "event_time": int(time.time()),
        "event": {"type": "app_home_opened", "user": user_id, "channel": "D" + user_id, "tab": "home", "event_ts": "1.0"},
    })


def valid_home(view: dict[str, Any]) -> dict[str, Any]:
    from slack_sdk.models.views import View

    View(**view).validate_json()  # slack_sdk's own checks: type, ≤ 100 blocks, each block's limits
    assert view["type"] == "home" and len(view["blocks"]) <= 100
    return view


def homes(slack: SlackBot, user_id: str) -> list[dict[str, Any]]:
    return [valid_home(c["view"]) for c in slack.fake.called("views.publish") if c["user_id"] == user_id]


async def next_home(slack: SlackBot, user_id: str, seen: int) -> dict[str, Any]:
    """The next Home published for ``user_id`` after the ``seen`` first ones."""
    return (await slack.fake.wait_for(lambda: homes(slack, user_id)[seen:]))[0]


async def settled(slack: SlackBot) -> None:
    """Wait until no Home refresh is running (the watchers are ``HomeDesk.on_change``)."""
    for watcher in slack.runtime.watchers:
        await watcher.__self__.idle()  # type: ignore[attr-defined]


def card(view: dict[str, Any]) -> str:
    """The texts of the city card: what comes before the language menu."""
    blocks = view["blocks"]
    return block_texts(blocks[: next(i for i, b in enumerate(blocks) if b.get("block_id") == "hrc_language")])


async def open_home(slack: SlackBot, user_id: str, event_id: str) -> dict[str, Any]:
    seen = len(homes(slack, user_id))
    await slack.post(home_event(event_id, user_id), headers={"Content-Type": "application/json"})
    return await next_home(slack, user_id, seen)


def texts(node: Any, path: str = "") -> dict[str, str]:
    """Every shown text of a view by its place in it (``/blocks[3]/accessory/options[2]``); what people
    typed into inputs (``initial_value``) and ids are not shown text."""
    found: dict[str, str] = {}
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "text" and isinstance(value, str):
                found[path] = value
            elif key not in ("initial_value", "value", "private_metadata", "callback_id", "action_id", "block_id"):
                found.update(texts(value, f"{path}/{key}"))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.update(texts(value, f"{path}[{index}]"))
    return found


def english_left(english: dict[str, Any], other: dict[str, Any], language: str) -> list[tuple[str, str]]:
    """Texts shown the same in ``other`` as in the English view of the same thing, that should not be:
    each still has letters once people's own words (``DATA``) and markup are taken out, and is not a
    word the ``language`` catalogue deliberately keeps as in English (``LGBTI``, ``Rural``), nor a language's
    own name (the language menu lists each language in itself)."""
    catalogue = read(LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po", language)
    kept = {m.id for m in catalogue if m.id and m.string == m.id} | set(AUTONYMS.values())  # "Español" in every menu
    theirs = texts(other)
    left = []
    for path, text in texts(english).items():
        if theirs.get(path) != text or text in kept:
            continue
        rest = text
        for word in DATA:
            rest = rest.replace(word, "")
        rest = re.sub(r"<[^>]*>|https?://\S*|`[^`]*`|\b[A-Z][a-z]+/[A-Za-z_]+\b", "", rest)
        if re.search(r"[^\W\d_]{2,}", rest):
            left.append((path, text))
    return left


def test_the_english_check_finds_english_left() -> None:
    english = {"blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "*Your language*"}},
                          {"type": "header", "text": {"type": "plain_text", "text": "Quilmes"}}]}
    half = {"blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "*Your language*"}},
                       {"type": "header", "text": {"type": "plain_text", "text": "Quilmes"}}]}
    assert english_left(english, half, "es") == [("/blocks[0]/text", "*Your language*")]  # the city name is data


async def test_a_members_home_in_spanish_and_french_with_nothing_left_in_english(slack: SlackBot) -> None:
    slack.fake.users["UANA"] = ANA  # Slack says Spanish
    await slack.command(REGISTER)
    spanish = await open_home(slack, "UANA", "EvA1")
    assert "*Tu idioma*" in block_texts(spanish["blocks"])
    menu = next(b for b in spanish["blocks"] if b.get("block_id") == "hrc_language")["accessory"]
    assert menu["initial_option"]["value"] == "es"

    # `/hrc language` typed on Slack: the open Home follows at once, in the new language.
    await slack.command("language en")
    english = await next_home(slack, "UANA", 1)
    assert "*Your language*" in block_texts(english["blocks"])
    await slack.command("language fr")
    french = await next_home(slack, "UANA", 2)
    assert "*Votre langue*" in block_texts(french["blocks"])

    assert english_left(english, spanish, "es") == []
    assert english_left(english, french, "fr") == []


async def test_the_language_menu_stores_the_choice_and_shows_home_in_it(slack: SlackBot) -> None:
    await slack.command(REGISTER)
    home = await open_home(slack, "UANA", "EvL1")
    menu = next(b for b in home["blocks"] if b.get("block_id") == "hrc_language")["accessory"]
    assert menu["initial_option"]["value"] == "en" and [o["value"] for o in menu["options"]] == ["en", "es", "fr"]
    french = next(o for o in menu["options"] if o["value"] == "fr")
    change = {
        "type": "block_actions", "team": {"id": "T1", "domain": "hrc"},
        "user": {"id": "UANA", "username": "ana", "name": "ana", "team_id": "T1"}, "api_app_id": "A1",
        "token": "legacy", "trigger_id": "t.lang", "container": {"type": "view", "view_id": "VHOME"},
        "view": {"id": "VHOME", "type": "home", "blocks": home["blocks"]},
        "actions": [{"type": "static_select", "action_id": menu["action_id"], "block_id": "hrc_language",
                     "selected_option": french, "action_ts": str(time.time())}],
    }
    assert (await slack.interact(change))[0] == 200
    after = await next_home(slack, "UANA", 1)
    assert "✅ Désormais, je vous écris en français." in block_texts(after["blocks"]) and "*Votre langue*" in block_texts(after["blocks"])
    menu = next(b for b in after["blocks"] if b.get("block_id") == "hrc_language")["accessory"]
    assert menu["initial_option"]["value"] == "fr"
    await settled(slack)
    assert len(homes(slack, "UANA")) == 2  # the change made from Home is not published twice
    answer = await slack.command("language")  # stored like `/hrc language fr`
    assert "français" in block_texts(answer["blocks"])


async def test_the_secretariats_home_in_french_and_spanish_within_100_blocks(slack: SlackBot) -> None:
    slack.fake.users["USEC"] = SEC
    for index in range(60):  # a large queue: the Home still holds at most 100 blocks
        await slack.command(f"register city: Town {index} country: Chile region: Latin America", user=f"UT{index:02d}")
    await slack.command("channel set announcements", user="USEC", channel="CANN")
    await slack.command("announce title: Bienvenue text: Les inscriptions sont ouvertes", user="USEC")
    await slack.command("announce confirm 1", user="USEC")
    await slack.runtime.outbox.run_once()
    await slack.command("announce title: Brouillon text: pas encore", user="USEC")

    french = await open_home(slack, "USEC", "EvS1")
    shown = block_texts(french["blocks"])
    assert "En attente d’une décision (60)" in shown or "(60)" in shown
    assert "Dernières annonces" in shown and "#1 Bienvenue" in shown and "envoyée" in shown
    assert "#2 Brouillon" in shown and "brouillon, en attente d’Envoyer" in shown
    assert "10, 100, 1000" in shown
    verify_buttons = [e for b in french["blocks"] if b["type"] == "actions" for e in b["elements"]
                      if e.get("value", "").startswith("verify")]
    assert len(verify_buttons) == 20

    await slack.command("language es", user="USEC")
    spanish = await next_home(slack, "USEC", 1)
    assert "Últimos anuncios" in block_texts(spanish["blocks"])
    await slack.command("language en", user="USEC")
    english = await next_home(slack, "USEC", 2)
    assert "Latest announcements" in block_texts(english["blocks"])
    assert english_left(english, french, "fr") == []
    assert english_left(english, spanish, "es") == []


async def test_home_follows_a_theme_added_on_slack_and_an_announcement_being_sent(slack: SlackBot) -> None:
    await slack.command(REGISTER)
    first = await open_home(slack, "UANA", "EvT1")
    assert "Housing" not in card(first)
    await slack.command("theme add housing")
    after = await next_home(slack, "UANA", 1)
    assert "Housing" in card(after)

    await slack.command("channel set announcements", user="USEC", channel="CANN")
    await slack.command("announce title: Forum text: Registrations are open", user="USEC")
    await open_home(slack, "USEC", "EvT2")
    await slack.command("announce confirm 1", user="USEC")
    confirmed = await next_home(slack, "USEC", 1)
    assert "scheduled" in block_texts(confirmed["blocks"])
    await slack.runtime.outbox.run_once()  # the worker moves it on (sending, then sent): the open Home follows
    await settled(slack)
    sent = homes(slack, "USEC")[-1]
    assert len(homes(slack, "USEC")) >= 3 and "#1 Forum" in block_texts(sent["blocks"]) and "sent ·" in block_texts(sent["blocks"])
    assert len(homes(slack, "UANA")) == 2  # the member's Home shows no announcements: not republished


async def test_home_follows_a_verification_made_on_the_console(slack: SlackBot) -> None:
    await slack.command(REGISTER)
    await slack.command("register city: Rosario country: Argentina region: Latin America", user="UROS")
    member = await open_home(slack, "UANA", "EvC1")
    assert "pending" in block_texts(member["blocks"]).lower()
    secretariat = await open_home(slack, "USEC", "EvC2")
    assert "(2)" in block_texts(secretariat["blocks"])

    out = io.StringIO()
    await run_console(slack.runtime, "lead", secretariat=True, stdin=io.StringIO("/hrc verify Quilmes\n"), out=out)
    assert "Quilmes" in out.getvalue()
    card = await next_home(slack, "UANA", 1)  # the registrant's Home: verified now
    assert "pending" not in block_texts(card["blocks"]).lower()
    queue = await next_home(slack, "USEC", 1)  # the secretariat's Home: one less to decide
    assert "(1)" in block_texts(queue["blocks"])
    await settled(slack)
    assert not homes(slack, "UROS")  # never opened Home: nothing published for them


@pytest.mark.parametrize("language", ["es", "fr"])
async def test_forms_open_in_the_persons_language_with_nothing_left_in_english(slack: SlackBot, language: str) -> None:
    from bot.slack.modals import register_modal, share_modal

    await slack.command(f"language {language}")
    await slack.post(slack.command_body("register city: Quilmes region: Europe themes: housing"))  # opens the form
    register = (await slack.fake.wait_for(lambda: slack.fake.called("views.open")))[0]["view"]
    await slack.post(slack.command_body("share title: Kiosks themes: housing"))
    share = (await slack.fake.wait_for(lambda: slack.fake.called("views.open")[1:]))[0]["view"]
    values = {"city": "Quilmes", "region": "Europe", "themes": "housing"}
    assert english_left(register_modal(values), register, language) == []
    assert english_left(share_modal({"title": "Kiosks", "themes": "housing"}), share, language) == []

    # An inline error comes back in the same language.
    state = {"city": {"value": {"type": "plain_text_input", "value": "Quilmes"}},
             "country": {"value": {"type": "plain_text_input", "value": "Narnia"}},
             "region": {"value": {"type": "static_select", "selected_option": {"value": "latin-america"}}}}
    status, body = await slack.interact(slack.submission(register, state))
    assert status == 200
    errors = json.loads(body)["errors"]
    assert "country" in errors and "Narnia" in errors["country"]
    english_error = "is not a country"
    assert english_error not in errors["country"]
    # Whole sentences: a message longer than an inline error holds keeps its first lines, never a word cut in two.
    assert errors["country"].endswith(("?", ".", "…")) and len(errors["country"]) <= 150



async def test_shortcuts_and_homes_register_button_open_forms_in_slacks_language(slack: SlackBot) -> None:
    from bot.slack.modals import register_modal, share_modal

    slack.fake.users["USEC"] = SEC  # Slack says French; no /hrc language choice
    who = {"id": "USEC", "username": "sec", "name": "sec", "team_id": "T1"}
    base = {"token": "legacy", "action_ts": str(time.time()), "team": {"id": "T1", "domain": "hrc"}, "user": who}
    await slack.interact({**base, "type": "shortcut", "callback_id": "hrc_register_shortcut", "trigger_id": "t.1"})
    await slack.interact({**base, "type": "message_action", "callback_id": "hrc_share_message", "trigger_id": "t.2",
                          "channel": {"id": "CGEN", "name": "general"},
                          "message": {"type": "message", "ts": "9.000100", "text": "Kiosques à eau\nDans chaque quartier."}})
    home = await open_home(slack, "USEC", "EvR1")
    button = next(e for b in home["blocks"] if b["type"] == "actions" for e in b["elements"]
                  if e["action_id"] == "hrc_open_register")
    await slack.interact({**base, "type": "block_actions", "trigger_id": "t.3", "api_app_id": "A1",
                          "container": {"type": "view", "view_id": "VHOME"}, "view": {"id": "VHOME", "type": "home"},
                          "actions": [{**button, "block_id": "b", "action_ts": str(time.time())}]})
    opened = [c["view"] for c in await slack.fake.wait_for(lambda: len(slack.fake.called("views.open")) >= 3 and slack.fake.called("views.open"))]
    registers = [v for v in opened if v["callback_id"] == "hrc_register"]  # the shortcut's and Home's
    shares = [v for v in opened if v["callback_id"] == "hrc_share"]
    assert len(registers) == 2 and len(shares) == 1 and registers[0]["title"]["text"] != "Register your city"
    assert all(english_left(register_modal(), view, "fr") == [] for view in registers)
    assert english_left(share_modal(), shares[0], "fr") == []


async def test_home_refreshes_are_bounded_per_change_and_folded_per_person(slack: SlackBot) -> None:
    desk = slack.runtime.watchers[0].__self__  # type: ignore[attr-defined]
    team = {"slack:USEC", *(f"slack:US{index}" for index in range(5))}
    slack.runtime.ctx.secretariat = frozenset(team)
    for index in range(5):
        await open_home(slack, f"US{index}", f"EvB{index}")
    await open_home(slack, "USEC", "EvB9")
    desk.max_per_change = 3
    await slack.command(REGISTER)  # a new registration: every open secretariat Home shows it, 3 at most are refreshed
    await settled(slack)
    refreshed = [user for user in ["USEC", *(f"US{index}" for index in range(5))] if len(homes(slack, user)) == 2]
    assert len(refreshed) == 3

    # Asked five times in a row: built once; and a Home identical to the one shown is not sent again.
    actor = next(iter(desk._opened.values()))[1]
    before = len(slack.fake.called("views.publish"))
    for _ in range(5):
        desk.refresh(("T1", actor.user_id), actor)
    await settled(slack)
    assert len(slack.fake.called("views.publish")) - before <= 1
    before = len(slack.fake.called("views.publish"))
    for _ in range(5):
        desk.refresh(("T1", actor.user_id), actor)
    await settled(slack)
    assert len(slack.fake.called("views.publish")) == before


async def test_a_long_notice_on_app_home_is_cut_whole_and_formats_nothing(slack: SlackBot) -> None:
    from bot.slack.home import home_view
    from handlers.types import Actor

    notice = "*Lyon* & " * 400  # 3,600 characters; each & takes five once escaped
    view = await home_view(slack.runtime, Actor("slack", "T1", "UANA", "Ana"), "T1", language="en", notice=notice)
    text = view["blocks"][0]["elements"][0]["text"]
    assert len(text) <= 3000 and text.endswith("…") and "*Lyon*" not in text
    assert re.fullmatch(r"(?:∗Lyon∗ &amp; )+(?:∗Lyon∗ ?(?:&amp; ?)?)?…", text), text[-40:]  # no entity cut in half
