"""Leaving a city, handing it over, and one person on two platforms (`/hrc leave`, `/hrc transfer`,
`/hrc link`, `/hrc unlink`), through parser + dispatcher + a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.discord.render import with_mentions
from bot.render_text import render_text
from bot.slack.render import mrkdwn
from handlers.types import NoticeTarget
from storage.models import LinkCode, Member, MemberAccount, Subscription
from tests.conftest import Chat, FakeClock

ANA_SLACK, ANA_DISCORD = "UANA", "500000000000000001"
BOB_SLACK, BOB_DISCORD = "UBOB", "500000000000000002"


def field(reply: object, name: str) -> str:
    return next(f.value for f in reply.fields if f.name == name)  # type: ignore[attr-defined]


async def count(chat: Chat, model: type) -> int:
    async with chat.ctx.db.transaction(write=False) as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


async def verified_city(chat: Chat, user: str, city: str = "Grenoble", country: str = "France", **kwargs: object) -> None:
    reply = await chat.say(user, f"/hrc register city: {city} country: {country} region: Europe themes: housing", **kwargs)
    assert not reply.is_error, render_text(reply)
    assert not (await chat.say("sec", f"/hrc verify {city}")).is_error


# --- leave ---------------------------------------------------------------------------------------------

async def test_the_last_focal_point_is_warned_then_leaves_and_the_city_stays(chat: Chat) -> None:
    await verified_city(chat, "ana")
    asked = await chat.say("ana", "/hrc leave")
    assert asked.title == "Leave Grenoble?" and "You are its last focal point" in asked.text
    assert [a.command for a in asked.actions] == ["leave confirm: yes"]
    assert "Ana" in render_text(await chat.say("carl", "/hrc profile Grenoble"))  # nothing changed yet
    kept = await chat.say("ana", "/hrc leave confirm: no")
    assert kept.text == "Nothing changed: you are still a focal point of Grenoble."
    left = await chat.say("ana", "/hrc leave confirm: yes")
    assert left.text == ("You are no longer a focal point of Grenoble. Grenoble has no confirmed focal point now; "
                         "the secretariat was told.")
    [told] = [n for n in left.notices if n.target is NoticeTarget.SECRETARIAT]
    assert "left Grenoble, which has no confirmed focal point now" in render_text(told.reply)
    card = await chat.say("carl", "/hrc profile Grenoble")
    assert field(card, "Status") == "verified" and field(card, "Focal points") == "no one yet"
    again = await chat.say("ana", "/hrc leave")
    assert again.is_error and "You don't represent a city yet." in again.text
    assert "leave · Grenoble (France)" in render_text(await chat.say("sec", "/hrc audit Grenoble"))


async def test_a_focal_point_with_colleagues_leaves_without_warning_in_spanish(chat: Chat) -> None:
    await verified_city(chat, "ana")
    await chat.say("bob", "/hrc register city: Grenoble country: France region: Europe")
    await chat.say("sec", "/hrc verify Grenoble")
    asked = await chat.say("ana", "/hrc dejar", locale="es")
    assert "último" not in asked.text and "last" not in asked.text and asked.actions
    left = await chat.say("ana", "/hrc dejar confirmar: sí", locale="es")
    assert not left.is_error and not left.notices, render_text(left)
    assert "Ana" not in field(await chat.say("carl", "/hrc profile Grenoble"), "Focal points")
    wrong = await chat.say("bob", "/hrc leave confirm: maybe")
    assert wrong.is_error and wrong.error_field == "confirm"


async def test_someone_who_only_asked_to_join_withdraws_without_false_warnings(chat: Chat) -> None:
    """A join request not yet confirmed is not a focal point: registering another city names the request and
    how to withdraw it, and leaving withdraws it without "last focal point" warnings or a notice to the
    secretariat (the city's contacts do not change)."""
    await chat.say("sec", "/hrc register city: Grenoble country: France region: Europe")
    await chat.say("sec", "/hrc verify Grenoble")
    await chat.say("sec", "/hrc transfer Grenoble to: @sec")
    await chat.say("sec", "/hrc leave confirm: yes")  # Grenoble: verified, nobody confirmed
    assert not (await chat.say("bob", "/hrc register city: Grenoble country: France region: Europe")).is_error
    other = await chat.say("bob", "/hrc registrar ciudad: Lyon país: Francia región: Europa", locale="es")
    assert other.is_error and "Ya representas" not in other.text
    assert "Pediste unirte a Grenoble" in other.text and "`/hrc dejar`" in other.text
    asked = await chat.say("bob", "/hrc leave")
    assert asked.title == "Withdraw your request to join Grenoble?" and "last focal point" not in asked.text
    kept = await chat.say("bob", "/hrc leave confirm: no")
    assert kept.text == "Nothing changed: your request to join Grenoble still awaits the secretariat."
    gone = await chat.say("bob", "/hrc quitter confirmer : oui", locale="fr")
    assert gone.text == "Vous avez retiré votre demande pour rejoindre Grenoble." and not gone.notices
    assert "Bob" not in render_text(await chat.say("sec", "/hrc pending"))
    assert not (await chat.say("bob", "/hrc register city: Lyon country: France region: Europe")).is_error


async def test_a_withdrawn_join_request_is_recorded_as_withdrawn_not_as_leaving(chat: Chat) -> None:
    """The trail tells a withdrawn request from a focal point leaving, in the reader's language."""
    await verified_city(chat, "ana")
    await chat.say("bob", "/hrc register city: Grenoble country: France region: Europe")
    assert not (await chat.say("bob", "/hrc leave confirm: yes")).is_error
    english = render_text(await chat.say("sec", "/hrc audit Grenoble"))
    newest = english.split("\n• ")[1]
    assert "leave (withdraw request) · Grenoble (France)" in newest, english
    assert "Bob (console:bob): withdrew their request to join" in newest and "left the city" not in english
    spanish = render_text(await chat.say("sec", "/hrc auditoría Grenoble", locale="es"))
    assert "dejar (retirar solicitud) · Grenoble (Francia)" in spanish, spanish
    assert "Bob (console:bob): retiró su solicitud para unirse" in spanish
    french = render_text(await chat.say("sec", "/hrc audit Grenoble", locale="fr"))
    assert "quitter (retirer la demande) · Grenoble (France)" in french, french
    assert "Bob (console:bob) : a retiré sa demande pour rejoindre" in french


async def test_the_only_registrant_of_a_pending_city_withdraws_its_registration(chat: Chat) -> None:
    """Leaving a city nobody else stands behind, before the secretariat decided, withdraws the registration:
    asked first, then declined as `reject` declines (reason "withdrawn by the registrant"), off `pending`,
    the secretariat told, the trail saying so in the reader's words; registering it again reopens it."""
    await chat.say("ana", "/hrc register city: Villatest country: Spain region: Europe")
    asked = await chat.say("ana", "/hrc leave")
    assert asked.title == "Withdraw the registration of Villatest?" and "transfer" not in render_text(asked)
    assert [a.command for a in asked.actions] == ["leave confirm: yes"]
    kept = await chat.say("ana", "/hrc leave confirm: no")
    assert kept.text == "Nothing changed: the registration of Villatest still awaits the secretariat."
    assert "Villatest" in render_text(await chat.say("sec", "/hrc pending"))
    gone = await chat.say("ana", "/hrc leave confirm: yes")
    assert gone.text == "You withdrew the registration of Villatest; the secretariat was told.", gone.text
    [told] = gone.notices
    assert told.target is NoticeTarget.SECRETARIAT
    said = render_text(told.reply)
    assert said.startswith("@Ana withdrew the registration of Villatest (#") and said.endswith(
        "): it no longer awaits a decision."), said
    assert render_text(await chat.say("sec", "/hrc pending")) == "Nothing is waiting for a decision."
    english = render_text(await chat.say("sec", "/hrc audit Villatest")).split("\n• ")[1]
    assert "leave (withdraw registration) · Villatest (Spain)" in english, english
    assert "status: pending verification → not accepted" in english and "reason: withdrawn by the registrant" in english
    assert "Ana (console:ana): withdrew the registration" in english
    spanish = render_text(await chat.say("sec", "/hrc auditoría Villatest", locale="es"))
    assert "dejar (retirar registro) · Villatest (España)" in spanish, spanish
    assert "retirada por quien la registró" in spanish and "Ana (console:ana): retiró el registro" in spanish
    card = await chat.say("sec", "/hrc perfil Villatest", locale="es")
    assert card.footer == "Motivo indicado: retirada por quien la registró", card.footer
    refused = await chat.say("sec", "/hrc reject Villatest")
    assert refused.text == "Villatest was withdrawn by its only focal point; nothing to decline."
    assert "withdrawn by its only focal point" in (await chat.say("sec", "/hrc verify Villatest")).text
    again = await chat.say("ana", "/hrc register city: Villatest country: Spain region: Europe")
    assert not again.is_error and "is registered" in again.title, render_text(again)
    assert "Villatest" in render_text(await chat.say("sec", "/hrc pending"))


async def test_handing_a_city_to_someone_who_only_asked_to_join_another_says_so(chat: Chat) -> None:
    await verified_city(chat, "ana")
    await verified_city(chat, "carl", "Lyon")
    await chat.say("bob", "/hrc register city: Grenoble country: France region: Europe")  # a request, unconfirmed
    handed = await chat.say("sec", "/hrc traspasar Lyon a: @Bob", locale="es")
    assert handed.is_error and "ya representa" not in handed.text, handed.text
    assert "Bob pidió unirse a Grenoble y aún no está confirmado" in handed.text and "`/hrc dejar`" in handed.text
    assert "Carl" in render_text(await chat.say("carl", "/hrc profile Lyon"))  # nothing changed


# --- transfer ------------------------------------------------------------------------------------------

async def test_the_secretariat_hands_a_city_to_someone_by_name_and_both_are_told(chat: Chat) -> None:
    await verified_city(chat, "ana")
    await chat.say("bob", "/hrc subscribe water")  # Bob has used the bot: known by name
    handed = await chat.say("sec", "/hrc transfer Grenoble to: @Bob")
    assert not handed.is_error, render_text(handed)
    assert render_text(handed) == "Grenoble is now in the hands of @Bob; the previous focal point was told."
    told = {n.member.user_id: render_text(n.reply) for n in handed.notices}
    assert told == {"ana": "The secretariat handed Grenoble over to @Bob: you are no longer its focal point.",
                    "bob": "The secretariat handed Grenoble to you: you are now its focal point."}
    assert field(await chat.say("carl", "/hrc profile Grenoble"), "Focal points").endswith("|Bob\ue001")
    assert "theme add" not in (await chat.say("bob", "/hrc theme add water")).text  # Bob may edit it now
    assert "You don't represent a city yet." in (await chat.say("ana", "/hrc theme add water")).text


async def test_transfer_by_platform_mention_and_its_refusals(chat: Chat) -> None:
    await verified_city(chat, "UANA", platform="slack")
    await verified_city(chat, "UDAN", "Lyon", platform="slack")
    sec = {"platform": "slack", "secretariat": True}
    handed = await chat.say("USEC", "/hrc transfer Grenoble to: <@UCARL|carl>", **sec)  # never used the bot
    assert not handed.is_error and render_text(handed).startswith("Grenoble is now in the hands of @carl"), render_text(handed)
    forged = await chat.say("USEC", "/hrc transfer Grenoble to: <@not-an-id>", **sec)
    assert forged.is_error and forged.error_field == "to"
    nobody = await chat.say("USEC", "/hrc transfer Grenoble to: @", **sec)  # it said: I don't know “” here
    assert nobody.is_error and nobody.text == "Name the person: `@name`, picked from the list.", nobody.text
    unknown = await chat.say("USEC", "/hrc transfer Grenoble to: @zoe", **sec)
    assert unknown.is_error and "I don't know “zoe” here yet" in unknown.text
    taken = await chat.say("USEC", "/hrc transfer Grenoble to: <@UDAN>", **sec)
    assert taken.is_error and "already represents Lyon" in taken.text
    assert (await chat.say("UANA", "/hrc transfer Lyon to: <@UANA>", platform="slack")).text.startswith("Sorry")
    again = await chat.say("USEC", "/hrc transfer Grenoble to: <@UCARL>", **sec)  # carl holds it alone already
    assert not again.is_error and not again.notices, render_text(again)
    assert render_text(again) == "@carl is already the only focal point of Grenoble: nothing to hand over.", render_text(again)


# --- link ----------------------------------------------------------------------------------------------

def fixed_codes(chat: Chat, *codes: str) -> None:
    pool = list(codes)
    chat.ctx.code = lambda: pool.pop(0)


async def test_link_makes_one_member_of_two_accounts(chat: Chat) -> None:
    fixed_codes(chat, "K7PMQ2XH")
    await verified_city(chat, ANA_SLACK, "Quilmes", "Argentina", platform="slack")
    given = await chat.say(ANA_SLACK, "/hrc link", platform="slack")
    assert given.title == "Your code: K7PM-Q2XH"
    assert "On Discord, type `/account link code: K7PM-Q2XH` within 10 minutes" in given.text
    linked = await chat.say(ANA_DISCORD, "/hrc link k7pm q2xh", platform="discord")
    assert linked.title == "Accounts linked" and "You represent Quilmes." in linked.text, render_text(linked)
    assert (await count(chat, Member), await count(chat, MemberAccount)) == (1, 1)  # one member, two accounts

    own = await chat.say(ANA_DISCORD, "/hrc profile", platform="discord")
    assert own.title == "Quilmes"
    assert "now works on" in (await chat.say(ANA_DISCORD, "/hrc theme add water", platform="discord")).text
    await chat.say(ANA_DISCORD, "/hrc subscribe water", platform="discord")
    await chat.say(ANA_DISCORD, "/hrc language es", platform="discord")
    assert (await chat.say(ANA_SLACK, "/hrc profile", platform="slack")).language == "es"  # one language
    assert await count(chat, Subscription) == 1
    again = await chat.say(ANA_DISCORD, "/hrc register city: Quilmes country: AR region: Latin America", platform="discord")
    assert "Ya eres punto focal de Quilmes" in again.text  # and in her language, chosen on Discord

    who = await chat.say("carl", "/hrc who water")
    line = field(who, "Europe (1)")
    assert mrkdwn(line, "W1") == "Quilmes (Argentina): <@UANA>"  # Slack mentions the Slack account
    mentioned: set[int] = set()
    assert with_mentions(line, mentioned) == f"Quilmes (Argentina): <@{ANA_DISCORD}>" and mentioned == {int(ANA_DISCORD)}
    assert render_text(who).endswith("Quilmes (Argentina): @Uana")  # one name for the person


async def test_a_code_is_refused_on_its_own_platform_expired_reused_or_wrong(chat: Chat, clock: FakeClock) -> None:
    fixed_codes(chat, "K7PMQ2XH", "ABCDEFGH")
    await chat.say(ANA_SLACK, "/hrc link", platform="slack")
    same = await chat.say(BOB_SLACK, "/hrc link K7PM-Q2XH", platform="slack")  # someone else on Slack
    assert same.is_error and "This code was given on Slack: type it on your other platform" in same.text
    wrong = await chat.say(ANA_DISCORD, "/hrc link K7PM-Q2XX", platform="discord")
    assert wrong.is_error and "“K7PM-Q2XX” is not a code I gave" in wrong.text
    clock.advance(minutes=10)
    late = await chat.say(ANA_DISCORD, "/hrc link K7PM-Q2XH", platform="discord")
    assert late.is_error and "This code has expired: codes last 10 minutes." in late.text
    await chat.say(ANA_SLACK, "/hrc link", platform="slack")  # a new code, ABCD-EFGH
    assert not (await chat.say(ANA_DISCORD, "/hrc link ABCD-EFGH", platform="discord")).is_error
    reused = await chat.say(BOB_DISCORD, "/hrc link ABCD-EFGH", platform="discord")
    assert reused.is_error and "This code was already used" in reused.text
    assert await count(chat, MemberAccount) == 1
    async with chat.ctx.db.transaction(write=False) as session:
        hashes = (await session.execute(select(LinkCode.code_hash))).scalars().all()
    assert "ABCDEFGH" not in hashes and all(len(h) == 64 for h in hashes)  # only hashes are stored
    console = await chat.say("ana", "/hrc link")
    assert console.is_error and "run it on Slack or Discord" in console.text


async def test_linking_folds_what_the_second_account_had_and_refuses_two_cities(chat: Chat) -> None:
    fixed_codes(chat, "K7PMQ2XH", "ABCDEFGH")
    await verified_city(chat, BOB_SLACK, "Quilmes", "Argentina", platform="slack")
    await chat.say(BOB_DISCORD, "/hrc subscribe housing, water", platform="discord")
    await chat.say(BOB_SLACK, "/hrc subscribe water", platform="slack")
    await chat.say(BOB_DISCORD, "/hrc language fr", platform="discord")
    await chat.say(BOB_DISCORD, "/hrc link", platform="discord")
    assert not (await chat.say(BOB_SLACK, "/hrc link K7PMQ2XH", platform="slack")).is_error
    async with chat.ctx.db.transaction(write=False) as session:
        [bob] = (await session.execute(select(Member).where(Member.user_id == BOB_DISCORD))).scalars().all()
        themes = (await session.execute(select(Subscription.theme).where(Subscription.member_id == bob.id))).scalars().all()
    assert sorted(themes) == ["housing", "water-sanitation"] and bob.language == "fr"
    assert (await chat.say(BOB_SLACK, "/hrc profile", platform="slack")).title == "Quilmes"

    await verified_city(chat, ANA_SLACK, "Grenoble", platform="slack")
    await verified_city(chat, ANA_DISCORD, "Lyon", platform="discord")
    await chat.say(ANA_SLACK, "/hrc link", platform="slack")
    refused = await chat.say(ANA_DISCORD, "/hrc link ABCDEFGH", platform="discord")
    assert refused.is_error and "You represent Lyon here and Grenoble on Slack" in refused.text


async def test_unlink_makes_two_members_again(chat: Chat) -> None:
    fixed_codes(chat, "K7PMQ2XH")
    await verified_city(chat, ANA_SLACK, "Quilmes", "Argentina", platform="slack")
    await chat.say(ANA_SLACK, "/hrc subscribe water", platform="slack")
    await chat.say(ANA_SLACK, "/hrc link", platform="slack")
    await chat.say(ANA_DISCORD, "/hrc link K7PMQ2XH", platform="discord")
    done = await chat.say(ANA_DISCORD, "/hrc unlink", platform="discord")
    assert done.title == "Accounts unlinked" and "Quilmes stays with your Slack account." in done.text
    assert (await count(chat, Member), await count(chat, MemberAccount), await count(chat, Subscription)) == (2, 0, 2)
    alone = await chat.say(ANA_DISCORD, "/hrc profile", platform="discord")
    assert alone.is_error and "You don't represent a city yet." in alone.text
    assert (await chat.say(ANA_SLACK, "/hrc profile", platform="slack")).title == "Quilmes"
    nothing = await chat.say(ANA_DISCORD, "/hrc unlink", platform="discord")
    assert nothing.is_error and "not linked" in nothing.text


async def test_the_members_export_has_a_row_per_linked_account(chat: Chat) -> None:
    from handlers.exports import members_table

    fixed_codes(chat, "K7PMQ2XH")
    await verified_city(chat, ANA_SLACK, "Quilmes", "Argentina", platform="slack")
    await chat.say(ANA_SLACK, "/hrc link", platform="slack")
    await chat.say(ANA_DISCORD, "/hrc link K7PMQ2XH", platform="discord")
    async with chat.ctx.db.transaction(write=False) as session:
        table = await members_table(session, with_ids=True)
    assert [(row[1], row[3], row[4]) for row in table.rows] == [("slack", ANA_SLACK, "Quilmes"),
                                                                ("discord", ANA_DISCORD, "Quilmes")]


async def test_a_transfer_counts_the_previous_focal_points_in_words(chat: Chat) -> None:
    await verified_city(chat, "ana")
    for user in ("bob", "dan"):
        await chat.say(user, "/hrc subscribe water")  # known by name
    assert not (await chat.say("sec", "/hrc transfer Grenoble to: @Bob")).is_error
    again = await chat.say("sec", "/hrc transfer Grenoble to: @Bob")  # he holds it alone: nothing to do
    assert render_text(again) == "@Bob is already the only focal point of Grenoble: nothing to hand over."
    assert not (await chat.say("bob", "/hrc leave confirm: yes")).is_error
    handed = await chat.say("sec", "/hrc transfer Grenoble to: @Bob")  # nobody held it
    assert render_text(handed) == "Grenoble is now in the hands of @Bob."
    assert not (await chat.say("bob", "/hrc subscribe water")).is_error
    french = await chat.say("sec", "/hrc transférer Grenoble à: @Dan", locale="fr")
    assert render_text(french) == "Grenoble est maintenant entre les mains de @Dan ; le point focal précédent a été prévenu."
