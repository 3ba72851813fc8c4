"""Errors a user can fix: they become a friendly reply with the command's usage line."""

from __future__ import annotations


class UserError(Exception):
    """A problem with what the user asked for. ``message`` is already translated."""

    def __init__(
        self, message: str, *, usage_of: str | None = None, hint: str | None = None, field: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.usage_of = usage_of
        self.hint = hint
        self.field = field  # the option at fault ("region", "main"), so forms can show the error inline


class PermissionDenied(UserError):
    """The caller may not run this command (nothing was changed)."""
