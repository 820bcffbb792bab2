"""Session 15's encoder trial, step 2 (a separate venv with torch and transformers, which are NOT
project dependencies): fine-tune all-MiniLM-L6-v2 with two sigmoid outputs (crisis or above,
concern or above) on the risk model's own view, training on every fold but one.

    python -m venv /tmp/tenv && /tmp/tenv/bin/pip install torch==2.13.0 transformers numpy
    /tmp/tenv/bin/python evals/experiments/encoder_train.py OUT_DIR MODEL_DIR FOLD [EPOCHS]

MODEL_DIR holds the sentence-transformers files of all-MiniLM-L6-v2 (config.json,
model.safetensors, tokenizer.json). The embeddings and the first two layers stay frozen; mean
pooling; AdamW at 4e-5 with warm-up and linear decay; positives weighted by the class ratio
(at most 4); batches of 32 bucketed by length; 1.5 epochs. On this 2-core machine one fold took
40 minutes with other work running. Writes OUT_DIR/enc_fold{FOLD}.npy (the held-out fold's
probabilities, columns crisis and concern).
"""

from __future__ import annotations

import json
import math
import random
import sys
from pathlib import Path
from typing import Any

import numpy as np
import torch
from transformers import AutoModel, AutoTokenizer

POSITIVE = ({"crisis", "emergency"}, {"crisis", "emergency", "concern"})
BATCH = 32
MAX_TOKENS = 96


class Net(torch.nn.Module):
    def __init__(self, encoder: Any) -> None:
        super().__init__()
        self.encoder = encoder
        self.head = torch.nn.Linear(encoder.config.hidden_size, len(POSITIVE))

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(input_ids=ids, attention_mask=mask).last_hidden_state
        weights = mask.unsqueeze(-1).float()
        return self.head((hidden * weights).sum(1) / weights.sum(1).clamp(min=1))


def batches(texts: list[str], shuffle: bool, size: int) -> list[list[int]]:
    order = list(range(len(texts)))
    if not shuffle:
        order.sort(key=lambda i: len(texts[i]))
        return [order[i : i + size] for i in range(0, len(order), size)]
    random.shuffle(order)
    chunks = [order[i : i + size * 20] for i in range(0, len(order), size * 20)]
    order = [i for chunk in chunks for i in sorted(chunk, key=lambda i: len(texts[i]))]
    found = [order[i : i + size] for i in range(0, len(order), size)]
    random.shuffle(found)
    return found


def main(out: Path, model_dir: Path, fold: int, epochs: float) -> None:
    torch.set_num_threads(2)
    random.seed(1)
    torch.manual_seed(1)
    rows = json.loads((out / "views.json").read_text())
    held = set(json.loads((out / "folds.json").read_text())[fold])
    train = [r for r in rows if r["writer"] not in held]
    test = [r for r in rows if r["writer"] in held]
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    encoder = AutoModel.from_pretrained(model_dir)
    net = Net(encoder)
    frozen = [*encoder.embeddings.parameters(), *encoder.encoder.layer[:2].parameters()]
    for p in frozen:
        p.requires_grad = False
    y = torch.tensor([[float(r["label"] in pos) for pos in POSITIVE] for r in train])
    share = y.mean(0)
    loss_of = torch.nn.BCEWithLogitsLoss(pos_weight=((1 - share) / share).clamp(max=4.0))
    optimiser = torch.optim.AdamW([p for p in net.parameters() if p.requires_grad], lr=4e-5)
    steps = int(math.ceil(len(train) / BATCH) * epochs)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min(1.0, (s + 1) / (0.06 * steps)) * max(0.0, (steps - s) / steps)
    )
    texts = [r["own"] for r in train]
    step = 0
    net.train()
    while step < steps:
        for batch in batches(texts, True, BATCH):
            if step >= steps:
                break
            t = tokenizer([texts[i] for i in batch], padding=True, truncation=True,
                          max_length=MAX_TOKENS, return_tensors="pt")
            loss = loss_of(net(t["input_ids"], t["attention_mask"]), y[batch])
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            optimiser.step()
            schedule.step()
            optimiser.zero_grad()
            step += 1
    net.eval()
    held_texts = [r["own"] for r in test]
    probabilities = np.zeros((len(test), len(POSITIVE)))
    with torch.no_grad():
        for batch in batches(held_texts, False, 64):
            t = tokenizer([held_texts[i] for i in batch], padding=True, truncation=True,
                          max_length=MAX_TOKENS, return_tensors="pt")
            probabilities[batch] = torch.sigmoid(net(t["input_ids"], t["attention_mask"])).numpy()
    np.save(out / f"enc_fold{fold}.npy", probabilities)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]),
         float(sys.argv[4]) if len(sys.argv) > 4 else 1.5)
