"""A tool's command catalog: one object read by the linter, the grammar and the docs index."""

from __future__ import annotations

import fnmatch
import json
from dataclasses import dataclass, field
from pathlib import Path

from copilot.catalog.spec import CommandSpec

FORMAT = 1


@dataclass
class Catalog:
    """Every command a tool has, with usage and flags where its help gives them."""

    tool: str
    version: str
    commands: dict[str, CommandSpec] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)  # name -> why it is not there

    def get(self, name: str) -> CommandSpec | None:
        return self.commands.get(name) or self.commands.get(name.lstrip(":"))

    def documented(self) -> list[CommandSpec]:
        return [c for c in self.commands.values() if c.documented]

    def to_json(self) -> dict:
        return {"format": FORMAT, "tool": self.tool, "version": self.version,
                "missing": self.missing,
                "commands": {n: c.to_json() for n, c in sorted(self.commands.items())}}

    @classmethod
    def from_json(cls, data: dict) -> "Catalog":
        if data.get("format") != FORMAT:
            raise ValueError(f"catalog format {data.get('format')} is not {FORMAT}")
        commands = {n: CommandSpec.from_json(dict(c)) for n, c in data["commands"].items()}
        return cls(data["tool"], data["version"], commands, dict(data.get("missing", {})))

    def save(self, path: Path) -> None:
        """Atomically: the TUI, `copilot serve` and a command may cache the same catalog at once."""
        from copilot.atomic import write_text_atomic

        write_text_atomic(path, json.dumps(self.to_json(), indent=1))

    @classmethod
    def load(cls, path: Path) -> "Catalog":
        return cls.from_json(json.loads(path.read_text(encoding="utf-8")))


def classify(name: str, rules: dict[str, list[str]]) -> str:
    """Kind of a command from glob rules in the profile (first matching kind wins, os first)."""
    for kind in ("os", "control", "modify", "read"):
        if any(fnmatch.fnmatchcase(name, pattern) for pattern in rules.get(kind, [])):
            return kind
    return "unknown"
