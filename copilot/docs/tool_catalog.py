"""A tool's live command catalog as an indexable source: every documented command's usage.

The catalog comes from copilot.catalog (introspected from the running tool, cached per
version, or the snapshot shipped with the adapter when the tool is not installed).
"""

from __future__ import annotations

import hashlib
import json

from copilot.context import AppContext
from copilot.docs.document import Document, Section


class CatalogSource:
    """`tool:NAME` in the store: one section per command, plus what this version lacks."""

    explicit = True

    def __init__(self, app: AppContext, tool: str) -> None:
        self.app, self.tool = app, tool
        self.key = self.via = f"tool:{tool}"
        self._entries: list[tuple[str, str]] | None = None
        self._title = ""

    def entries(self) -> list[tuple[str, str]]:
        """(command name, text) pairs, read from the catalog once."""
        if self._entries is None:
            from copilot.catalog import load_catalog

            catalog = load_catalog(self.app, self.tool)
            self._title = f"{self.tool} {catalog.version} commands (live tool catalog)"
            pairs = [(spec.name, f"usage: {spec.name} {spec.usage}".strip())
                     for spec in sorted(catalog.documented(), key=lambda s: s.name)]
            pairs += [(name, f"{name}: {why}; do not use it with this version.")
                      for name, why in sorted(catalog.missing.items())]
            self._entries = pairs
        return self._entries

    def fingerprint(self) -> str:
        return hashlib.sha256(json.dumps(self.entries()).encode()).hexdigest()

    def load(self) -> Document:
        sections = [Section(name, text) for name, text in self.entries()]
        return Document(self.key, self._title, "catalog", sections)
