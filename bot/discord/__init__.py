"""Discord adapter (discord.py): one `/hrc` application command group, modals, embeds, persistent buttons."""
