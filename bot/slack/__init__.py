"""Slack adapter (Bolt for Python): `/hrc`, modals, App Home, secretariat buttons, outbound messages."""
