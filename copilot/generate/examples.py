"""The example bank: verified request -> script pairs shipped in adapters/<tool>/examples.jsonl.

Nearest examples are found by hybrid ranking: BM25 over request, tags and script (command
names matter) plus MiniLM cosine over the request (meaning matters: "registers" ~
"flip-flops"). The bank's request vectors ship next to it (examples.emb.npy, float16) with the
bank's hash; when the bank changes they are recomputed once into the cache folder.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from copilot import resources
from copilot.retrieval.bm25 import BM25

DENSE_WEIGHT = 0.5  # measured on the dev set: 0.5 beat 0.3 and 0.7 (see docs/generation.md)


@dataclass(frozen=True)
class Example:
    id: str
    request: str
    script: str
    tags: tuple[str, ...] = ()


def _tokens(text: str) -> list[str]:
    from copilot.docs.keyword_index import doc_tokens

    return doc_tokens(text)


@dataclass
class ExampleBank:
    """Examples of one tool, searchable by request wording and by the commands they use."""

    examples: list[Example]
    path: Path | None = None
    cache_dir: Path | None = None
    _index: BM25 | None = field(default=None, repr=False)
    _vectors: object = field(default=None, repr=False)
    _encoder: object = field(default=None, repr=False)

    @classmethod
    def load(cls, path: Path, cache_dir: Path | None = None) -> "ExampleBank":
        items = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                d = json.loads(line)
                items.append(Example(d["id"], d["request"], d["script"], tuple(d.get("tags", ()))))
        return cls(items, path, cache_dir)

    @classmethod
    def for_tool(cls, tool: str, cache_dir: Path | None = None) -> "ExampleBank":
        path = resources.data_dir("adapters") / tool / "examples.jsonl"
        return cls.load(path, cache_dir) if path.is_file() else cls([])

    def digest(self) -> str:
        text = "\n".join(e.request for e in self.examples)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    def _keyword(self) -> BM25:
        if self._index is None:
            # The request counts twice: wording of the ask matters more than script tokens.
            docs = [_tokens(e.request) * 2 + _tokens(" ".join(e.tags)) + _tokens(e.script)
                    for e in self.examples]
            self._index = BM25(docs)
        return self._index

    def _dense(self):
        """(encoder, request vectors), or None when the embedding model is not installed."""
        if self._vectors is None:
            try:
                from copilot.docs.embedding import bundled_model_dir
                from copilot.docs.minilm_numpy import NumpyMiniLM

                self._encoder = NumpyMiniLM(bundled_model_dir())
            except Exception:  # noqa: BLE001 - no embeddings: keyword ranking alone
                self._vectors = False
                return None
            self._vectors = self._load_vectors()
        return (self._encoder, self._vectors) if self._vectors is not False else None

    def _load_vectors(self):
        import numpy as np

        digest = self.digest()
        candidates = []
        if self.path is not None:
            candidates.append(self.path.with_suffix(".emb.npy"))
        if self.cache_dir is not None:
            candidates.append(self.cache_dir / f"examples-{digest}.emb.npy")
        for path in candidates:
            meta = path.with_suffix(".json")
            if path.is_file() and meta.is_file() and json.loads(meta.read_text())["digest"] == digest:
                return np.load(path).astype("float32")
        vectors = self._encoder.encode([e.request for e in self.examples]).astype("float32")
        if self.cache_dir is not None:
            save_vectors(vectors, self.cache_dir / f"examples-{digest}.emb.npy", digest)
        return vectors

    def nearest(self, request: str, k: int = 4) -> list[Example]:
        """The k examples closest to `request`, best first."""
        if not self.examples:
            return []
        import numpy as np

        scores = np.array(self._keyword().scores(_tokens(request)), dtype="float32")
        if scores.max() > 0:
            scores /= scores.max()
        dense = self._dense()
        if dense is not None:
            encoder, vectors = dense
            query = encoder.encode([request])[0].astype("float32")
            scores = (1 - DENSE_WEIGHT) * scores + DENSE_WEIGHT * (vectors @ query)
        order = np.argsort(-scores, kind="stable")[:k]
        return [self.examples[i] for i in order]


def save_vectors(vectors, path: Path, digest: str) -> None:
    """Write request vectors (float16) and the bank digest they belong to."""
    import numpy as np

    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors.astype("float16"))
    path.with_suffix(".json").write_text(json.dumps({"digest": digest, "model": "all-MiniLM-L6-v2"}))
