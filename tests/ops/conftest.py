"""Operations tests run through both platforms' real stacks: their fixtures are shared here."""

from tests.discord.conftest import discord_bot  # noqa: F401
from tests.slack.conftest import slack  # noqa: F401
