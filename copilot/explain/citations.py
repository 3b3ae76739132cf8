"""Citations from the docs index (copilot index/search), used only when an index exists.

Explain never needs the index: the catalog's usage is always a citation. When the user has
indexed documentation, a keyword search on the command name adds the passage that names it.
"""

from __future__ import annotations

import re


class DocsCitations:
    """Finds, per command name, the indexed passage that names it (keyword search, no model)."""

    def __init__(self, retriever) -> None:
        self.retriever = retriever

    @classmethod
    def open(cls, app) -> "DocsCitations | None":
        """The index's citations, or None when there is no index or it cannot be read."""
        path = app.settings.store_path(app.locations)
        if not app.settings.chroma_url and not (path / "chroma.sqlite3").is_file():
            return None
        try:
            from copilot.docs.retrieval import Retriever
            from copilot.docs.store import open_store

            store = open_store(app)
            if store is None or not store.entries():
                return None
            return cls(Retriever(store, app.locations.docs_cache_dir))
        except Exception:  # an unreadable index must not stop an explanation; it is optional
            return None

    def cite(self, name: str) -> str | None:
        """'docs: TITLE (SOURCE, page N)' for the passage that documents `name` best, or None.

        The passage headed by the command itself (a manual's section, a man page) beats one
        that only mentions it, and both beat the index's copy of the tool's own help, which
        the catalog citation already covers.
        """
        try:
            hits = self.retriever.search(name, k=8, mode="keyword")
        except Exception:
            return None
        word = re.compile(rf"(?<![\w:]){re.escape(name)}(?![\w])")
        best, best_score = None, 0
        for rank, hit in enumerate(hits):
            passage = hit.passage
            title = passage.title
            score = 0
            if re.search(rf"(?:^|— |, ){re.escape(name)}(?:\(|$|,)", title):
                score = 6
            elif re.search(rf"(?:^|— |, ){re.escape(name)} \(continued\)", title):
                score = 5
            elif word.search(title):
                score = 3
            elif word.search(passage.text[:400]):
                score = 1
            if score and passage.source.startswith("tool:"):
                score -= 2.5
            score -= rank * 0.01
            if score > best_score:
                best, best_score = passage, score
        if best is None:
            return None
        page = f", page {best.page}" if best.page else ""
        return f"docs: {best.title} ({best.source}{page})"
