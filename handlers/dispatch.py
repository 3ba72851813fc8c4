"""Run one request: validate, check permissions, call the handler in one transaction, turn errors into replies."""

from __future__ import annotations

import asyncio
import functools
import logging
import secrets
from collections.abc import Hashable
from dataclasses import replace

from sqlalchemy.exc import IntegrityError

from handlers.cache import ReplyCache
from handlers.context import Context
from handlers.errors import PermissionDenied, UserError
from handlers.grammar import parse, usage_line, validate
from handlers.i18n import Translate, translator
from handlers.languages import reader_language
from handlers.registry import COMMANDS, CommandSpec, load_all
from handlers.types import Actor, ParsedCommand, Place, Reply, Request, Visibility
from handlers.words import localized_command
from storage.errors import describe, is_unavailable
from storage.models import DeliveryStatus
from storage.queries import deliveries
from storage.queries.versions import committed_scopes, committed_version
from storage.types import ValueTooLong

logger = logging.getLogger(__name__)

load_all()


def error_reply(error: UserError, _: Translate, platform: str = "") -> Reply:
    spec = COMMANDS.get(error.usage_of or "")
    usage = usage_line(spec, _, platform) if spec else None
    text = error.message
    if error.hint:
        text = f"{text}\n{error.hint}"
    return Reply(
        text=text, usage=usage, usage_label=_("Usage:"), is_error=True, visibility=Visibility.CALLER, error_field=error.field
    )


def _too_long(error: ValueTooLong, spec: CommandSpec | None, _: Translate) -> UserError:
    """A value longer than its column once stored (a folded search key can be longer than what was typed:
    "&" is stored as "and", "ﷺ" as 18 letters), as a field-level message on every engine."""
    return UserError(
        _("“{field}” is too long to store: at most {limit} characters, and some signs count as several "
          "(“&” is stored as “and”). Please shorten it; nothing was changed.").format(field=error.field, limit=error.limit),
        usage_of=spec.name if spec else None,
        field=error.field,
    )


def _check_permission(ctx: Context, spec: CommandSpec, actor: Actor, _: Translate) -> None:
    if spec.secretariat and not ctx.is_secretariat(actor):
        raise PermissionDenied(
            _("Sorry, “{command}” is for the campaign secretariat. Nothing was changed.").format(
                command=localized_command(spec.name, _.language))
        )


# What ``handle`` answers to a repeat of a request already applied (``once_key`` already in the ledger).
ALREADY_APPLIED = Reply(text="")


async def _run_in_transaction(ctx: Context, spec: CommandSpec, request: Request,
                              once_key: str | None = None) -> tuple[Reply, frozenset[str], int | None]:
    """One transaction per command: (its reply, the cache scopes its commit changed, the data version it
    wrote or None). A unique-key race with
    a concurrent command (two people registering the same new city at once on PostgreSQL) is retried
    once: the retry sees the other's row.

    With ``once_key`` (a platform's request id), the key goes into the retry ledger in the same
    transaction: a repeat of an applied request gets ``ALREADY_APPLIED`` and changes nothing, and a
    command that failed leaves no key, so its retry runs it again.
    """
    for attempt in (1, 2):
        try:
            async with ctx.db.transaction(write=spec.writes) as session:
                if once_key is not None and not await deliveries.claim(
                        session, once_key, "request", ctx.now(), status=DeliveryStatus.SENT):
                    return ALREADY_APPLIED, frozenset(), None
                reply = await spec.handler(ctx, request, session)
            return reply, committed_scopes(session), committed_version(session)
        except IntegrityError:
            if attempt == 2:
                raise
            logger.info("command %r hit a concurrent write; retrying once", spec.name)
    raise AssertionError("unreachable")


async def _cached_answer(ctx: Context, spec: CommandSpec, request: Request, cache: ReplyCache, key: Hashable,
                         generation: int) -> Reply:
    """Compute a read's reply, keep it when shareable, and hand it to whoever asked meanwhile."""
    flight, kept = cache.start_flight(key), None
    try:
        reply, _changed, _version = await _run_in_transaction(ctx, spec, request)
        if not reply.language:  # before caching, so that a cached reply is returned as it is
            reply = replace(reply, language=request.locale)
        if cache.put(key, reply, generation=generation):
            kept = reply
        return reply
    finally:
        cache.end_flight(key, flight, kept)


async def handle(ctx: Context, request: Request, *, once_key: str | None = None) -> Reply:
    """Answer one request in the reader's language (``handlers.languages``). Never raises: every failure becomes a reply.

    ``once_key``: for a command that writes, the request's id in the retry ledger (``_run_in_transaction``);
    a repeat is answered ``ALREADY_APPLIED``.
    """
    request = replace(request, locale=await reader_language(ctx, request.actor, request.locale))
    return await _handle_in_language(ctx, request, once_key)


async def _handle_in_language(ctx: Context, request: Request, once_key: str | None = None) -> Reply:
    """``handle`` once ``request.locale`` is the reader's language (``reader_language``)."""
    reply = await _answer(ctx, request, once_key)
    if reply is ALREADY_APPLIED:
        return reply
    return reply if reply.language else replace(reply, language=request.locale)


async def _answer(ctx: Context, request: Request, once_key: str | None = None) -> Reply:
    _ = translator(request.locale)
    spec = COMMANDS.get(request.command.name)
    try:
        if spec is None:
            raise UserError(
                _("I don't know the command “{word}”.").format(word=request.command.name),
                hint=_("`/hrc help` lists every command."),
            )
        _check_permission(ctx, spec, request.actor, _)
        validate(spec, request.command, _)
        cache = ctx.cache if not spec.writes else None
        if cache is not None:
            cache_key = ReplyCache.key(request.command, request.locale)
            if (cached := cache.get(cache_key)) is not None:
                return cached
            if (flight := cache.in_flight(cache_key)) is not None and (shared := await asyncio.shield(flight)) is not None:
                return shared  # computed once for everyone who asked meanwhile
            generation = cache.generation  # read before the query: a write meanwhile makes this reply stale
            reply = await _cached_answer(ctx, spec, request, cache, cache_key, generation)
        else:
            reply, changed, version = await _run_in_transaction(ctx, spec, request, once_key if spec.writes else None)
            if reply is ALREADY_APPLIED:
                return reply
            if not reply.language:
                reply = replace(reply, language=request.locale)
            if changed and ctx.cache is not None:
                # No stale shared answer from this process, and only those dropped; the version is noted so
                # that bot.cache_watch does not drop them a second time (the next reader would rebuild them).
                ctx.cache.invalidate(changed, version=version)
    except ValueTooLong as too_long:
        return error_reply(_too_long(too_long, spec, _), _)
    except UserError as error:
        if error.usage_of is None and spec is not None and not isinstance(error, PermissionDenied):
            error.usage_of = spec.name
        return error_reply(error, _, request.actor.platform)
    except Exception as error:
        return failure_reply(error, request.command.name, request.locale)
    if reply.is_empty():
        logger.error("command %r returned an empty reply", request.command.name)
        return Reply(text=_("Done."))
    return reply


def failure_reply(error: Exception, command_name: str, locale: str = "en") -> Reply:
    """The answer to a command that failed on our side, logged once with an incident code.

    The database being unavailable (down, unreachable, read-only, disk full: ``storage.errors``) is
    said as such, without a traceback: it is an outage to wait out, not a bug. Nothing was changed
    either way, since every command's writes are one transaction.
    """
    _ = translator(locale)
    incident = secrets.token_hex(4)
    if is_unavailable(error):
        logger.error("command %r: the database is unavailable (incident %s): %s", command_name, incident, describe(error))
        return Reply(
            text=_("Sorry, the database is unavailable, so nothing was changed. Please try again in a moment "
                   "(incident {code}).").format(code=incident),
            is_error=True,
        )
    logger.exception("command %r failed (incident %s)", command_name, incident)
    return Reply(
        text=_("Sorry, something went wrong on our side and nothing was changed. "
               "If it happens again, tell the secretariat the incident code {code}.").format(code=incident),
        is_error=True,
    )


@functools.lru_cache(maxsize=4096)
def parse_line(text: str, language: str) -> ParsedCommand:
    """``handlers.grammar.parse`` of ``text`` in ``language`` (``en``, ``es``, ``fr``), remembered for the
    4,096 lines typed last: a platform adapter and the dispatcher both parse each line, and the same
    lines come again and again (`who housing`). Raises ``UserError`` as ``parse`` does (errors are not
    remembered). Callers must not mutate the command they get (``dataclasses.replace`` makes a new one)."""
    return parse(text, translator(language))


def parse_or_none(text: str, locale: str = "") -> ParsedCommand | None:
    try:
        return parse_line(text, translator(locale).language)
    except UserError:
        return None


async def handle_text(ctx: Context, actor: Actor, place: Place, text: str, locale: str = "") -> Reply:
    """Parse a typed line (``/hrc who housing``, in any of the three languages) and answer it.

    ``locale`` is the platform's language for the person ("" when it gives none).
    """
    locale = await reader_language(ctx, actor, locale)
    _ = translator(locale)
    try:
        command = parse_line(text, _.language)
    except UserError as error:
        return replace(error_reply(error, _), language=_.language)
    # ``locale`` is already the reader's language: not looked up a second time.
    return await _handle_in_language(ctx, Request(actor=actor, place=place, command=command, locale=locale))
