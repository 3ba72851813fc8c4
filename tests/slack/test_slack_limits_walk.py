"""Every command's answer within Slack's limits, for a large directory (issue 11): the same directory as
the Discord walk, every command of the grammar typed as `/hrc …`, each message, response, post, form
and App Home checked by ``tests.slack.limits.check_blocks`` (and slack_sdk's own view checks)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from slack_sdk.models.views import View

from handlers.registry import COMMANDS
from storage.session import Database
from tests.directory_seed import city_name, seed_directory
from tests.slack.conftest import SlackBot
from tests.slack.limits import check_blocks

LONG = "Ñ" * 90 + "-Àçõü"
SUMMARY = ("Participatory budgeting «à la carte» with *stars*, _underscores_ & <angles> `ticks` <!channel>. " * 25)[:2000]
TEXT = ("The World Forum of Human Rights Cities opens in Gwangju; *bring* <your> & `practices`. " * 40)[:3000]
ANA: dict[str, Any] = {}
SEC = {"user": "USEC", "name": "sec"}
STEPS: list[tuple[dict[str, Any], str]] = [
    (ANA, f"register city: {LONG} country: Spain region: Europe themes: housing, water, gender, education, health, culture "
          "size: metropolis timezone: Europe/Madrid languages: es, en, fr"),
    (ANA, "register city: Half"),  # a form
    (SEC, "pending"),
    (SEC, f"verify {LONG}"),
    (SEC, f"reject {city_name(1000)} reason: {'R' * 500}"),
    (ANA, "theme add migration, peace-memory, climate-justice, lgbti, older-persons, indigenous, decent-work, poverty, solidarity"),
    (ANA, "theme remove peace-memory"),
    (ANA, "profile"),
    (ANA, "profile #1"),
    (ANA, "who housing"),
    (ANA, "who housing region: Europe"),
    (ANA, "help"),
    (ANA, "help announce"),
    (ANA, "themes"),
    (ANA, "progress"),
    *[({**SEC, "channel": f"CANN{n}"}, "channel set announcements") for n in range(6)],
    *[({**SEC, "channel": f"CDAY{n}"}, "channel set days themes: housing, water timezone: America/Argentina/ComodRivadavia")
      for n in range(6)],
    ({**SEC, "channel": "CDAY5"}, "channel unset days"),
    (ANA, "channels"),
    (ANA, f"share title: {'T' * 150} themes: housing, water, gender summary: {SUMMARY} link: https://example.org/{'p' * 400}"),
    (ANA, "share title: Only a title"),  # a form
    (ANA, "practices"),
    (ANA, "practices participatory budgeting theme: housing"),
    (ANA, "days"),
    (ANA, "days december"),
    (ANA, "day Human Rights Day"),
    (ANA, f"act Human Rights Day note: {'N' * 300} link: https://example.org/act"),
    (SEC, "acting"),
    (SEC, "acting Human Rights Day"),
    (ANA, "act remove Human Rights Day"),
    (ANA, "days export theme: housing"),
    (SEC, f"days add name: {'D' * 100} date: 2027-05-05 themes: housing, water event: yes"),
    (SEC, f"days remove {'D' * 100}"),
    (ANA, "subscribe housing, water, gender, education digest: weekly lead: 3"),
    (ANA, "unsubscribe water"),
    (ANA, "pause 2 weeks"),
    (ANA, "resume"),
    (SEC, f"announce title: {'W' * 150} text: {TEXT} link: https://example.org/{'f' * 400} title_es: Foro {'Ñ' * 140} "
          f"text_es: {TEXT} title_fr: Forum {'É' * 140} text_fr: {TEXT}"),
    (SEC, "announce title: Second text: Short."),
    (SEC, "announcements"),
    (SEC, "announce status 2"),
    (SEC, "announce cancel 2"),
    (SEC, "announce confirm 1"),
    (SEC, "export cities"),
    (SEC, "audit"),
    (SEC, "audit page: 2"),
    (ANA, "language fr"),
    (ANA, "help"),
    (ANA, "who housing"),
    (ANA, "language es"),
    (ANA, "days december"),
    (ANA, "link"),
    (ANA, "unlink"),
    (ANA, "leave"),
    (SEC, "merge #1 into: #1"),
    (SEC, "transfer #1 to: @nobody"),
]


FORMS = ("register city: Half", "share title: Only a title")


def test_the_walk_covers_every_command() -> None:
    typed = {step.split(" ", 1)[0] for _who, step in STEPS} | {" ".join(step.split(" ", 2)[:2]) for _who, step in STEPS}
    assert {name for name in COMMANDS if name not in typed} == set()


def outgoing(slack: SlackBot, answers: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]], int]]:
    """(where, blocks, block limit) of everything the bot sent."""
    out = [("answer", a.get("blocks") or [], 50) for a in answers]
    out += [("response_url", r.get("blocks") or [], 50) for r in slack.fake.responses]
    out += [(f"chat.postMessage {c.get('channel')}", json.loads(c["blocks"]) if isinstance(c.get("blocks"), str) else c.get("blocks") or [], 50)
            for c in slack.fake.called("chat.postMessage")]
    for method in ("views.open", "views.publish", "views.update"):
        for call in slack.fake.called(method):
            view = json.loads(call["view"]) if isinstance(call["view"], str) else call["view"]
            View(**view).validate_json()  # slack_sdk's own checks: title ≤ 24, ≤ 100 blocks, each block's limits
            out.append((method, view["blocks"], 100))
    return out


async def test_every_answer_stays_within_slacks_limits(slack: SlackBot, sqlite_db: Database) -> None:
    await seed_directory(sqlite_db, 1000, all_themes=True, pending=60, practices=60, crowded=40)
    answers = []
    for who, text in STEPS:
        if text in FORMS:  # answered by opening a form, not with a message
            status, _body = await slack.post(slack.command_body(text, **who))
            assert status == 200
            continue
        answers.append(await slack.command(text, **who))
    said = json.dumps(answers, ensure_ascii=False)
    assert "something went wrong" not in said and "Algo salió mal" not in said
    await slack.runtime.outbox.run_once()
    sizes: Counter[str] = Counter()
    sent = outgoing(slack, answers)
    failures = []
    for where, blocks, limit in sent:
        try:
            check_blocks(blocks, sizes, max_blocks=limit)
        except AssertionError as error:
            failures.append(f"{where}: {error}")
    assert not failures, "\n".join(failures)
    assert len(slack.fake.called("views.open")) == 2 and len(sent) >= 60
    report = ", ".join(f"{kind} {value}" for kind, value in sorted(sizes.items()))
    print(f"\nslack limits walk: {len(STEPS)} commands, {len(sent)} messages and views checked; largest: {report}")
