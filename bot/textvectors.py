"""Text features shared by Anchor's learned models: word and character n-grams, TF-IDF blocks.

The safety gate's risk model (`bot.coach.risk`) and the card classifier
(`bot.knowledge.classify`) are both logistic regressions over these features, trained with
scikit-learn and exported to plain arrays, so that scoring needs only numpy (importing
scikit-learn costs about a second of start-up). `Vectoriser.vector` reproduces scikit-learn's
`TfidfVectorizer(sublinear_tf=True)` for the analysers here exactly (tests check it).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from itertools import pairwise
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

Kind = Literal["word", "char"]
# words that carry grammar, not meaning: never a feature on their own (see word_grams)
FUNCTION_WORDS_TEXT = """
i me my myself it its the a an in on at to of and or but is am are was were be been this that
these those for with so just have has had do does did will would can could should up out all
about as by from not no them they their he she him her his we us our you your still there here
what which who when where how than then if into over after before very too also some any more
most much many
"""
FUNCTION_WORDS = frozenset(FUNCTION_WORDS_TEXT.split())
CHAR_NGRAMS = (3, 5)
TOKEN = re.compile(r"(?u)\b\w\w+\b")
SPACES = re.compile(r"\s\s+")


def word_grams(text: str) -> list[str]:
    """Lower case, 2+ character tokens (scikit-learn's token pattern); 1-grams except function
    words, and 2-grams except pairs of function words. A lone "it", "my" or "in" says nothing
    about risk, but writers of risk examples use them at other rates than writers of everyday
    ones, and a model that learns that flags "will it blow up in my face" (leave-one-writer-out
    runs: fewer false alarms on unseen writers at equal recall)."""
    tokens = TOKEN.findall(text.lower())
    grams = [t for t in tokens if t not in FUNCTION_WORDS]
    grams += [
        f"{a} {b}" for a, b in pairwise(tokens) if not (a in FUNCTION_WORDS and b in FUNCTION_WORDS)
    ]
    return grams


def char_grams(text: str) -> list[str]:
    """scikit-learn's `char_wb` analyzer: 3- to 5-grams inside space-padded words."""
    grams: list[str] = []
    low, high = CHAR_NGRAMS
    for word in SPACES.sub(" ", text.lower()).split():
        padded = f" {word} "
        for n in range(low, high + 1):
            if len(padded) <= n:  # a short word counts once, whole
                grams.append(padded)
                break
            grams += [padded[i : i + n] for i in range(len(padded) - n + 1)]
    return grams


ANALYSERS: dict[Kind, Callable[[str], list[str]]] = {"word": word_grams, "char": char_grams}


class Vectoriser:
    """One TF-IDF block (sublinear tf, idf, l2 norm) over one view of a text (a label its
    owner gives: the risk model reads "own" and "whole" views of a message)."""

    def __init__(
        self,
        vocabulary: dict[str, int],
        idf: npt.NDArray[np.float64],
        kind: Kind,
        view: str,
    ) -> None:
        self.vocabulary = vocabulary
        self.idf = idf
        self.kind: Kind = kind
        self.view = view
        self.analyse = ANALYSERS[kind]
        self._grams: list[str] | None = None

    def vector(
        self, text: str, grams: list[str] | None = None
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        """The non-zero entries of the text's normalised TF-IDF vector (`grams`: the text's
        n-grams of this block's kind, when already worked out)."""
        if grams is None:
            grams = self.analyse(text)
        counts = Counter(g for g in grams if g in self.vocabulary)
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        index = np.fromiter((self.vocabulary[g] for g in counts), dtype=np.int64)
        weights = np.fromiter((1.0 + math.log(c) for c in counts.values()), dtype=np.float64)
        weights *= self.idf[index]
        norm = float(np.linalg.norm(weights))
        return index, (weights / norm if norm else weights)

    def gram(self, index: int) -> str:
        if self._grams is None:
            grams = [""] * len(self.vocabulary)
            for gram, i in self.vocabulary.items():
                grams[i] = gram
            self._grams = grams
        return self._grams[index]


def exported(fitted: Sequence[Any], kinds: Sequence[Kind], view: str) -> list[Vectoriser]:
    """Fitted scikit-learn `TfidfVectorizer`s as blocks that score with numpy alone."""
    return [
        Vectoriser(
            {gram: int(i) for gram, i in vectoriser.vocabulary_.items()},
            vectoriser.idf_.astype(np.float64),
            kind,
            view,
        )
        for vectoriser, kind in zip(fitted, kinds, strict=True)
    ]
