"""An append-only log of everything typed, asked, shown and run in `copilot shell`.

One JSON object per line, flushed as it happens, so a crash of the tool (or of the copilot)
loses nothing the user typed.
"""

from __future__ import annotations

import json
import time
from pathlib import Path


class ShellHistory:
    """Appends entries like {"time", "kind": "typed"|"request"|"script"|"run"|..., ...}."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)

    def add(self, kind: str, **fields) -> None:
        entry = {"time": round(time.time(), 3), "kind": kind, **fields}
        with self.path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(entry, ensure_ascii=False) + "\n")

    def entries(self) -> list[dict]:
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        return [json.loads(line) for line in lines if line.strip()]
