"""The workspace's request history: one JSON file, rewritten atomically, searchable.

Pure Python (no Textual) so it is tested in the fast tier and reusable by other front ends.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

KINDS = ("ask", "generate", "run")
MAX_ENTRIES = 500  # older entries are dropped when the file is rewritten


@dataclass
class Entry:
    """One thing the user did: a question asked, a script generated, or a script run."""

    kind: str
    request: str
    script: str = ""
    answer: str = ""
    output: str = ""
    status: str = ""  # valid / not valid / ok / error / cancelled / failed ...
    citations: list[dict] = field(default_factory=list)
    diagnostics: list[dict] = field(default_factory=list)
    time: float = field(default_factory=time.time)

    def label(self) -> str:
        """One line for the history list: when, what kind, the request and how it ended."""
        when = time.strftime("%m-%d %H:%M", time.localtime(self.time))
        request = " ".join(self.request.split())
        return f"{when} {self.kind:<8} {request}" + (f"  [{self.status}]" if self.status else "")

    def haystack(self) -> str:
        return "\n".join((self.kind, self.request, self.script, self.answer, self.status)).lower()


def _entry(data: dict) -> Entry | None:
    try:
        known = {k: data[k] for k in Entry.__dataclass_fields__ if k in data}
        entry = Entry(**known)
    except (TypeError, KeyError):
        return None
    return entry if entry.kind in KINDS and isinstance(entry.request, str) else None


class History:
    """Entries oldest first, persisted to `path` after every change."""

    def __init__(self, path: Path, entries: list[Entry] | None = None) -> None:
        self.path = Path(path)
        self.entries: list[Entry] = entries or []

    @classmethod
    def load(cls, path: Path) -> "History":
        """Read the file; a missing or damaged file starts an empty history (never an error)."""
        try:
            raw = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            return cls(path)
        items = raw.get("entries", []) if isinstance(raw, dict) else []
        entries = [e for e in (_entry(item) for item in items if isinstance(item, dict)) if e]
        return cls(path, entries)

    def add(self, entry: Entry) -> Entry:
        self.entries.append(entry)
        self.entries = self.entries[-MAX_ENTRIES:]
        self.save()
        return entry

    def save(self) -> None:
        """Write to a temp file beside the target, then rename: a crash never leaves half a file."""
        from copilot.atomic import write_text_atomic

        data = {"version": 1, "entries": [asdict(e) for e in self.entries]}
        write_text_atomic(self.path, json.dumps(data, ensure_ascii=False))

    def search(self, query: str) -> list[Entry]:
        """Newest first; every word of `query` must appear (case-insensitive) in the entry."""
        words = query.lower().split()
        return [e for e in reversed(self.entries) if all(w in e.haystack() for w in words)]


def save_script(path: Path, script: str) -> Path:
    """Write a script to `path` atomically (the parent folder must exist); returns the path."""
    path = Path(path).expanduser()
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(script if script.endswith("\n") else script + "\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
