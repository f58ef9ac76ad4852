"""The CLI's one error type (its own module so every CLI module can raise it)."""

from __future__ import annotations


class ConfigError(ValueError):
    """A config that cannot be used; the message is one line naming the dotted key path."""


__all__ = ["ConfigError"]
