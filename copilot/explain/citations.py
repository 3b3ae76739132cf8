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
        """'docs: TITLE (SOURCE)' for the best passage naming `name`, or None."""
        try:
            hits = self.retriever.search(name, k=5, mode="keyword")
        except Exception:
            return None
        word = re.compile(rf"(?<![\w:]){re.escape(name)}(?![\w])")
        for hit in hits:
            passage = hit.passage
            if word.search(passage.title) or word.search(passage.text[:400]):
                page = f", page {passage.page}" if passage.page else ""
                return f"docs: {passage.title} ({passage.source}{page})"
        return None
