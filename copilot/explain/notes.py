"""Plain-language notes on commands (adapters/*descriptions.toml): what a command and its flags mean.

The catalog knows each command's usage from the live tool but not what the command is for;
these shipped notes add that sentence. Tcl built-ins are shared by every Tcl profile.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache

from copilot import resources


@dataclass(frozen=True)
class CommandNote:
    """What one command does and what its flags mean, with where that was written."""

    what: str
    flags: dict[str, str]
    source: str


@dataclass
class CommandNotes:
    """Notes for one tool: its own commands first, then Tcl's."""

    commands: dict[str, CommandNote] = field(default_factory=dict)
    common_flags: dict[str, str] = field(default_factory=dict)

    def get(self, name: str) -> CommandNote | None:
        return self.commands.get(name) or self.commands.get(name.lstrip(":"))

    def flag(self, command: str, flag: str) -> str:
        """The meaning of `flag` for `command` ('' when no note says)."""
        note = self.get(command)
        if note is not None and flag in note.flags:
            return note.flags[flag]
        if note is not None and note.source.startswith("Tcl"):
            return ""  # shared SDC flag notes do not apply to Tcl built-ins
        return self.common_flags.get(flag, "")


def _read(path) -> tuple[dict[str, CommandNote], dict[str, str]]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    source = data.get("source", path.name)
    commands = {name: CommandNote(entry["what"], dict(entry.get("flags", {})), source)
                for name, entry in data.get("commands", {}).items()}
    return commands, dict(data.get("flags", {}))


@lru_cache(maxsize=8)
def load_notes(tool: str, language: str = "tcl") -> CommandNotes:
    """Notes for `tool`: adapters/<tool>/descriptions.toml over the shared Tcl notes."""
    notes = CommandNotes()
    root = resources.data_dir("adapters")
    if language == "tcl" and (root / "tcl_descriptions.toml").is_file():
        notes.commands, _ = _read(root / "tcl_descriptions.toml")
    own = root / tool / "descriptions.toml"
    if own.is_file():
        commands, flags = _read(own)
        notes.commands.update(commands)
        notes.common_flags.update(flags)
    return notes
