"""The error every content loader raises (defined with the YAML reader in bot.datafiles)."""

from bot.datafiles import ContentError

__all__ = ["ContentError"]
