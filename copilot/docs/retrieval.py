"""Hybrid search over the docs store: dense (Chroma) and BM25 ranks fused by reciprocal rank.

Keyword matches on command names matter in tool manuals (`set_input_delay` vs
`set_output_delay` are near neighbours to an embedding), and MiniLM finds paraphrases BM25
misses; reciprocal rank fusion needs no score calibration between the two.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from copilot.docs.document import Passage
from copilot.docs.keyword_index import FORMAT as KEYWORD_FORMAT, KeywordIndex
from copilot.docs.store import DocStore
from copilot.errors import StoreError

# Reciprocal rank fusion: score = sum of weight / (RRF_K + rank). BM25 is weighted up: on
# the dev QA set it beats MiniLM alone (hit@1 56% vs 36%); see docs/qa.md.
RRF_K = 20
DENSE_WEIGHT = 1.0
KEYWORD_WEIGHT = 2.0
# A passage also gains this share of the best score among the other passages of its
# source: a page whose example matches strongly lifts its own description too, as
# answers often need both. (Dev set hit@8: 88.5% without it, 90.2% with it.)
SIBLING_SHARE = 0.5
MODES = ("hybrid", "dense", "keyword")
EMPTY = ("the docs index at {where} is empty; run `copilot index --defaults` (Tcl man pages and the "
         "tool's command catalog) or `copilot index PATH...` to add your documents.")


@dataclass(frozen=True)
class Hit:
    """A passage with its fused score and, when the dense side ranked it, its cosine similarity."""

    passage: Passage
    score: float
    similarity: float | None


def _passage(text: str, meta: dict) -> Passage:
    page = meta.get("page")
    return Passage(text, meta.get("source", ""), meta.get("title", ""), page if page and page > 0 else None)


def _with_siblings(scores: dict[str, float], source: dict[str, str]) -> dict[str, float]:
    """Each score plus SIBLING_SHARE of the best score among other passages of its source."""
    top: dict[str, list[float]] = {}
    for pid, score in scores.items():
        best = top.setdefault(source[pid], [])
        best.append(score)
        best.sort(reverse=True)
        del best[2:]
    out = {}
    for pid, score in scores.items():
        best = top[source[pid]]
        others = best[1:] if score == best[0] else best[:1]
        out[pid] = score + SIBLING_SHARE * (others[0] if others else 0.0)
    return out


class Retriever:
    """Searches one store; keeps its keyword index warm between queries."""

    def __init__(self, store: DocStore, cache_dir: Path) -> None:
        self.store = store
        self.cache_dir = cache_dir
        self._keyword: KeywordIndex | None = None
        self._fingerprint = ""
        self._live: set[tuple[str, str]] = set()

    def refresh(self) -> KeywordIndex:
        """The keyword index for the store's current contents (from cache, else built)."""
        entries = self.store.entries()
        if not entries:
            raise StoreError(EMPTY.format(where=self.store.where))
        fingerprint = self.store.fingerprint(entries)
        if self._keyword is not None and fingerprint == self._fingerprint:
            return self._keyword
        self._live = {(k, e.sha) for k, e in entries.items()}
        prefix = f"bm25-{self.store.ident}-"  # one cached index per store: older ones are removed
        path = self.cache_dir / f"{prefix}v{KEYWORD_FORMAT}-{fingerprint}.pickle"
        index = KeywordIndex.load(path)
        if index is None:
            got = self.store.docs.get(include=["documents", "metadatas"])
            rows = [(i, d, m) for i, d, m in zip(got["ids"], got["documents"], got["metadatas"])
                    if (m.get("key"), m.get("sha")) in self._live]
            index = KeywordIndex.build([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows])
            for old in self.cache_dir.glob(f"{prefix}*.pickle"):
                old.unlink(missing_ok=True)
            index.save(path)
        self._keyword, self._fingerprint = index, fingerprint
        return index

    def _dense(self, query: str, n: int) -> list[tuple[str, str, dict, float]]:
        """(id, text, meta, cosine similarity) of live passages nearest the query."""
        got = self.store.docs.query(query_texts=[query], n_results=n,
                                    include=["documents", "metadatas", "distances"])
        rows = zip(got["ids"][0], got["documents"][0], got["metadatas"][0], got["distances"][0])
        # A passage another process (`copilot index`) deleted a moment ago can still come back
        # from this process's vector index, without its text or metadata: skip it.
        return [(i, d, m, 1.0 - dist) for i, d, m, dist in rows
                if m is not None and d is not None and (m.get("key"), m.get("sha")) in self._live]

    def search(self, query: str, k: int = 8, mode: str = "hybrid", depth: int = 50) -> list[Hit]:
        """The k best passages for `query`, best first."""
        return self.search_with_relevance(query, k, mode, depth)[0]

    def search_with_relevance(self, query: str, k: int = 8, mode: str = "hybrid",
                              depth: int = 50) -> tuple[list[Hit], float]:
        """The k best passages, and the cosine similarity of the nearest passage of all
        (0 in keyword mode): how relevant the store is to the query at all."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        keyword = self.refresh()
        fused: dict[str, float] = {}
        found: dict[str, tuple[str, dict]] = {}
        similarity: dict[str, float] = {}
        if mode != "keyword":
            for rank, (pid, text, meta, sim) in enumerate(self._dense(query, depth)):
                fused[pid] = fused.get(pid, 0.0) + DENSE_WEIGHT / (RRF_K + rank + 1)
                found[pid], similarity[pid] = (text, meta), sim
        if mode != "dense":
            for rank, (row, _) in enumerate(keyword.search(query, depth)):
                pid = keyword.ids[row]
                fused[pid] = fused.get(pid, 0.0) + KEYWORD_WEIGHT / (RRF_K + rank + 1)
                found.setdefault(pid, (keyword.texts[row], keyword.metas[row]))
        if mode == "hybrid":
            fused = _with_siblings(fused, {pid: found[pid][1].get("key", "") for pid in fused})
        best = sorted(fused, key=lambda pid: -fused[pid])[:k]
        hits = [Hit(_passage(*found[pid]), fused[pid], similarity.get(pid)) for pid in best]
        return hits, max(similarity.values(), default=0.0)
