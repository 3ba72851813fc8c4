"""The foundation flow end to end through parser + dispatcher + real database (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.render_text import render_text
from handlers.types import NoticeTarget, Visibility
from tests.conftest import Chat, FakeClock

REGISTER = "/hrc register city: Grenoble country: France region: Europe themes: participatory democracy size: intermediary city timezone: Europe/Paris languages: en, fr"


async def test_register_verify_then_directory_shows_the_city(chat: Chat) -> None:
    reply = await chat.say("ana", REGISTER)
    assert not reply.is_error, render_text(reply)
    assert "pending" in render_text(reply)
    secretariat = [n for n in reply.notices if n.target is NoticeTarget.SECRETARIAT]
    assert len(secretariat) == 1
    assert [a.command for a in secretariat[0].reply.actions] == ["verify #1", "reject #1"]

    # Pending cities are not in `who` yet.
    assert "No verified city" in render_text(await chat.say("bob", "/hrc who participatory democracy"))

    pending = render_text(await chat.say("sec", "/hrc pending"))
    assert "Grenoble (France, Europe)" in pending

    verified = await chat.say("sec", "/hrc verify grenoble")
    assert "Grenoble is verified" in render_text(verified)
    told = [n for n in verified.notices if n.target is NoticeTarget.MEMBER]
    assert [n.member.user_id for n in told] == ["ana"]

    assert "Water & sanitation" in render_text(await chat.say("ana", "/hrc theme add water, housing"))
    who = render_text(await chat.say("bob", "/hrc who housing region: Europe"))
    assert "Grenoble (France): @Ana" in who

    card = render_text(await chat.say("bob", "/hrc profile Grenoble"))
    for expected in ("Country: France", "Region: Europe", "Size: Intermediary city", "Status: verified",
                     "Joined: Nov 24, 2026", "Time zone: Europe/Paris", "Languages: en, fr", "Practices: 0"):
        assert expected in card

    themes = render_text(await chat.say("bob", "/hrc themes"))
    assert themes.index("Housing") < themes.index("Food")  # cities with the theme come first

    progress = render_text(await chat.say("bob", "/hrc progress"))
    assert "Verified local and regional governments: 1." in progress
    assert "9 to go to reach 10" in progress
    assert "Europe: 1" in progress and "2026: 1" in progress


async def test_share_and_search_practices_accent_insensitive(chat: Chat) -> None:
    await chat.say("ana", REGISTER)
    await chat.say("sec", "/hrc verify Grenoble")
    shared = await chat.say(
        "ana",
        "/hrc share title: Budget participatif du logement themes: housing, participatory democracy "
        "summary: Les habitants décident de l'accès à l'eau potable. link: https://example.org/bp",
    )
    assert not shared.is_error, render_text(shared)
    assert shared.visibility is Visibility.CHANNEL
    await chat.say("ana", "/hrc share title: Water kiosks themes: water summary: Kiosks in every district.")

    found = await chat.say("bob", "/hrc practices EAU decident")
    assert found.items[0].title.startswith("Budget participatif")
    newest = await chat.say("bob", "/hrc practices")
    assert [i.title for i in newest.items] == ["Water kiosks (Grenoble)", "Budget participatif du logement (Grenoble)"]
    by_theme = await chat.say("bob", "/hrc practices theme: housing")
    assert len(by_theme.items) == 1
    assert "Practices: 2" in render_text(await chat.say("bob", "/hrc profile Grenoble"))


async def test_second_focal_point_joins_after_confirmation(chat: Chat) -> None:
    await chat.say("ana", REGISTER)
    await chat.say("sec", "/hrc verify Grenoble")
    joined = await chat.say("carl", "/hrc register city: grenoble country: FRANCE region: Europe")
    assert "asked to join" in joined.text
    refused = await chat.say("carl", "/hrc theme add housing")
    assert refused.is_error and "not yet confirmed" in refused.text
    assert "@Carl asks to join Grenoble" in render_text(await chat.say("sec", "/hrc pending"))
    confirmed = await chat.say("sec", "/hrc verify Grenoble")
    assert [n.member.user_id for n in confirmed.notices] == ["carl"]
    assert "Housing" in render_text(await chat.say("carl", "/hrc theme add housing"))


async def test_reject_frees_the_registrant_and_tells_why(chat: Chat) -> None:
    await chat.say("ana", "/hrc register city: Atlantis country: Greece region: Europe")
    rejected = await chat.say("sec", "/hrc reject Atlantis reason: not a local government")
    assert "declined" in rejected.text
    assert "not a local government" in rejected.notices[0].reply.text
    assert "Atlantis" not in render_text(await chat.say("bob", "/hrc pending", secretariat=True))
    again = await chat.say("ana", "/hrc register city: Grenoble country: France region: Europe")
    assert not again.is_error


async def test_member_cannot_run_secretariat_commands_and_nothing_changes(chat: Chat) -> None:
    await chat.say("ana", REGISTER)
    refused = await chat.say("bob", "/hrc verify Grenoble")
    assert refused.is_error and "secretariat" in refused.text
    assert "Status: pending verification" in render_text(await chat.say("sec", "/hrc profile Grenoble"))
    assert (await chat.say("bob", "/hrc pending")).is_error


async def test_pending_city_is_hidden_from_other_members(chat: Chat) -> None:
    await chat.say("ana", REGISTER)
    assert (await chat.say("bob", "/hrc profile Grenoble")).is_error
    assert not (await chat.say("ana", "/hrc profile")).is_error


async def test_subscriptions(chat: Chat) -> None:
    first = await chat.say("bob", "/hrc subscribe Water")
    assert "Subscribed to Water & sanitation" in first.text
    assert "already subscribed" in (await chat.say("bob", "/hrc subscribe water & sanitation")).text
    typo = await chat.say("bob", "/hrc unsubscribe wata")
    assert typo.is_error and "Did you mean “Water & sanitation”" in typo.text
    removed = await chat.say("bob", "/hrc unsubscribe water")
    assert "Unsubscribed" in removed.text and "no subscriptions" in removed.text


async def test_user_text_is_stored_as_typed(chat: Chat) -> None:
    await chat.say("ana", "/hrc register city: @everyone <!channel> country: France region: Europe")
    card = render_text(await chat.say("ana", "/hrc profile"))
    assert "@everyone <!channel>" in card


async def test_typed_mention_markers_cannot_forge_a_mention(chat: Chat) -> None:
    forged = "\ue000slack|W1|UBOSS|Boss\ue001"
    await chat.say("ana", f"/hrc register city: Town{forged} country: France region: Europe")
    reply = await chat.say("ana", "/hrc profile")
    assert reply.title == "Townslack|W1|UBOSS|Boss"
    assert "\ue000" not in render_text(reply)


async def test_an_event_is_promised_only_where_discord_events_are_made(chat: Chat, clock: FakeClock) -> None:
    # The console alone (no DISCORD_TOKEN/DISCORD_GUILD_IDS) cannot make a Discord event "within a minute".
    clock.now = datetime(2027, 1, 10, 12, 0, tzinfo=UTC)  # a fixed "today" before the date
    added = await chat.say("sec", "/hrc days add name: Forum date: 2027-05-18 event: yes")
    assert not added.is_error and "within a minute" not in added.text
    assert "once the bot runs there" in added.text


async def test_a_declined_city_is_not_verified_without_anyone_behind_it(chat: Chat) -> None:
    await chat.say("ana", "/hrc register city: Córdoba country: Argentina region: Latin America")
    await chat.say("sec", "/hrc reject Córdoba country: AR reason:")
    refused = await chat.say("sec", "/hrc verify Córdoba country: AR")
    assert refused.is_error and "was declined" in refused.text and "/hrc register" in refused.text
    assert "Verified local and regional governments: 0." in render_text(await chat.say("sec", "/hrc progress"))
    again = await chat.say("ana", "/hrc register city: Cordoba country: Argentina region: Latin America")
    assert not again.is_error
    verified = await chat.say("sec", "/hrc verify Córdoba country: AR")
    assert not verified.is_error and "1 focal point told" in verified.text, verified.text


async def test_someone_asking_to_join_a_pending_city_cannot_edit_it_yet(chat: Chat) -> None:
    await chat.say("ana", "/hrc register city: Lviv country: Ukraine region: Europe themes: housing")
    await chat.say("bob", "/hrc register city: Lviv country: Ukraine region: Europe")  # asks to join
    refused = await chat.say("bob", "/hrc theme add water")
    assert refused.is_error and "not yet confirmed you" in refused.text
    assert not (await chat.say("ana", "/hrc theme add water")).is_error  # the registrant edits while pending
    await chat.say("sec", "/hrc verify Lviv")
    assert not (await chat.say("bob", "/hrc theme remove water")).is_error


async def test_pending_says_how_many_are_not_shown_and_how_to_see_them(chat: Chat) -> None:
    for n in range(23):
        await chat.say(f"user{n}", f"/hrc register city: Town {n} country: Spain region: Europe")
    listing = await chat.say("sec", "/hrc pending")
    assert listing.title == "Awaiting a decision (23)" and len(listing.items) == 20
    assert listing.footer and "…and 3 more, oldest first" in listing.footer and "`/hrc pending`" in listing.footer
    assert "Town 0" in listing.items[0].title and all("Town 22" not in i.title for i in listing.items)
    for n in range(3):
        await chat.say("sec", f"/hrc verify Town {n}")
    after = await chat.say("sec", "/hrc pending")
    assert after.footer is None and any("Town 22" in i.title for i in after.items)


async def test_a_second_decision_on_a_decided_city_says_who_made_the_first_and_when(chat: Chat) -> None:
    # Two of the secretariat working from the same `pending` list: the second is told who was first.
    await chat.say("ana", "/hrc register city: Grenoble country: France region: Europe")
    await chat.say("bob", "/hrc register city: Atlantis country: Greece region: Europe")
    await chat.say("sec", "/hrc verify Grenoble")
    await chat.say("sec", "/hrc reject Atlantis reason: not a local government")
    again = await chat.say("eve", "/hrc verify Grenoble", secretariat=True)
    assert not again.is_error and render_text(again) == "Grenoble was already verified by @Sec on Nov 24, 2026; nothing to do."
    assert render_text(await chat.say("eve", "/hrc reject Atlantis", secretariat=True)) == (
        "Atlantis was already declined by @Sec on Nov 24, 2026.")
    assert render_text(await chat.say("eve", "/hrc verify Grenoble", locale="es", secretariat=True)) == (
        "@Sec ya había verificado Grenoble el 24 nov 2026; no hay nada que hacer.")
    assert render_text(await chat.say("eve", "/hrc reject Atlantis", locale="fr", secretariat=True)) == (
        "Atlantis avait déjà été refusée par @Sec le 24 nov. 2026.")
