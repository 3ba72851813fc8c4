"""One checker of Discord's limits, for every message, embed, view and modal the bot makes.

Source: Discord's developer documentation ("Embed Limits" under Message resource, "Component
Reference", "Interactions: Modal"), as collected in PLATFORM_FACTS.md. ``check`` takes a discord.py
``Embed``, ``View`` or ``Modal`` or a payload as the bot sent it (a message with ``embeds`` and
``components``, an interaction callback, a modal's ``data``) and raises ``LimitExceeded`` naming every
overflow; it also returns the sizes it saw, so tests can report the largest.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import discord

CONTENT, EMBEDS, EMBED_TOTAL, TITLE, DESCRIPTION = 2000, 10, 6000, 256, 4096
FIELDS, FIELD_NAME, FIELD_VALUE, FOOTER, AUTHOR = 25, 256, 1024, 2048, 256
ROWS, COMPONENTS, ROW_ITEMS, BUTTON_LABEL, CUSTOM_ID, URL = 5, 25, 5, 80, 100, 512
SELECT_OPTIONS, OPTION_TEXT, SELECT_PLACEHOLDER = 25, 100, 150
MODAL_TITLE, MODAL_LABEL, MODAL_PLACEHOLDER, MODAL_DESCRIPTION, INPUT_MAX = 45, 45, 100, 100, 4000


class LimitExceeded(AssertionError):
    pass


def _payload(obj: Any) -> dict[str, Any]:
    if isinstance(obj, discord.Embed):
        return {"embeds": [obj.to_dict()]}
    if isinstance(obj, discord.ui.Modal):
        return {"modal": obj.to_dict()}
    if isinstance(obj, discord.ui.View):
        return {"components": obj.to_components()}
    if isinstance(obj, dict):
        if obj.get("type") == 9 and "data" in obj:  # a modal callback
            return {"modal": obj["data"]}
        if "data" in obj and isinstance(obj["data"], dict) and obj.get("type") in (4, 7):  # a message callback
            return obj["data"]
        return obj
    raise TypeError(f"cannot check {type(obj).__name__}")


def check(obj: Any, sizes: Counter[str] | None = None) -> Counter[str]:
    """Raise ``LimitExceeded`` listing every limit ``obj`` exceeds; return the largest size seen of each
    kind (``description``, ``embed total``, ``field value`` …), merged into ``sizes`` when given."""
    seen: Counter[str] = Counter()
    errors: list[str] = []

    def size(kind: str, value: int, limit: int) -> None:
        seen[kind] = max(seen[kind], value)
        if value > limit:
            errors.append(f"{kind}: {value} > {limit}")

    payload = _payload(obj)
    if "modal" in payload:
        _check_modal(payload["modal"], size, errors)
    else:
        size("content", len(payload.get("content") or ""), CONTENT)
        embeds = payload.get("embeds") or []
        size("embeds", len(embeds), EMBEDS)
        size("embed total (message)", sum(_embed(e, size, errors) for e in embeds), EMBED_TOTAL)
        _check_rows(payload.get("components") or [], size, errors)
    if errors:
        raise LimitExceeded("; ".join(errors))
    if sizes is not None:
        for kind, value in seen.items():
            sizes[kind] = max(sizes[kind], value)
    return seen


def check_message(message: dict[str, Any], sizes: Counter[str] | None = None) -> Counter[str]:
    return check(message, sizes)


def _embed(embed: dict[str, Any], size: Any, errors: list[str]) -> int:
    title, description = embed.get("title") or "", embed.get("description") or ""
    footer = (embed.get("footer") or {}).get("text") or ""
    author = (embed.get("author") or {}).get("name") or ""
    size("title", len(title), TITLE)
    size("description", len(description), DESCRIPTION)
    size("footer", len(footer), FOOTER)
    size("author", len(author), AUTHOR)
    fields = embed.get("fields") or []
    size("fields", len(fields), FIELDS)
    total = len(title) + len(description) + len(footer) + len(author)
    for field in fields:
        size("field name", len(field.get("name") or ""), FIELD_NAME)
        size("field value", len(field.get("value") or ""), FIELD_VALUE)
        if not field.get("name") or not field.get("value"):
            errors.append("a field with an empty name or value")
        total += len(field.get("name") or "") + len(field.get("value") or "")
    size("embed total", total, EMBED_TOTAL)
    return total


def _check_rows(rows: list[dict[str, Any]], size: Any, errors: list[str]) -> None:
    size("action rows", len(rows), ROWS)
    count = 0
    ids: list[str] = []
    for row in rows:
        items = row.get("components") or []
        size("row items", len(items), ROW_ITEMS)
        for item in items:
            count += 1
            _check_component(item, size, errors, ids)
    size("components", count, COMPONENTS)
    if len(ids) != len(set(ids)):
        errors.append(f"custom ids repeated: {sorted(i for i in ids if ids.count(i) > 1)}")


def _check_component(item: dict[str, Any], size: Any, errors: list[str], ids: list[str]) -> None:
    if item.get("custom_id") is not None:
        size("custom id", len(item["custom_id"]), CUSTOM_ID)
        ids.append(item["custom_id"])
    if item.get("type") == 2:  # a button
        size("button label", len(item.get("label") or ""), BUTTON_LABEL)
        size("button url", len(item.get("url") or ""), URL)
    if item.get("type") in (3, 5, 6, 7, 8):  # selects
        size("select placeholder", len(item.get("placeholder") or ""), SELECT_PLACEHOLDER)
        options = item.get("options") or []
        size("select options", len(options), SELECT_OPTIONS)
        for option in options:
            for key in ("label", "value", "description"):
                size(f"select option {key}", len(option.get(key) or ""), OPTION_TEXT)
        if (item.get("max_values") or 1) > max(1, len(options)) and item.get("type") == 3:
            errors.append("a select's max_values above its options")
    if item.get("type") == 4:  # a text input
        size("text input placeholder", len(item.get("placeholder") or ""), MODAL_PLACEHOLDER)
        limit = min(item.get("max_length") or INPUT_MAX, INPUT_MAX)
        size("text input max_length", item.get("max_length") or INPUT_MAX, INPUT_MAX)
        size("text input default beyond its max_length", len(item.get("value") or "") - limit, 0)
        if item.get("label") is not None:
            size("modal label", len(item["label"]), MODAL_LABEL)


def _check_modal(modal: dict[str, Any], size: Any, errors: list[str]) -> None:
    size("modal title", len(modal.get("title") or ""), MODAL_TITLE)
    size("custom id", len(modal.get("custom_id") or ""), CUSTOM_ID)
    tops = modal.get("components") or []
    size("modal components", len(tops), ROWS)
    ids: list[str] = []
    for top in tops:
        if top.get("type") == 18:  # a label around one component
            size("modal label", len(top.get("label") or ""), MODAL_LABEL)
            size("modal label description", len(top.get("description") or ""), MODAL_DESCRIPTION)
            _check_component(top.get("component") or {}, size, errors, ids)
        elif top.get("type") == 1:
            for item in top.get("components") or []:
                _check_component(item, size, errors, ids)
        else:
            _check_component(top, size, errors, ids)
