"""Anonymised themes across leaders' scrubbed messages: pure, no database, no Slack.

Call :func:`build_themes` (or reuse a :class:`ThemeEngine`) with scrubbed
:class:`ThemeMessage` objects; get a :class:`ThemeReport` of labels, counts of distinct people,
cards and trends that never holds message text or a leader's pseudonym.
"""

from bot.themes.anonymity import Threshold, apply_threshold
from bot.themes.cards import CardMatcher, RetrieverCardMatcher
from bot.themes.engine import ThemeConfig, ThemeEngine, WindowAnalysis, build_themes, in_window
from bot.themes.models import Theme, ThemeMessage, ThemeReport, Trend
from bot.themes.trends import classify_trend

__all__ = [
    "CardMatcher",
    "RetrieverCardMatcher",
    "Theme",
    "ThemeConfig",
    "ThemeEngine",
    "ThemeMessage",
    "ThemeReport",
    "Threshold",
    "Trend",
    "WindowAnalysis",
    "apply_threshold",
    "build_themes",
    "classify_trend",
    "in_window",
]
