"""Session 15's encoder trial, step 3 (either venv): the heads alone compared on the held-out
writers of every fold that has both files, by ROC AUC and by recall at fixed false-alarm rates
on calm (non_crisis) examples: TF-IDF, the fine-tuned encoder, and the two averaged.

    python evals/experiments/encoder_compare.py OUT_DIR

The rates use one threshold per candidate chosen on the held-out examples themselves (an
oracle), the same for every candidate: this compares how well each ranks, not a shippable gate.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]
HEADS = {"crisis": {"crisis", "emergency"}, "concern": {"crisis", "emergency", "concern"}}


def recall_at(p: Array, pos: Array, neg: Array, rate: float) -> float:
    threshold = np.sort(p[neg])[::-1][int(np.floor(rate * neg.sum()))]
    return float((p[pos] > threshold).mean())


def auc(p: Array, pos: Array, neg: Array) -> float:
    both = np.concatenate([p[pos], p[neg]])
    ranks = np.argsort(np.argsort(both)) + 1
    n1, n0 = int(pos.sum()), int(neg.sum())
    return float((ranks[:n1].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def main(out: Path) -> None:
    rows = json.loads((out / "views.json").read_text())
    folds = json.loads((out / "folds.json").read_text())
    tfidf, encoder, labels = [], [], []
    for f, writers in enumerate(folds):
        if not (out / f"enc_fold{f}.npy").exists():
            continue
        tfidf.append(np.load(out / f"tfidf_fold{f}.npy"))
        encoder.append(np.load(out / f"enc_fold{f}.npy"))
        labels += [r["label"] for r in rows if r["writer"] in writers]
    t, e, y = np.concatenate(tfidf), np.concatenate(encoder), np.array(labels)
    neg = y == "non_crisis"
    print(f"held-out examples {len(y)}, calm {int(neg.sum())}")
    for column, (head, positive) in enumerate(HEADS.items()):
        pos = np.isin(y, list(positive))
        for name, p in {
            "tfidf": t[:, column],
            "encoder": e[:, column],
            "mean": (t[:, column] + e[:, column]) / 2,
        }.items():
            rates = " ".join(f"r@{r:.0%} {recall_at(p, pos, neg, r):.3f}" for r in (0.01, 0.02, 0.03, 0.05))
            print(f"{head:8s} {name:8s} auc {auc(p, pos, neg):.4f} {rates}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
