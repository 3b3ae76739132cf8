"""An index run: add new and changed sources, skip unchanged ones, remove deleted ones.

Each batch of sources is written as passages first, then made live by one manifest write,
then their old passages are deleted. A run killed at any point leaves every source either
at its old version or its new one; the next run deletes the unreferenced passages and
carries on where the last one stopped, since finished sources are unchanged by then.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable, Protocol

from copilot.docs.chunking import chunk_document
from copilot.docs.document import Document, Passage
from copilot.docs.store import DocStore, ManifestEntry
from copilot.errors import InputError

BATCH_PASSAGES = 128
Progress = Callable[[int], None]  # called with the number of sources just finished


class Source(Protocol):
    """Anything the index reads: a file, or a tool's command catalog."""

    key: str
    explicit: bool  # named by the user: a load error stops the run instead of skipping it
    via: str  # what brought it in (a folder, "defaults", "tool:NAME"): the scope of pruning

    def fingerprint(self) -> str: ...

    def load(self) -> Document: ...


@dataclass
class IndexReport:
    """What one run did; `skipped` holds (path, one-line reason) for unreadable files."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    passages: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        return (f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged, "
                f"{self.removed} removed, {len(self.skipped)} skipped; {self.passages} passages "
                f"written in {self.seconds:.1f} s")


def passage_id(key: str, sha: str, n: int) -> str:
    return f"{hashlib.sha1(key.encode()).hexdigest()[:16]}-{sha[:12]}-{n:05d}"


def _metadata(key: str, sha: str, n: int, passage: Passage) -> dict:
    meta = {"key": key, "sha": sha, "n": n, "source": passage.source, "title": passage.title[:300]}
    if passage.page is not None:
        meta["page"] = passage.page
    return meta


class _Batch:
    """Sources loaded and chunked, waiting to be embedded and made live together."""

    def __init__(self) -> None:
        self.entries: list[ManifestEntry] = []
        self.ids: list[str] = []
        self.texts: list[str] = []
        self.metas: list[dict] = []

    def add(self, key: str, sha: str, document: Document, passages: list[Passage], via: str) -> None:
        self.entries.append(ManifestEntry(key, sha, document.title, document.kind, len(passages), via))
        for n, passage in enumerate(passages):
            self.ids.append(passage_id(key, sha, n))
            self.texts.append(passage.text)
            self.metas.append(_metadata(key, sha, n, passage))

    def write(self, store: DocStore, old_passages: dict[str, list[str]]) -> None:
        """Passages first, then the manifest (the commit), then the replaced passages."""
        for part in _chunks(list(range(len(self.ids))), BATCH_PASSAGES):
            store.docs.upsert(ids=[self.ids[i] for i in part], documents=[self.texts[i] for i in part],
                              metadatas=[self.metas[i] for i in part])
        store.commit(self.entries)
        _delete(store, [pid for e in self.entries for pid in old_passages.get(e.key, [])])


def _chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _delete(store: DocStore, ids: list[str]) -> None:
    for part in _chunks(ids, 1000):
        store.docs.delete(ids=part)


def _live_passages(store: DocStore, entries: dict[str, ManifestEntry]) -> dict[str, list[str]]:
    """Passage ids of each live source; passages of no live version (an interrupted run's,
    or an old version's) are deleted."""
    snapshot = store.docs.get(include=["metadatas"])
    live: dict[str, list[str]] = {}
    orphans = []
    for pid, meta in zip(snapshot["ids"], snapshot["metadatas"]):
        entry = entries.get(meta.get("key"))
        if entry is not None and entry.sha == meta.get("sha"):
            live.setdefault(entry.key, []).append(pid)
        else:
            orphans.append(pid)
    _delete(store, orphans)
    return live


def run_index(store: DocStore, sources: list[Source], prune: set[str],
              progress: Progress | None = None) -> IndexReport:
    """Bring the store in line with `sources`; sources brought in via `prune` that are gone are removed."""
    started = time.monotonic()
    report = IndexReport()
    entries = store.entries()
    live = _live_passages(store, entries)
    tick = progress or (lambda n: None)
    batch = _Batch()
    for source in sources:
        sha = source.fingerprint()
        known = entries.get(source.key)
        if known is not None and known.sha == sha:
            report.unchanged += 1
            tick(1)
            continue
        try:
            document = source.load()
        except InputError as exc:
            if source.explicit:
                raise
            report.skipped.append((source.key, exc.message))
            tick(1)
            continue
        batch.add(source.key, sha, document, chunk_document(document), source.via)
        report.added += known is None
        report.updated += known is not None
        if len(batch.ids) >= BATCH_PASSAGES:
            batch.write(store, live)
            report.passages += len(batch.ids)
            tick(len(batch.entries))
            batch = _Batch()
    if batch.entries:
        batch.write(store, live)
        report.passages += len(batch.ids)
        tick(len(batch.entries))

    seen = {source.key for source in sources}
    gone = [key for key, entry in entries.items() if entry.via in prune and key not in seen]
    store.forget(gone)
    _delete(store, [pid for key in gone for pid in live.get(key, [])])
    report.removed = len(gone)
    report.seconds = time.monotonic() - started
    return report
