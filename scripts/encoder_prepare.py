"""The safety encoder's training data (project venv): every safety training example's two views,
writer folds, and the TF-IDF heads' out-of-fold probabilities (see scripts/encoder_fit.py).

    .venv/bin/python scripts/encoder_prepare.py OUT_DIR

Writes OUT_DIR/views.json (writer, label, text, own and whole views as the risk model reads
them), OUT_DIR/meta.json (the examples' digest), OUT_DIR/folds.json (the writers in 4 folds of
about equal size) and
OUT_DIR/tfidf_fold{f}.npy (columns: crisis, concern and emergency heads' probabilities for the
fold's examples, trained on the other folds). The encoder's own extra examples
(prompts/safety/encoder/twins) follow the others in views.json, marked "extra". See
scripts/encoder_fit.py and evals/experiments/encoder_compare.py.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np

from bot.coach.risk import Fitted, Prepared
from bot.coach.safety import SafetyGate
from bot.content.training import encoder_only_examples, training_digest
from bot.evals.writers import load_by_writer

FOLDS = 4


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    detector = SafetyGate.from_dir(Path("prompts"), "", learned=False).detector
    rows = [
        {
            "writer": w.writer,
            "label": str(w.example.label),
            "text": w.example.text,
            "own": detector.own_text(w.example.text),
            "whole": detector.whole_text(w.example.text),
        }
        for w in load_by_writer(Path("prompts"))
    ]
    sizes = Counter(r["writer"] for r in rows)
    folds: list[list[str]] = [[] for _ in range(FOLDS)]
    filled = [0] * FOLDS
    for writer, n in sizes.most_common():
        smallest = filled.index(min(filled))
        folds[smallest].append(writer)
        filled[smallest] += n
    # the encoder's own extra examples (close twins of risk messages, which the TF-IDF heads
    # do not train on): always in its training, never held out, never in the thresholds
    extra = [
        {
            "writer": writer,
            "label": str(example.label),
            "text": example.text,
            "own": detector.own_text(example.text),
            "whole": detector.whole_text(example.text),
            "extra": True,
        }
        for writer, example in encoder_only_examples(Path("prompts"))
    ]
    (out / "views.json").write_text(json.dumps(rows + extra))
    (out / "meta.json").write_text(json.dumps({"digest": training_digest(Path("prompts"))}))
    (out / "folds.json").write_text(json.dumps(folds))
    for f, writers in enumerate(folds):
        train = [r for r in rows if r["writer"] not in writers]
        test = [r for r in rows if r["writer"] in writers]
        fitted = Fitted.fit(
            [Prepared(r["own"], r["whole"]) for r in train], np.array([r["label"] for r in train])
        )
        p = fitted.predict([Prepared(r["own"], r["whole"]) for r in test])
        np.save(
            out / f"tfidf_fold{f}.npy", np.stack([p["crisis"], p["concern"], p["emergency"]], 1)
        )
    print(len(rows), "examples;", "folds", folds)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
