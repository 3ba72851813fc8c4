"""Secrets never reach a log line: a logging filter that redacts them at every level.

What counts as a secret here, and where it shows up (discord.py and slack_sdk/Bolt log request and
gateway payloads at DEBUG):
- Slack tokens (``xoxb-``, ``xoxp-``, ``xapp-``… , https://api.slack.com/authentication/token-types) and
  Discord bot tokens (three base64url parts joined by dots);
- Discord interaction tokens (valid 15 minutes): in ``/interactions/ID/TOKEN/callback`` and
  ``/webhooks/APP/TOKEN`` paths and in gateway payloads as ``"token": "…"``;
- Slack ``response_url``s (anyone holding one can post as the app for 30 minutes) and incoming webhooks;
- credentials inside URLs (``https://user:password@host``) and ``Authorization`` header values.
"""

from __future__ import annotations

import logging
import re
import traceback

MASK = "[redacted]"

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b(xox[a-z]|xapp)-[A-Za-z0-9-]+"), r"\1-" + MASK),
    (re.compile(r"\b[A-Za-z0-9_-]{23,28}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,40}\b"), MASK),
    (re.compile(r"(/(?:interactions|webhooks)/\d+/)[^/\s?'\"]+"), r"\1" + MASK),
    (re.compile(r"https?(?::|%3A)(?:/|%2F){2}hooks\.slack\.com[^\s'\"&,]*", re.IGNORECASE), "https://hooks.slack.com/" + MASK),
    (re.compile(r"""(response_url['"]?\s*(?:[:=]|%3D)\s*['"]?)[^\s'"&,}]+""", re.IGNORECASE), r"\1" + MASK),
    (re.compile(
        r"""(['"]?\b(?:token|access_token|bot_token|app_token|signing_secret|client_secret|password|secret)['"]?\s*[:=]\s*['"]?)"""
        r"""[^\s'"&,}]+""", re.IGNORECASE), r"\1" + MASK),
    (re.compile(r"(\b[a-z][a-z0-9+.-]*://)[^/\s:@'\"]+:[^/\s@'\"]+@", re.IGNORECASE), r"\1" + MASK + "@"),
    (re.compile(r"(authorization['\"]?\s*[:=]\s*['\"]?(?:Bot|Bearer|Basic)?\s*)[^\s'\",}]+", re.IGNORECASE), r"\1" + MASK),
)


_ANY_URL = re.compile(r"https?://[^\s'\",]+")
# slack_sdk's webhook client only ever talks to secret addresses (response_urls, incoming webhooks),
# which a GovSlack host or a proxy may put anywhere: every URL in its lines is redacted.
SECRET_URL_LOGGERS = ("slack_sdk.webhook",)


def redact(text: str) -> str:
    """``text`` with every secret above replaced by ``[redacted]``; the rest untouched."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactingFilter(logging.Filter):
    """Rewrites each record's message (arguments merged in) and traceback with ``redact``."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep what there is, redacted
            message = f"{record.msg} {record.args}"
        if record.name.startswith(SECRET_URL_LOGGERS):
            message = _ANY_URL.sub(MASK, message)
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)).rstrip("\n"))
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def install(logger: logging.Logger | None = None) -> None:
    """Put the filter on every handler of ``logger`` (the root logger by default): handler filters see
    the records of every library's loggers, which logger filters would not."""
    target = logger or logging.getLogger()
    for handler in target.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
