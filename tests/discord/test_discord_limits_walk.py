"""Every command's reply within Discord's limits, for a large directory (issue 11).

1,000 verified cities with long names with diacritics on every theme, a city with 40 focal points, 60
registrations waiting, 60 practices with 2,000-character summaries; then every command of the tree (and
its forms, context menus, page and decision buttons, the notices and broadcasts it causes) in English,
then the long lists again in Spanish and French. Every message, embed, component and modal the bot sends
goes through ``tests.discord.limits.check``: any overflow fails the test.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import discord
import pytest

from handlers.tree import Branch, Leaf, build
from storage.session import Database
from tests.directory_seed import city_name, seed_directory
from tests.discord.conftest import DiscordBot
from tests.discord.limits import LimitExceeded, check
from tests.fakes.discord_api import SECRETARIAT_ROLE_ID, Channel, User, interaction, slash

ANA = {"user_id": "500000000000000001", "name": "Ana Ñúñez-Çağlar de la Peña y Álvarez"}
SEC = {"user_id": "500000000000000002", "name": "sec", "roles": [SECRETARIAT_ROLE_ID]}
LONG = "Ñ" * 90 + "-Àçõü"  # 95 characters
SUMMARY = ("Participatory budgeting «à la carte» with *stars*, _underscores_ & <angles> `ticks` @everyone. " * 25)[:2000]
TEXT = ("The World Forum of Human Rights Cities opens in Gwangju; *bring* <your> & `practices`. " * 40)[:3000]
CHANNELS = [Channel(str(710000000000000100 + n), f"canal-{'ñ' * 80}-{n}") for n in range(12)]

# (who, path, options): every leaf of the tree at least once, with arguments that make long answers.
STEPS: list[tuple[dict[str, Any], list[str], dict[str, Any]]] = [
    (ANA, ["city", "register"], {"city": LONG, "country": "Spain", "region": "europe", "size": "metropolis",
                                 "themes": "housing, water, gender, education, health, culture", "timezone": "Europe/Madrid",
                                 "languages": "es, en, fr"}),
    (ANA, ["city", "register"], {"city": "Half"}),  # a form, pre-filled
    (SEC, ["secretariat", "pending"], {}),
    (SEC, ["secretariat", "verify"], {"city": LONG}),
    (SEC, ["secretariat", "reject"], {"city": city_name(1000), "reason": "R" * 500}),
    (ANA, ["city", "theme", "add"], {"theme": "migration, peace-memory, climate-justice, lgbti, older-persons, indigenous, "
                                              "decent-work, poverty, solidarity"}),  # 15, the most a city lists
    (ANA, ["city", "theme", "remove"], {"theme": "peace-memory"}),
    (ANA, ["city", "profile"], {}),
    (ANA, ["city", "profile"], {"city": "#1"}),  # the crowded city: 41 focal points
    (ANA, ["who"], {"theme": "housing"}),
    (ANA, ["who"], {"theme": "housing", "region": "europe"}),
    (ANA, ["help"], {}),
    (ANA, ["help"], {"command": "announce"}),
    (ANA, ["campaign", "themes"], {}),
    (ANA, ["campaign", "progress"], {}),
    *[(SEC, ["secretariat", "channel", "set"], {"what": "announcements", "channel": c}) for c in CHANNELS[:6]],
    *[(SEC, ["secretariat", "channel", "set"], {"what": "days", "themes": "housing, water, gender, education, health",
                                                "timezone": "America/Argentina/ComodRivadavia", "channel": c})
      for c in CHANNELS[6:]],
    (SEC, ["secretariat", "channel", "unset"], {"what": "days", "channel": CHANNELS[11]}),
    (ANA, ["campaign", "channels"], {}),
    (ANA, ["practices", "share"], {"title": "T" * 150, "themes": "housing, water, gender", "summary": SUMMARY,
                                   "link": "https://example.org/" + "p" * 400}),
    (ANA, ["practices", "share"], {"title": "Only a title"}),  # a form
    (ANA, ["practices", "search"], {}),
    (ANA, ["practices", "search"], {"words": "participatory budgeting", "theme": "housing"}),
    (ANA, ["calendar", "days"], {}),
    (ANA, ["calendar", "days"], {"month": "12"}),
    (ANA, ["calendar", "days"], {"theme": "housing"}),
    (ANA, ["calendar", "day"], {"name": "Human Rights Day"}),
    (ANA, ["calendar", "act"], {"name": "Human Rights Day", "note": "N" * 300, "link": "https://example.org/act"}),
    (SEC, ["secretariat", "acting"], {}),
    (SEC, ["secretariat", "acting"], {"name": "Human Rights Day"}),
    (ANA, ["calendar", "withdraw"], {"name": "Human Rights Day"}),
    (ANA, ["calendar", "export"], {"theme": "housing"}),
    (SEC, ["secretariat", "dates", "add"], {"name": "D" * 100, "date": "2027-05-05", "themes": "housing, water", "event": True}),
    (SEC, ["secretariat", "dates", "remove"], {"name": "D" * 100}),
    (ANA, ["subscriptions", "add"], {"theme": "housing, water, gender, education", "digest": "weekly", "lead": 3}),
    (ANA, ["subscriptions", "remove"], {"theme": "water"}),
    (ANA, ["subscriptions", "pause"], {"duration": "2 weeks"}),
    (ANA, ["subscriptions", "resume"], {}),
    (SEC, ["secretariat", "announce", "new"], {"title": "W" * 150, "text": TEXT, "link": "https://example.org/" + "f" * 400,
                                              "title_es": "Foro " + "Ñ" * 140, "text_es": TEXT, "title_fr": "Forum " + "É" * 140,
                                              "text_fr": TEXT}),
    (SEC, ["secretariat", "announce", "new"], {"title": "Second", "text": "Short."}),
    (SEC, ["secretariat", "announce", "list"], {}),
    (SEC, ["secretariat", "announce", "status"], {"id": 2}),
    (SEC, ["secretariat", "announce", "cancel"], {"id": 2}),
    (SEC, ["secretariat", "export"], {"what": "cities", "format": "csv"}),
    (SEC, ["secretariat", "audit"], {}),
    (SEC, ["secretariat", "audit"], {"page": 2}),
    (SEC, ["secretariat", "audit"], {"city": LONG}),
    (ANA, ["language"], {"language": "fr"}),
    (ANA, ["help"], {}),
    (ANA, ["who"], {"theme": "housing"}),
    (ANA, ["campaign", "themes"], {}),
    (ANA, ["language"], {"language": "es"}),
    (ANA, ["help"], {}),
    (ANA, ["calendar", "days"], {"month": "12"}),
    (ANA, ["account", "link"], {}),
    (ANA, ["account", "unlink"], {}),
    (ANA, ["city", "leave"], {}),
    (SEC, ["secretariat", "merge"], {"city": "#1", "into": "#1"}),
    (SEC, ["secretariat", "transfer"], {"city": "#1", "to": User("500000000000000077", "nobody")}),
]


def test_the_checker_fails_on_each_kind_of_overflow() -> None:
    """The checker can fail: one overflow of each kind it guards is named."""
    embed = discord.Embed(title="t" * 257, description="d" * 4097)
    for n in range(26):
        embed.add_field(name=f"f{n}", value="v" * 1025)
    embed.set_footer(text="f" * 2049)
    with pytest.raises(LimitExceeded) as raised:
        check(embed)
    for kind in ("title: 257", "description: 4097", "fields: 26", "field value: 1025", "footer: 2049", "embed total"):
        assert kind in str(raised.value)
    view = discord.ui.View()
    for n in range(25):
        view.add_item(discord.ui.Button(label="b" * 81 if n == 0 else "ok", custom_id=f"c{n}"))
    with pytest.raises(LimitExceeded, match="button label: 81"):
        check(view)
    modal = discord.ui.Modal(title="m" * 46)
    modal.add_item(discord.ui.TextInput(label="l" * 46, default="x" * 11, max_length=10))
    with pytest.raises(LimitExceeded) as raised:
        check(modal)
    assert "modal title: 46" in str(raised.value) and "default beyond its max_length: 1" in str(raised.value)


def leaves() -> set[tuple[str, ...]]:
    found: set[tuple[str, ...]] = set()

    def walk(node: Branch | Leaf) -> None:
        if isinstance(node, Leaf):
            found.add(node.path)
        else:
            for child in node.children.values():
                walk(child)

    for node in build().values():
        walk(node)
    return found


def test_the_walk_covers_every_command_of_the_tree() -> None:
    assert leaves() - {tuple(path) for _who, path, _options in STEPS} == {("secretariat", "announce", "send")}  # a click below


def messages_of(bot: DiscordBot) -> list[tuple[str, dict[str, Any]]]:
    """Everything the bot sent: interaction callbacks, followups and edits, channel and direct messages."""
    out = []
    for call in bot.fake.calls:
        body = call.body if isinstance(call.body, dict) else None
        if body is None or call.method not in ("POST", "PATCH"):
            continue
        if call.path.startswith("/interactions/") and body.get("type") in (4, 7, 9):
            out.append((call.path, body))
        elif call.path.startswith(("/webhooks/", "/channels/")) and ("embeds" in body or "components" in body or "content" in body):
            out.append((call.path, body))
    return out


async def test_every_reply_stays_within_discords_limits(discord_bot: DiscordBot, sqlite_db: Database) -> None:
    bot = discord_bot
    await seed_directory(sqlite_db, 1000, all_themes=True, pending=60, practices=60, crowded=40)
    answers: dict[int, dict[str, Any]] = {}
    for index, (who, path, options) in enumerate(STEPS):
        iid, callback = await bot.send(2, slash(path, options), **who)
        answers[index] = callback["data"] if callback["type"] == 9 else await bot.answer(iid)
    for index, answer in answers.items():  # what each step answered, to read with -s
        embed = (answer.get("embeds") or [{}])[-1]
        print(index, " ".join(STEPS[index][1]), "→", answer.get("title") or embed.get("title"), "|", (embed.get("description") or "")[:90].replace("\n", " "))
    said = "\n".join(str(a) for a in answers.values())
    assert "something went wrong" not in said and "Algo salió mal" not in said

    # The preview's last message carries Send; the click records the decision on that message.
    preview = next(a for i, a in answers.items() if STEPS[i][1][-1] == "new")
    last = await bot.fake.wait_for(lambda: [body for path, body in messages_of(bot) if "hrc:announce confirm 1" in str(body)])
    message = {**bot.fake.message("700000000000000001", last[0]), "flags": 64}
    iid, _ = await bot.send(3, {"custom_id": "hrc:announce confirm 1", "component_type": 2}, message=message, **SEC)
    await bot.fake.wait_for(lambda: bot.fake.posted(f"token-{iid}/messages/@original", method="PATCH"))
    assert "Preview of announcement #1" in str(last[0]) and preview
    await bot.runtime.outbox.run_once()  # delivered to six channels

    # Right-click commands: a member's city card; a 4,000-character message shared as a practice.
    card = interaction(2, {"id": "300000000000000009", "name": "City card", "type": 2, "target_id": ANA["user_id"],
                           "resolved": {"users": {ANA["user_id"]: {"id": ANA["user_id"], "username": "ana", "discriminator": "0",
                                                                    "avatar": None, "global_name": None}}}}, **SEC)
    await bot.fake.dispatch("INTERACTION_CREATE", card)
    await bot.fake.wait_for(lambda: bot.fake.callbacks(card["id"]))
    long_message = {"id": "910000000000000001", "channel_id": "700000000000000001", "content": "M" * 4000,
                    "author": {"id": ANA["user_id"], "username": "ana", "discriminator": "0", "avatar": None},
                    "attachments": [], "embeds": [], "mentions": [], "mention_roles": [], "pinned": False, "tts": False,
                    "mention_everyone": False, "timestamp": "2026-12-01T00:00:00+00:00", "edited_timestamp": None, "type": 0}
    share = interaction(2, {"id": "300000000000000010", "name": "Share as practice", "type": 3, "target_id": long_message["id"],
                            "resolved": {"messages": {long_message["id"]: long_message}}}, **ANA)
    await bot.fake.dispatch("INTERACTION_CREATE", share)
    modal = (await bot.fake.wait_for(lambda: bot.fake.callbacks(share["id"])))[0]
    assert modal["type"] == 9

    # Every page of the 1,000-city answer, through its buttons.
    who = next(a for i, a in answers.items() if STEPS[i][1] == ["who"] and STEPS[i][2] == {"theme": "housing"})
    pages = 1
    while True:  # Ana reads Spanish by now: the buttons are found by the page they show, not their label
        buttons = {c["custom_id"].split(":")[1]: c for row in who.get("components", []) for c in row["components"]}
        following = buttons.get(str(pages + 1))
        if following is None or following.get("disabled"):
            break
        shown = {**bot.fake.message("700000000000000001", who), "flags": 64}
        iid, _ = await bot.send(3, {"custom_id": following["custom_id"], "component_type": 2}, message=shown, **ANA)
        who = (await bot.fake.wait_for(lambda iid=iid: bot.fake.posted(f"token-{iid}/messages/@original", method="PATCH")))[0]
        pages += 1

    sizes: Counter[str] = Counter()
    sent = messages_of(bot)
    failures = []
    for path, body in sent:
        try:
            check(body, sizes)
        except AssertionError as error:
            failures.append(f"{path}: {error}")
    assert not failures, "\n".join(failures)
    assert pages >= 20 and len(sent) >= 90
    report = ", ".join(f"{kind} {value}" for kind, value in sorted(sizes.items()))
    print(f"\nlimits walk: {len(STEPS)} commands, {len(sent)} messages and modals checked, {pages} pages of `who`; largest: {report}")
