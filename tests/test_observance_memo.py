"""The calendar's date work is remembered per list of observances, and the list changes with the campaign dates."""

from __future__ import annotations

from datetime import UTC, date, datetime

from handlers.context import Context
from handlers.days import all_observances, dated_within
from storage.session import Database
from tests.conftest import Chat


async def test_a_new_campaign_date_is_in_the_next_post_at_once(db: Database) -> None:
    """`subscribe` and `share` work out ~250 date rules from one list kept while the campaign dates are the same:
    a date added (or removed) must show in the next answer, not when the memo is dropped."""
    ctx = Context(db=db, secretariat=frozenset({"console:sec"}), clock=lambda: datetime(2026, 12, 4, 12, 0, tzinfo=UTC))
    chat = Chat(ctx)
    async with db.transaction(write=False) as session:
        first, again = await all_observances(session), await all_observances(session)
    assert first is again  # one list while nothing changed: the memos keyed by it serve every command
    span = dated_within(first, date(2026, 12, 5), date(2026, 12, 6))
    assert all(day.slug != "forum-tomorrow" for _when, day in span)
    reply = await chat.say("sec", "/hrc days add name: Forum tomorrow date: 2026-12-05 themes: housing")
    assert not reply.is_error, reply.text
    async with db.transaction(write=False) as session:
        changed = await all_observances(session)
    assert changed is not first
    assert [day.name for when, day in dated_within(changed, date(2026, 12, 5), date(2026, 12, 6)) if day.is_campaign] == ["Forum tomorrow"]
    # A subscriber to housing hears of it: the next post is tomorrow's, not the next UN day on housing.
    reply = await chat.say("ana", "/hrc subscribe housing")
    assert "Next post" in reply.text and "5 Dec" in reply.text, reply.text
    reply = await chat.say("sec", "/hrc days remove Forum tomorrow")
    assert not reply.is_error, reply.text
    reply = await chat.say("bob", "/hrc subscribe housing")
    assert "Next post" in reply.text and "5 Dec" not in reply.text, reply.text
