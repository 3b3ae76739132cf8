"""An append-only log of everything typed, asked, shown and run in `copilot shell`.

One JSON object per line, flushed as it happens, so a crash of the tool (or of the copilot)
loses nothing the user typed.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path


class ShellHistory:
    """Appends entries like {"time", "kind": "typed"|"request"|"script"|"run"|..., ...}."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.error = ""
        path.parent.mkdir(parents=True, exist_ok=True)

    def add(self, kind: str, **fields) -> None:
        """Append one entry with a single write(2) on an O_APPEND file: two shells of the same
        tool never interleave lines, and a crash leaves at most one torn last line. A full disk
        or a read-only folder is remembered in `error`, never raised into the tool's session."""
        entry = {"time": round(time.time(), 3), "kind": kind, **fields}
        data = (json.dumps(entry, ensure_ascii=False, default=str) + "\n").encode("utf-8")
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, data)
            finally:
                os.close(fd)
        except OSError as exc:
            self.error = f"{self.path}: {exc.strerror}"

    def entries(self) -> list[dict]:
        """Every entry; a torn line (the copilot was killed mid-write) is skipped."""
        try:
            lines = self.path.read_text(encoding="utf-8", errors="replace").splitlines()
        except FileNotFoundError:
            return []
        out = []
        for line in lines:
            try:
                out.append(json.loads(line))
            except ValueError:
                continue
        return [e for e in out if isinstance(e, dict)]
