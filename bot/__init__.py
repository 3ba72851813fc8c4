"""Runtime: settings, CLI, wiring, scheduler and one adapter per platform (Slack, Discord, console)."""
