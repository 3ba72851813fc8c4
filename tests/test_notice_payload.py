"""A queued message's payload (outbox.payload) gives back the reply that was queued, buttons included."""

from __future__ import annotations

from bot.notify import reply_from_json, reply_to_json
from handlers.types import Action, Field, Item, Reply, Visibility


def test_a_reply_comes_back_from_its_payload_as_it_was_queued() -> None:
    reply = Reply(
        text="*Lyon* <!channel> @everyone", title="Today: Human Rights Day", footer="`/hrc day hrd`",
        visibility=Visibility.CHANNEL, language="fr",
        fields=(Field("Thèmes", "Logement", inline=False),),
        items=(Item("Lyon (France)", "texte", "https://example.org",
                    actions=(Action("Vérifier", "verify #3", "primary", "verify_3", "Vérifier Lyon"),)),),
        actions=(Action("Stop these", "unsubscribe water", "danger", "stop"),),
    )
    again = reply_from_json(reply_to_json(reply))
    assert again == reply
    assert again.items[0].actions[0].full_label == "Vérifier Lyon"
