"""Word counts for a window of messages: words, their stems, and which words are proper nouns.

A word is treated as a proper noun (never a label) when it is written with a capital in the
middle of a sentence in at least ``PROPER_SHARE`` of its uses ("spoke to Priya", "at Kirkbridge
Council"), unless it is a generic sector acronym (NHS, ICB, GP...), or when it is in the
deny-list (names from the Slack directory, organisations' distinctive words).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer

from bot.themes.text import MID_CAPITAL, SECTOR_TERMS, WORD, for_counting, keep_word, stem

PROPER_SHARE = 0.3
Sparse: TypeAlias = sp.csr_matrix


@dataclass(frozen=True)
class Vocabulary:
    """Counts of kept words per message, and the same counts folded onto stems."""

    words: list[str]
    word_counts: Sparse  # messages x words
    stems: list[str]
    stem_of_word: npt.NDArray[np.intp]  # for each word, the column of its stem
    stem_counts: Sparse  # messages x stems
    proper: frozenset[str]  # words that may never be shown

    def surface(
        self,
        stem_column: int,
        counts: npt.NDArray[np.float64],
        eligible: npt.NDArray[np.bool_] | None = None,
    ) -> str | None:
        """The most used allowed (and ``eligible``) word of a stem: "discharge" for "discharg"."""
        best: tuple[float, str] | None = None
        for column in np.flatnonzero(self.stem_of_word == stem_column):
            word = self.words[column]
            if word in self.proper or (eligible is not None and not eligible[column]):
                continue
            candidate = (float(counts[column]), word)
            if best is None or candidate > best:
                best = candidate
        return None if best is None else best[1]


def presence(matrix: Sparse) -> Sparse:
    """1.0 where ``matrix`` is nonzero."""
    out: Sparse = sp.csr_matrix(matrix, dtype=np.float64, copy=True)
    out.eliminate_zeros()
    out.data = np.ones_like(out.data)
    return out


def _empty(n: int) -> Vocabulary:
    matrix = sp.csr_matrix((n, 0), dtype=np.float64)
    return Vocabulary([], matrix, [], np.zeros(0, dtype=np.intp), matrix, frozenset())


def build_vocabulary(texts: Sequence[str], deny: frozenset[str] = frozenset()) -> Vocabulary:
    """Count the kept words of cleaned ``texts`` (see text.clean) and find the proper nouns."""
    vectorizer = CountVectorizer(
        token_pattern=WORD, lowercase=False, preprocessor=for_counting, dtype=np.float64
    )
    try:
        counts = vectorizer.fit_transform(texts).tocsr()
    except ValueError:  # no words at all
        return _empty(len(texts))
    all_words = vectorizer.get_feature_names_out().tolist()
    keep = [i for i, word in enumerate(all_words) if keep_word(word)]
    words = [all_words[i] for i in keep]
    counts = counts[:, keep].tocsr()
    proper = proper_nouns(texts, words, np.asarray(counts.sum(axis=0)).ravel()) | (
        deny & set(words)
    )
    stems: dict[str, int] = {}
    stem_of_word = np.array([stems.setdefault(stem(w), len(stems)) for w in words], dtype=np.intp)
    fold = sp.csr_matrix(
        (np.ones(len(words)), (np.arange(len(words)), stem_of_word)),
        shape=(len(words), len(stems)),
    )
    allowed = sp.diags(np.array([0.0 if w in proper else 1.0 for w in words]))
    stem_counts = (counts @ allowed @ fold).tocsr()
    stem_counts.eliminate_zeros()
    return Vocabulary(words, counts, list(stems), stem_of_word, stem_counts, frozenset(proper))


def proper_nouns(
    texts: Sequence[str], words: Sequence[str], totals: npt.NDArray[np.float64]
) -> set[str]:
    """Words capitalised mid-sentence in at least PROPER_SHARE of their uses."""
    vectorizer = CountVectorizer(token_pattern=MID_CAPITAL, lowercase=False)
    try:
        capitals = vectorizer.fit_transform(texts)
    except ValueError:  # nothing capitalised
        return set()
    capital_counts = np.asarray(capitals.sum(axis=0)).ravel()
    by_word: dict[str, float] = {}
    for token, count in zip(vectorizer.get_feature_names_out(), capital_counts, strict=True):
        key = for_counting(str(token))
        by_word[key] = by_word.get(key, 0.0) + float(count)
    proper: set[str] = set()
    for word, total in zip(words, totals, strict=True):
        capitalised = by_word.get(word, 0.0)
        if capitalised and word not in SECTOR_TERMS and capitalised >= PROPER_SHARE * total:
            proper.add(word)
    return proper
