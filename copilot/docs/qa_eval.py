"""Retrieval quality on a QA set: hit@1, hit@k and MRR for dense, BM25 and hybrid ranking.

A QA file is JSON lines of {"id", "question", "source", "answer_contains"}: a hit is a
passage whose source contains `source` and whose text contains `answer_contains`
(case and whitespace ignored).
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from copilot.context import AppContext
from copilot.docs.document import Passage
from copilot.docs.retrieval import MODES, Retriever
from copilot.docs.store import open_store
from copilot.errors import InputError, StoreError

FIELDS = ("id", "question", "source", "answer_contains")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class QAItem:
    id: str
    question: str
    source: str
    answer_contains: str

    def matches(self, passage: Passage) -> bool:
        return (self.source.lower() in passage.source.lower()
                and normalise(self.answer_contains) in normalise(passage.text))


def normalise(text: str) -> str:
    return _SPACE.sub(" ", text.replace("\u2013", "-")).strip().lower()


def load_qa(path: Path) -> list[QAItem]:
    """Read and check a QA file; a bad line is an InputError naming the line."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read QA file {path} ({exc}); pass a JSON-lines file.") from None
    items = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            items.append(QAItem(*(str(data[f]) for f in FIELDS)))
        except (json.JSONDecodeError, KeyError, TypeError):
            raise InputError(f"{path}:{number}: each line must be a JSON object with "
                             f"{', '.join(FIELDS)}.") from None
    if not items:
        raise InputError(f"QA file {path} has no questions.")
    return items


def run_qa_eval(app: AppContext, path: Path, k: int = 8, modes: tuple[str, ...] = MODES,
                progress: Callable[[int], None] | None = None) -> dict:
    """Search every question in every mode against the configured store; returns the metrics.

    {"questions", "k", "store", "seconds", "modes": {mode: {"hit@1", "hit@k", "mrr",
    "ms_per_query", "misses": [ids]}}}
    """
    items = load_qa(path)
    store = open_store(app)
    if store is None:
        raise StoreError(f"no docs store at {app.settings.chroma_url or app.settings.store_path(app.locations)}; "
                         f"index the QA set's documents first (copilot index PATH...).")
    retriever = Retriever(store, app.locations.docs_cache_dir)
    retriever.refresh()
    started = time.monotonic()
    result: dict = {"questions": len(items), "k": k, "store": store.where, "modes": {}}
    for mode in modes:
        first = at_k = 0
        reciprocal = 0.0
        misses = []
        mode_started = time.monotonic()
        for item in items:
            hits = retriever.search(item.question, k=k, mode=mode)
            rank = next((n for n, hit in enumerate(hits, start=1) if item.matches(hit.passage)), 0)
            first += rank == 1
            at_k += rank > 0
            reciprocal += 1.0 / rank if rank else 0.0
            if not rank:
                misses.append(item.id)
            if progress:
                progress(1)
        seconds = time.monotonic() - mode_started
        result["modes"][mode] = {"hit@1": first / len(items), "hit@k": at_k / len(items),
                                 "mrr": reciprocal / len(items),
                                 "ms_per_query": 1000 * seconds / len(items), "misses": misses}
    result["seconds"] = time.monotonic() - started
    return result


def format_qa_report(result: dict) -> str:
    """A side-by-side table of the modes, then the questions each mode missed."""
    k = result["k"]
    lines = [f"QA retrieval: {result['questions']} questions, store {result['store']}",
             f"{'mode':<8} {'hit@1':>7} {f'hit@{k}':>7} {'MRR':>7} {'ms/query':>9}"]
    for mode, m in result["modes"].items():
        lines.append(f"{mode:<8} {m['hit@1']:>7.1%} {m['hit@k']:>7.1%} {m['mrr']:>7.3f} {m['ms_per_query']:>9.1f}")
    for mode, m in result["modes"].items():
        if m["misses"]:
            lines.append(f"missed by {mode} (not in top {k}): {', '.join(m['misses'])}")
    return "\n".join(lines)
