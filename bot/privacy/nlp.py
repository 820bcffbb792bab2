"""The NLP engine handed to Presidio: a spaCy pipeline held in memory, never downloaded.

Presidio's own ``SpacyNlpEngine.load()`` calls ``spacy.cli.download`` when a model is missing
(a plain ``AnalyzerEngine()`` asks for ``en_core_web_lg``). Presidio accepts any ``NlpEngine``
instance (docs: "Customizing the NLP engine"), so this subclass keeps everything else of
``SpacyNlpEngine`` and only replaces ``load()``: it is given a pipeline that already exists.

- Default: ``spacy.blank("en")``, a tokenizer only. It costs nothing to build, needs no files,
  and gives Presidio tokens for its context-word enhancer (lemmas are the lower-cased words).
- With ``use_ner``: a spaCy NER pipeline if one is already on this machine: a model folder at
  ``<data_dir>/privacy/ner-model`` (copied in for air-gapped hosts), else the first installed
  package of ``en_core_web_sm``, ``_md``, ``_lg``. Only its PERSON entities are used.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import Any

import spacy
from presidio_analyzer.nlp_engine import NerModelConfiguration, NlpArtifacts, SpacyNlpEngine
from spacy.language import Language
from spacy.tokens import Doc

log = logging.getLogger(__name__)

LANGUAGE = "en"
NER_MODEL_DIR = Path("privacy") / "ner-model"
NER_PACKAGES = ("en_core_web_sm", "en_core_web_md", "en_core_web_lg")
NER_COMPONENTS = frozenset({"tok2vec", "transformer", "ner", "entity_ruler", "span_ruler"})
PERSON_LABELS = {"PERSON": "PERSON", "PER": "PERSON"}
NER_SCORE = 0.85


class OfflineSpacyNlpEngine(SpacyNlpEngine):
    """Presidio's spaCy engine around a pipeline that is already loaded."""

    def __init__(self, pipeline: Language) -> None:
        labels = _ner_labels(pipeline)
        configuration = NerModelConfiguration(
            model_to_presidio_entity_mapping=PERSON_LABELS,
            labels_to_ignore=sorted(labels - PERSON_LABELS.keys()),
            default_score=NER_SCORE,
        )
        model = {"lang_code": LANGUAGE, "model_name": pipeline.meta.get("name", "blank")}
        super().__init__(models=[model], ner_model_configuration=configuration)
        self._pipeline = pipeline
        self.has_ner = bool(labels)

    def load(self) -> None:
        # Presidio initialises ``nlp`` to None, so mypy takes None for its type.
        self.nlp = {LANGUAGE: self._pipeline}  # type: ignore[assignment]

    def _doc_to_nlp_artifact(self, doc: Doc, language: str) -> NlpArtifacts:
        artifacts: NlpArtifacts = super()._doc_to_nlp_artifact(doc, language)
        if not any(artifacts.lemmas):
            artifacts.lemmas = [token.lower_ for token in doc]
        return artifacts


def build_pipeline(data_dir: Path, *, use_ner: bool) -> Language:
    """The NER pipeline when asked for and present, else a blank English tokenizer."""
    if use_ner:
        pipeline = load_ner_pipeline(data_dir)
        if pipeline is not None:
            return pipeline
        warn_no_ner_model()
    return spacy.blank(LANGUAGE)


def load_ner_pipeline(data_dir: Path) -> Language | None:
    """A spaCy NER pipeline from the data folder or an installed package; never downloads."""
    local = data_dir / NER_MODEL_DIR
    if (local / "config.cfg").is_file():
        return _only_ner(spacy.load(local))
    for package in NER_PACKAGES:
        if spacy.util.is_package(package):
            return _only_ner(spacy.load(package))
    return None


@functools.cache
def warn_no_ner_model() -> None:
    """Said once per process; the scrubber carries on without NER."""
    log.warning(
        "use_ner is on but no spaCy NER model is installed (%s, or a model folder at "
        "<data_dir>/%s); scrubbing without NER. Nothing is downloaded.",
        ", ".join(NER_PACKAGES),
        NER_MODEL_DIR.as_posix(),
    )


def _only_ner(pipeline: Language) -> Language:
    pipeline.select_pipes(enable=[n for n in pipeline.pipe_names if n in NER_COMPONENTS])
    return pipeline


def _ner_labels(pipeline: Language) -> set[str]:
    labels: set[str] = set()
    for name in pipeline.pipe_names:
        component: Any = pipeline.get_pipe(name)
        labels.update(getattr(component, "labels", ()))
    return labels
