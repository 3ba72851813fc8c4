"""At LOG_LEVEL=DEBUG Bolt and slack_sdk log request bodies: response_urls and tokens never show."""

from __future__ import annotations

import subprocess
import sys

from tests.log_capture import debug_log
from tests.slack.conftest import SlackBot


async def test_response_urls_and_tokens_are_redacted_at_debug(slack: SlackBot) -> None:
    with debug_log() as log:
        slack.runtime.answer_within = 0  # answered through response_url
        await slack.command("themes")
        await slack.command("register city: Quilmes country: Argentina region: Latin America")
    text = log.getvalue()
    assert "Sending a request" in text  # slack_sdk did log its calls, the response_url's included
    assert f"{slack.fake.url}/response/" not in text
    assert "xoxb-test" not in text


def test_a_bad_api_url_is_refused_without_echoing_its_password(tmp_path: object) -> None:
    env = {"SLACK_API_URL": "ftp://admin:hunter2@proxy.example.org/api/", "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "bot.cli", "run"], env=env, capture_output=True, text=True,
                            cwd=str(tmp_path), timeout=60)
    assert result.returncode == 2
    assert "SLACK_API_URL" in result.stderr and "hunter2" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
