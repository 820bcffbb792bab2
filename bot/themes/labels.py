"""Theme labels by class-based TF-IDF (c-TF-IDF, as in BERTopic), with anonymity rules.

For each cluster c and stem t: ``W(t, c) = tf(t, c) * log(1 + A / f(t))``, where tf is the
stem's share of the cluster's words, A the average number of words per cluster and f(t) the
stem's frequency over all clusters. A stem may be a label only when

- it is no proper noun and in no deny-list (those words were dropped from the stem counts, see
  vocabulary.py), and
- at least ``min_people`` distinct leaders used it in the whole window AND in that cluster, so
  no label word can be traced to a small group.

A label is shown as the stem's most used allowed word ("discharge", not "discharg") among the
words that ``min_people`` leaders used themselves.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from bot.themes.vocabulary import Vocabulary
from bot.themes.vocabulary import presence as present

MAX_KEYWORDS = 6


def _indicator(codes: npt.NDArray[np.int64], width: int) -> sp.csr_matrix:
    n = len(codes)
    return sp.csr_matrix((np.ones(n), (np.arange(n), codes)), shape=(n, width))


def distinct_users(
    presence: sp.csr_matrix, groups: npt.NDArray[np.int64], people: npt.NDArray[np.int64]
) -> npt.NDArray[np.float64]:
    """For each group and column, how many distinct people have a nonzero in it."""
    n_groups = int(groups.max()) + 1 if len(groups) else 0
    pairs, pair_of_row = np.unique(np.stack([groups, people], axis=1), axis=0, return_inverse=True)
    pair_of_row = pair_of_row.ravel()
    per_pair = present(_indicator(pair_of_row, len(pairs)).T @ presence)
    per_group = _indicator(pairs[:, 0], n_groups).T @ per_pair
    dense: npt.NDArray[np.float64] = np.asarray(per_group.todense(), dtype=np.float64)
    return dense


def c_tf_idf(class_counts: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """BERTopic's class-based TF-IDF of a classes x terms count matrix."""
    totals = class_counts.sum(axis=1, keepdims=True)
    tf = np.divide(class_counts, totals, out=np.zeros_like(class_counts), where=totals > 0)
    frequency = class_counts.sum(axis=0)
    average = class_counts.sum() / max(len(class_counts), 1)
    idf = np.log1p(np.divide(average, frequency, out=np.zeros_like(frequency), where=frequency > 0))
    scores: npt.NDArray[np.float64] = tf * idf
    return scores


def keywords(
    vocabulary: Vocabulary,
    labels: npt.NDArray[np.int64],
    leaders: Sequence[str],
    min_people: int,
    wanted: Sequence[int],
    n_keywords: int = 5,
) -> dict[int, list[str]]:
    """Up to ``n_keywords`` label words for each cluster label in ``wanted``.

    ``labels`` gives each message's cluster (any integer; UNTHEMED messages form a class of
    their own for the statistics and are never labelled).
    """
    n_keywords = min(n_keywords, MAX_KEYWORDS)
    result: dict[int, list[str]] = {label: [] for label in wanted}
    counts = vocabulary.stem_counts
    if counts.shape[1] == 0 or len(labels) == 0:
        return result
    classes, class_of_row = np.unique(labels, return_inverse=True)
    class_of_row = class_of_row.ravel().astype(np.int64)
    _, person = np.unique(np.asarray(leaders), return_inverse=True)
    person = person.ravel().astype(np.int64)
    presence = present(counts)
    everyone = distinct_users(presence, np.zeros(len(labels), dtype=np.int64), person)[0]
    per_class = distinct_users(presence, class_of_row, person)
    class_counts = np.asarray((_indicator(class_of_row, len(classes)).T @ counts).todense())
    scores = c_tf_idf(class_counts)
    word_totals = np.asarray(vocabulary.word_counts.sum(axis=0)).ravel()
    word_presence = present(vocabulary.word_counts)
    zeros = np.zeros(len(labels), dtype=np.int64)
    common_words = distinct_users(word_presence, zeros, person)[0] >= min_people
    for label in wanted:
        row = int(np.searchsorted(classes, label))
        if row >= len(classes) or classes[row] != label:
            continue
        allowed = (everyone >= min_people) & (per_class[row] >= min_people) & (scores[row] > 0)
        order = [int(t) for t in np.argsort(-scores[row], kind="stable") if allowed[t]]
        chosen: list[str] = []
        for term in order:
            word = vocabulary.surface(term, word_totals, common_words)
            if word is not None and word not in chosen:
                chosen.append(word)
            if len(chosen) == n_keywords:
                break
        result[label] = chosen
    return result
