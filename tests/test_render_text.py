"""The console's plain-text layout (``bot.render_text``)."""

from __future__ import annotations

import pytest

from bot.render_text import render_text
from handlers.types import Reply


@pytest.mark.parametrize(("title", "columns"), [
    ("10, 100, 1000 villes et territoires des droits humains d’ici 2030", 65),  # was cut at 60
    ("東京都 住宅", 11),  # wide characters take two columns
    ("Ciudad de Me\u0301xico", 16),  # a combining accent takes none
    ("Day", 3),
])
def test_a_title_is_underlined_to_its_end(title: str, columns: int) -> None:
    lines = render_text(Reply(title=title, text="x")).splitlines()
    assert lines[:2] == [title, "=" * columns]
