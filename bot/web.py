"""The bot's HTTP server: ``/healthz`` and the calendar feed ``/calendar.ics``, for every platform.

Slack in HTTP mode adds its ``/slack/events`` route to this same application; when Slack runs in
Socket Mode or only Discord runs, ``start_web`` serves it alone on ``HOST``:``PORT``.
"""

from __future__ import annotations

import hashlib
import logging

from aiohttp import web

from bot.wiring import Runtime
from handlers.errors import UserError
from handlers.feeds import FEED_PATH, FILENAME, calendar_bytes
from handlers.i18n import translator
from handlers.ics import MIME_TYPE, clean_lang
from handlers.types import clean_input
from storage.health import database_state

logger = logging.getLogger(__name__)
MAX_QUERY = 600  # characters of ?themes=, like `days export theme:`


def web_app(runtime: Runtime) -> web.Application:
    """An aiohttp application with ``GET /healthz`` and ``GET /calendar.ics?themes=…&lang=…``.

    The feed answers 200 ``text/calendar`` (RFC 5545), 304 when the client's ``If-None-Match`` matches,
    400 ``text/plain`` in the requested language for an unknown theme, 503 when the database is down.
    """

    async def healthz(_request: web.Request) -> web.Response:
        state = await database_state(runtime.db)  # "ok" only when a write goes through
        return web.json_response({"database": state}, status=200 if state == "ok" else 503)

    async def calendar(request: web.Request) -> web.Response:
        lang = clean_lang(request.query.get("lang"))
        themes = clean_input(request.query.get("themes", request.query.get("theme", "")))[:MAX_QUERY]
        now = runtime.ctx.now()
        try:
            async with runtime.db.transaction(write=False) as session:
                content, _slugs = await calendar_bytes(session, now, lang, themes)
        except UserError as error:
            text = error.message + (f"\n{error.hint}" if error.hint else "")
            return web.Response(status=400, text=text + "\n", content_type="text/plain", charset="utf-8")
        except Exception:
            logger.exception("calendar feed failed")
            _ = translator(lang)
            return web.Response(status=503, text=_("The calendar is unavailable: try again later.") + "\n",
                                content_type="text/plain", charset="utf-8")
        # The ETag ignores DTSTAMP (the generation time), so an unchanged calendar is not downloaded again.
        stable = b"\n".join(line for line in content.split(b"\r\n") if not line.startswith(b"DTSTAMP:"))
        etag = '"' + hashlib.sha256(stable).hexdigest()[:32] + '"'
        headers = {"ETag": etag, "Cache-Control": "public, max-age=3600"}
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers=headers)
        headers["Content-Disposition"] = f'inline; filename="{FILENAME}"'
        return web.Response(body=content, content_type=MIME_TYPE, charset="utf-8", headers=headers)

    application = web.Application()
    application.router.add_get("/healthz", healthz)
    application.router.add_get(FEED_PATH, calendar)
    return application


async def start_web(
    application: web.Application, host: str, port: int, *, shutdown_timeout: float = 3.0
) -> tuple[web.AppRunner, int]:
    """Serve ``application`` on host:port; returns the runner (``cleanup()`` stops it, giving requests in
    progress ``shutdown_timeout`` seconds) and the bound port."""
    runner = web.AppRunner(application, access_log=None, shutdown_timeout=shutdown_timeout)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    bound = runner.addresses[0][1] if runner.addresses else port
    return runner, bound
