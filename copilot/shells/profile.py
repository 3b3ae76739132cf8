"""Tool profiles: how to start a tool, read its prompt, errors, warnings and commands."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from copilot import resources
from copilot.errors import UsageError


@dataclass(frozen=True)
class ToolProfile:
    """One tool, as described by adapters/<name>/profile.toml."""

    name: str
    description: str
    language: str
    executable: str
    args: tuple[str, ...]
    prompt: str
    source_command: str
    folder: Path
    env: dict[str, str] = field(default_factory=dict)
    version_command: str = ""
    help_command: str = ""
    error_patterns: tuple[str, ...] = ()
    warning_patterns: tuple[str, ...] = ()
    missing: dict[str, str] = field(default_factory=dict)
    demo_setup: str = ""
    install_hint: str = ""
    design_query: str = ""  # Tcl file printing the design's objects (see checks/design.py)
    executable_setting: str = ""  # a Settings field that overrides `executable`

    def error_regexes(self) -> list[re.Pattern[str]]:
        return [re.compile(p) for p in self.error_patterns]

    def warning_regexes(self) -> list[re.Pattern[str]]:
        return [re.compile(p) for p in self.warning_patterns]

    def demo_setup_path(self) -> Path | None:
        return self.folder / self.demo_setup if self.demo_setup else None

    def design_query_path(self) -> Path | None:
        return self.folder / self.design_query if self.design_query else None

    def executable_for(self, settings) -> str:
        """The executable to start: the profile's, unless a setting names another."""
        if self.executable_setting:
            return getattr(settings, self.executable_setting) or self.executable
        return self.executable


_LISTS = ("args", "error_patterns", "warning_patterns")


def load_profile(name: str) -> ToolProfile:
    """Load a shipped profile by tool name, or say which ones exist."""
    known = resources.adapter_names()
    if not name or name not in known:
        raise UsageError(
            f"unknown tool '{name}'; known tools: {', '.join(known)} "
            f"(add one as adapters/<name>/profile.toml)."
        )
    path = resources.data_file("adapters", name, "profile.toml")
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    for key in _LISTS:
        data[key] = tuple(data.get(key, ()))
    return ToolProfile(folder=path.parent, **data)
