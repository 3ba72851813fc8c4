"""Files with a reply on Slack: files_upload_v2's three steps through the real Bolt app and slack_sdk."""

from __future__ import annotations

from tests.slack.conftest import SlackBot, block_texts

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


async def test_progress_chart_is_uploaded_to_the_callers_direct_messages(slack: SlackBot) -> None:
    answer = await slack.command("progress")
    assert answer["response_type"] == "ephemeral"
    assert "progress.png: sent to you in your direct messages" in block_texts(answer["blocks"])

    uploads = await slack.fake.wait_for(lambda: slack.fake.uploads)
    assert len(uploads) == 1
    upload = uploads[0]
    assert upload["filename"] == "progress.png" and upload["title"] == "progress.png"
    assert upload["content"].startswith(PNG_SIGNATURE) and len(upload["content"]) == upload["length"]
    assert upload["channel"] == "DUANA"  # the DM opened with conversations.open, never the public channel
    assert "verified local and regional governments: 0" in upload["alt_txt"]
    assert upload["initial_comment"] == upload["alt_txt"]
    assert slack.fake.called("conversations.open")[0]["users"] == "UANA"


async def test_a_failed_upload_leaves_the_answer_and_the_bot_standing(slack: SlackBot) -> None:
    slack.fake.fail["files.completeUploadExternal"] = "missing_scope"  # an app installed without files:write
    answer = await slack.command("progress")
    assert "Verified local and regional governments: 0." in block_texts(answer["blocks"])
    await slack.fake.wait_for(lambda: slack.fake.called("files.completeUploadExternal"))
    assert slack.fake.uploads == []
    again = await slack.command("who water")
    assert "No verified city works on Water" in block_texts(again["blocks"])
