"""The example bank: verified request -> script pairs shipped in adapters/<tool>/examples.jsonl."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from copilot import resources
from copilot.retrieval.bm25 import BM25, tokens


@dataclass(frozen=True)
class Example:
    id: str
    request: str
    script: str
    tags: tuple[str, ...] = ()


@dataclass
class ExampleBank:
    """Examples of one tool, searchable by request wording and by the commands they use."""

    examples: list[Example]
    _index: BM25 | None = field(default=None, repr=False)

    @classmethod
    def load(cls, path: Path) -> "ExampleBank":
        items = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                d = json.loads(line)
                items.append(Example(d["id"], d["request"], d["script"], tuple(d.get("tags", ()))))
        return cls(items)

    @classmethod
    def for_tool(cls, tool: str) -> "ExampleBank":
        path = resources.data_dir("adapters") / tool / "examples.jsonl"
        return cls.load(path) if path.is_file() else cls([])

    def _documents(self) -> BM25:
        if self._index is None:
            # The request counts twice: wording of the ask matters more than script tokens.
            docs = [tokens(e.request) * 2 + tokens(" ".join(e.tags)) + tokens(e.script)
                    for e in self.examples]
            self._index = BM25(docs)
        return self._index

    def nearest(self, request: str, k: int = 4) -> list[Example]:
        """The k examples closest to `request`, best first."""
        if not self.examples:
            return []
        return [self.examples[i] for i, _ in self._documents().top(tokens(request), k)]
