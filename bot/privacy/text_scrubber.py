"""What callers outside the privacy package need of a scrubber, and the default one.

The coach (for the LLM's draft) and the workshops (before any keyword is counted) both take
"something that scrubs text"; deployments pass the Slack app's scrubber, which knows the
workspace directory's names.
"""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path
from typing import Protocol


class TextScrubber(Protocol):
    def scrub(self, text: str) -> str:
        """`text` with personal data replaced by tags such as <NAME>."""
        ...


@cache
def default_scrubber() -> TextScrubber:
    """The scrubber with the shipped word lists and no NER model (built once per process:
    loading Presidio takes seconds). Deployments pass their own, with the directory's names."""
    from bot.privacy.scrub import Scrubber

    return Scrubber(data_dir=Path(tempfile.gettempdir()), use_ner=False)
