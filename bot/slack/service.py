"""Run Slack: HTTP mode (aiohttp on HOST/PORT, `/slack/events` + `/healthz`) or Socket Mode."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import ClientConnectorError, web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.app import build_app
from bot.slack.sender import SlackSender
from bot.web import start_web, web_app
from bot.wiring import Runtime

logger = logging.getLogger(__name__)


# Web API methods that change nothing when applied twice.
IDEMPOTENT_METHODS = frozenset({
    "auth.test", "chat.update", "views.publish", "views.update", "conversations.open", "conversations.info",
    "conversations.history", "users.info",
    "files.getUploadURLExternal",  # a second upload slot that is never completed shares nothing
})


class SafeConnectionErrorRetryHandler(AsyncConnectionErrorRetryHandler):
    """Retry a connection error only when repeating the call cannot post twice: the connection was never
    made (nothing was sent), or the method is idempotent. A chat.postMessage cut off mid-answer may
    have gone through, so it is not retried blindly: the broadcast worker retries it itself after
    checking the channel's history for the message's delivery key."""

    async def _can_retry_async(
        self, *, state: RetryState, request: HttpRequest, response: HttpResponse | None = None, error: Exception | None = None
    ) -> bool:
        if isinstance(error, ClientConnectorError):
            return True
        method = request.url.rstrip("/").rsplit("/", 1)[-1]
        return method in IDEMPOTENT_METHODS and await super()._can_retry_async(
            state=state, request=request, response=response, error=error
        )


def web_client(runtime: Runtime) -> AsyncWebClient:
    settings = runtime.settings.slack
    base_url = settings.api_url if settings.api_url.endswith("/") else settings.api_url + "/"
    # 429s are retried after Slack's Retry-After (not a default handler: PLATFORM_FACTS.md).
    return AsyncWebClient(
        token=settings.bot_token,
        base_url=base_url,
        retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=5), SafeConnectionErrorRetryHandler(max_retry_count=2)],
    )


def _bad_request(problem: str) -> web.Response:
    logger.info("slack: refused a malformed request (%s)", problem)
    return web.Response(status=400, text="bad request")


def http_app(bolt: AsyncApp, runtime: Runtime) -> web.Application:
    """The bot's HTTP application (``/healthz``, ``/calendar.ics``) plus Slack's ``/slack/events``."""

    async def events(request: web.Request) -> web.Response:
        # A garbled request is a 400, never a traceback. Bolt parses the timestamp with int() inside its
        # signature check (and answers 500 when that raises), so it is checked here; a body that is not
        # UTF-8, or a JSON body or `payload` that does not parse, raises while the Bolt request is built.
        stamp = request.headers.get("X-Slack-Request-Timestamp", "")
        if not (stamp.isascii() and stamp.isdigit()):
            return _bad_request("missing or non-numeric X-Slack-Request-Timestamp")
        try:
            bolt_request = await to_bolt_request(request)
        except ValueError as error:  # UnicodeDecodeError and json.JSONDecodeError are ValueErrors
            return _bad_request(type(error).__name__)
        return await to_aiohttp_response(await bolt.async_dispatch(bolt_request))

    async def finish_refreshes(_app: web.Application) -> None:  # Home refreshes in flight end before the engine
        desk = getattr(bolt, "home_desk", None)
        if desk is not None:
            try:
                await asyncio.wait_for(desk.idle(), timeout=3.0)
            except TimeoutError:
                logger.info("slack: Home refreshes still running at shutdown were dropped")

    application = web_app(runtime)
    application.router.add_post("/slack/events", events)
    application.on_shutdown.append(finish_refreshes)
    return application


async def start_http(runtime: Runtime, host: str, port: int) -> tuple[web.AppRunner, int]:
    """Start Slack in HTTP mode; returns the runner and the port (useful with port 0)."""
    client = web_client(runtime)
    runtime.notices.register(SlackSender(client, runtime.settings.slack.secretariat_channel, dm_channels=runtime.dm_channels))
    # On stop, requests in progress get a few seconds to finish (bot/shutdown.py's overall budget is 10 s).
    runner, bound = await start_web(http_app(build_app(runtime, client), runtime), host, port, shutdown_timeout=3.0)
    logger.info("slack: HTTP mode on %s:%s (/slack/events, /healthz, /calendar.ics)", host, bound)
    return runner, bound


async def serve(runtime: Runtime) -> None:
    settings = runtime.settings
    client = web_client(runtime)
    await client.auth_test()  # a bad token fails here, and the supervisor retries with backoff
    if settings.slack.socket_mode:
        from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

        runtime.notices.register(SlackSender(client, settings.slack.secretariat_channel, dm_channels=runtime.dm_channels))
        handler = AsyncSocketModeHandler(build_app(runtime, client), settings.slack.app_token)
        logger.info("slack: Socket Mode")
        try:
            await handler.start_async()
        finally:
            await handler.close_async()
        return
    runner, _port = await start_http(runtime, settings.host, settings.port)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
