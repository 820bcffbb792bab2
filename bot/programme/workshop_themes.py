"""Workshop free text summarised by the themes engine: the same clustering and labelling as
programme themes, with the workshop's own threshold. Small steps (too few answers to cluster)
fall back to the workshop's keyword counts. Either way only key words and counts of people come
out, never an answer."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime

from bot.knowledge.embed import Embedder
from bot.themes.cluster import ClusterConfig
from bot.themes.engine import ThemeConfig, ThemeEngine
from bot.themes.models import ThemeMessage
from bot.workshops.models import ThemeCount
from bot.workshops.summarise import FreeTextSummariser

KEYWORDS = 3
MIN_ANSWERS = 8


class EngineSummariser:
    def __init__(
        self,
        embedder: Embedder,
        fallback: FreeTextSummariser,
        deny: Callable[[], Iterable[str]] = tuple,
    ) -> None:
        """`deny`: people's names (e.g. the Slack directory, as read now) never used as labels."""
        self.embedder = embedder
        self.fallback = fallback
        self.deny = deny

    def themes(self, answers: Sequence[str], min_people: int) -> list[ThemeCount]:
        if len(answers) < max(MIN_ANSWERS, 2 * min_people):
            return self.fallback.themes(answers, min_people)
        now = datetime.now(UTC)
        messages = [  # one answer per person: each is its own pseudonymous contributor
            ThemeMessage(leader=f"participant-{n}", at=now, text=text)
            for n, text in enumerate(answers)
        ]
        n = len(answers)
        # a workshop is small: a neighbourhood of ten would join everything into one theme
        cluster = ClusterConfig(neighbours=max(3, min(10, n // 4)), smoothing=3 if n >= 60 else 1)
        engine = ThemeEngine(
            self.embedder,
            config=ThemeConfig(min_people=min_people, n_keywords=KEYWORDS, cluster=cluster),
            deny=self.deny(),
        )
        report = engine.report(messages)
        found = [
            ThemeCount(keyword=" · ".join(theme.keywords[:KEYWORDS]), people=theme.people)
            for theme in report.themes
            if theme.keywords
        ]
        return found or self.fallback.themes(answers, min_people)
