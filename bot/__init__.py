"""Anchor: a leadership-development coach for leaders of NHS health and care partnerships."""

__version__ = "0.1.0"
