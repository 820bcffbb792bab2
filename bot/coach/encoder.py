"""A small transformer's opinion on a message, scored in numpy: the safety gate's second model.

all-MiniLM-L6-v2 (a 6-layer, 384-wide BERT, Apache-2.0) with its top layers fine-tuned on the
safety training examples' own view, and a head with two sigmoid outputs: crisis or above, and
concern or above. TF-IDF heads read words; this reads meaning, so the two err on different
messages and their geometric mean ranks risk better than either (see `bot/coach/risk.py`).

The files live in `prompts/safety/encoder/`: `base.safetensors` (the published embeddings and
lower layers, in float16), `top.safetensors` (the fine-tuned layers, the head, and each training
example's out-of-fold probabilities, which the gate's thresholds are chosen on) and
`tokenizer.json`. They are trained outside the product with torch (`scripts/encoder_fit.py`,
which says how); scoring needs only numpy, scipy, safetensors and tokenizers. The embedding table
stays memory-mapped: a message reads only its own tokens' rows.
"""

from __future__ import annotations

import hashlib
import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float32]
Weights = npt.NDArray[Any]  # float16 matrices, float32 vectors
# which of the encoder's outputs each risk head is combined with
ENCODER_COLUMNS: dict[Literal["crisis", "concern"], int] = {"crisis": 0, "concern": 1}
EPS = 1e-12
HEADS = 12
# the layer's tensors, in the order the fine-tuning script writes them
PARTS = (
    "attention.self.query.weight",
    "attention.self.query.bias",
    "attention.self.key.weight",
    "attention.self.key.bias",
    "attention.self.value.weight",
    "attention.self.value.bias",
    "attention.output.dense.weight",
    "attention.output.dense.bias",
    "attention.output.LayerNorm.weight",
    "attention.output.LayerNorm.bias",
    "intermediate.dense.weight",
    "intermediate.dense.bias",
    "output.dense.weight",
    "output.dense.bias",
    "output.LayerNorm.weight",
    "output.LayerNorm.bias",
)


def encoder_dir(prompts_dir: Path) -> Path:
    return prompts_dir / "safety" / "encoder"


def example_key(own: str) -> str:
    """How the out-of-fold probabilities name an example: a hash of its own view."""
    return hashlib.sha256(own.encode()).hexdigest()[:16]


def _erf(x: Array) -> Array:
    """The error function to within 1.5e-7 (Abramowitz and Stegun 7.1.26), in numpy: scipy's
    would add about 24 MB to a process that otherwise never imports it."""
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    found: Array = sign * (1.0 - poly * np.exp(-a * a))
    return found


def _layer_norm(x: Array, weight: Array, bias: Array) -> Array:
    mean = x.mean(-1, keepdims=True)
    centred = x - mean
    var = (centred * centred).mean(-1, keepdims=True)
    out: Array = centred / np.sqrt(var + EPS) * weight + bias
    return out


@dataclass(frozen=True)
class Layer:
    """One BERT layer, weights transposed for x @ w and the three projections fused. The
    matrices stay in float16 (21 MB for six layers rather than 42) and are widened one at a
    time as a message passes: the gate's memory budget is tighter than its time budget."""

    qkv: Weights
    qkv_bias: Weights
    out: Weights
    out_bias: Weights
    norm1: tuple[Weights, Weights]
    inner: Weights
    inner_bias: Weights
    down: Weights
    down_bias: Weights
    norm2: tuple[Weights, Weights]

    @classmethod
    def of(cls, tensors: dict[str, Array]) -> Layer:
        t = {
            part: tensors[part].astype(
                np.float16 if part.endswith("weight") and "LayerNorm" not in part else np.float32,
                copy=False,
            )
            for part in PARTS
        }
        return cls(
            qkv=np.ascontiguousarray(
                np.concatenate(
                    [t[f"attention.self.{p}.weight"] for p in ("query", "key", "value")]
                ).T
            ),
            qkv_bias=np.concatenate(
                [t[f"attention.self.{p}.bias"] for p in ("query", "key", "value")]
            ),
            out=np.ascontiguousarray(t["attention.output.dense.weight"].T),
            out_bias=t["attention.output.dense.bias"],
            norm1=(t["attention.output.LayerNorm.weight"], t["attention.output.LayerNorm.bias"]),
            inner=np.ascontiguousarray(t["intermediate.dense.weight"].T),
            inner_bias=t["intermediate.dense.bias"],
            down=np.ascontiguousarray(t["output.dense.weight"].T),
            down_bias=t["output.dense.bias"],
            norm2=(t["output.LayerNorm.weight"], t["output.LayerNorm.bias"]),
        )

    def __call__(self, h: Array) -> Array:
        tokens, width = h.shape
        size = width // HEADS
        wide = np.float32
        qkv = (
            (h @ self.qkv.astype(wide) + self.qkv_bias)
            .reshape(tokens, 3, HEADS, size)
            .transpose(1, 2, 0, 3)
        )
        q, k, v = qkv[0], qkv[1], qkv[2]
        scores = q @ k.transpose(0, 2, 1) / math.sqrt(size)
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        scores /= scores.sum(-1, keepdims=True)
        context = (scores @ v).transpose(1, 0, 2).reshape(tokens, width)
        h = _layer_norm(context @ self.out.astype(wide) + self.out_bias + h, *self.norm1)
        inner = h @ self.inner.astype(wide) + self.inner_bias
        inner = 0.5 * inner * (1.0 + _erf(inner / math.sqrt(2.0)))
        return _layer_norm(inner @ self.down.astype(wide) + self.down_bias + h, *self.norm2)


class _Tensors:
    """A safetensors file, memory-mapped, with types (the library's reader has none)."""

    def __init__(self, path: Path) -> None:
        from safetensors import safe_open

        self._file: Any = safe_open(str(path), framework="np")

    def metadata(self) -> dict[str, str]:
        return dict(self._file.metadata() or {})

    def names(self) -> set[str]:
        return set(self._file.keys())

    def get(self, name: str) -> Array:
        found: Array = self._file.get_tensor(name)
        return found

    def read(self, names: Sequence[str], prefix: str = "") -> dict[str, Array]:
        """The named tensors, keyed without `prefix`."""
        return {name.removeprefix(prefix): self.get(name) for name in names}

    def rows(self, name: str) -> Callable[[Sequence[int]], Array]:
        """Reads only the rows asked for (a message's tokens of a 30,522-row table)."""
        table = self._file.get_slice(name)
        return lambda ids: np.stack([table[i : i + 1][0] for i in ids]).astype(np.float32)


class RiskEncoder:
    """Scores one message: (crisis or above, concern or above) probabilities."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.calls = 0  # messages scored (`anchor bench` reports how many needed the encoder)
        # the embedding table stays mapped (a message reads its own rows); everything else is
        # read once through mappings that close after loading, so their pages leave the process
        self._embedding = _Tensors(directory / "base.safetensors")
        self._words = self._embedding.rows("embeddings.word_embeddings.weight")
        self._top_path = directory / "top.safetensors"
        self._oof: dict[str, list[float]] | None = None
        base_path = directory / "base.safetensors"
        base = _Tensors(base_path)
        top = _Tensors(self._top_path)
        meta = top.metadata()
        self.digest = meta.get("digest", "")
        self.max_tokens = int(meta.get("max_tokens", "96"))
        self._positions = base.get("embeddings.position_embeddings.weight").astype(np.float32)
        self._kind = base.get("embeddings.token_type_embeddings.weight")[0].astype(np.float32)
        self._norm = (
            base.get("embeddings.LayerNorm.weight").astype(np.float32),
            base.get("embeddings.LayerNorm.bias").astype(np.float32),
        )
        trained = top.names()
        self._head = np.ascontiguousarray(top.get("head.weight").astype(np.float32).T)
        self._head_bias = top.get("head.bias").astype(np.float32)
        del base, top
        # a layer at a time, each through its own short-lived mapping: the peak stays near
        # the final size (measured: `anchor ask` on a crisis 334 MB with float32 layers and
        # everything read through one mapping, against the 300 MB budget)
        self._layers = [
            Layer.of(
                _Tensors(
                    self._top_path if f"encoder.layer.{i}.{PARTS[0]}" in trained else base_path
                ).read([f"encoder.layer.{i}.{p}" for p in PARTS], prefix=f"encoder.layer.{i}.")
            )
            for i in range(int(meta.get("layers", "6")))
        ]
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(self.max_tokens)

    def ids(self, text: str) -> list[int]:
        return list(self._tokenizer.encode(text).ids)

    def embed(self, text: str) -> Array:
        """The message's mean-pooled last hidden layer (384 numbers)."""
        ids = self.ids(text)
        h = _layer_norm(self._words(ids) + self._positions[: len(ids)] + self._kind, *self._norm)
        for layer in self._layers:
            h = layer(h)
        pooled: Array = h.mean(0)
        return pooled

    def scores(self, text: str) -> tuple[float, float]:
        """Probabilities of crisis or above and of concern or above."""
        self.calls += 1
        z = self.embed(text) @ self._head + self._head_bias
        crisis, concern = (1.0 / (1.0 + np.exp(-z.astype(np.float64)))).tolist()
        return float(crisis), float(concern)

    def out_of_fold(self, own: str) -> tuple[float, float] | None:
        """A training example's probabilities from the model that never saw its writer."""
        if self._oof is None:  # only training needs these: loaded then
            top = _Tensors(self._top_path)
            self._oof = dict(
                zip(
                    (bytes(k).hex() for k in top.get("oof_keys")),
                    top.get("oof").astype(np.float64).tolist(),
                    strict=True,
                )
            )
        found = self._oof.get(example_key(own))
        return None if found is None else (float(found[0]), float(found[1]))


class LazyEncoder:
    """The encoder in a folder, loaded on first use: a message whose TF-IDF scores are far
    from any bar never needs it, so most processes never pay its memory or load time."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        # what the risk model's digest records: its thresholds were chosen on these weights
        self.identity = hashlib.sha256((directory / "top.safetensors").read_bytes()).hexdigest()[
            :16
        ]
        self._loaded: RiskEncoder | None = None
        self._lock = threading.Lock()

    @classmethod
    def find(cls, directory: Path) -> LazyEncoder | None:
        """The encoder in `directory`, or None when there is none (a test's own prompts)."""
        return cls(directory) if (directory / "top.safetensors").is_file() else None

    @property
    def loaded(self) -> bool:
        return self._loaded is not None

    def get(self) -> RiskEncoder:
        if self._loaded is None:
            with self._lock:
                if self._loaded is None:
                    self._loaded = RiskEncoder(self.directory)
        return self._loaded
