"""Tool profiles: how to start a tool, read its prompt, errors, warnings and commands.

Profiles are data: adapters/<name>/profile.toml ships with the copilot, and a user's
<config dir>/adapters/<name>/profile.toml adds a new tool or overrides keys of a shipped one
(e.g. `enabled = true` and the executable of a documented OpenROAD profile).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from copilot import resources
from copilot.errors import UsageError
from copilot.input_files import read_toml

SESSION_KINDS = ("tcl", "tcl-batch", "python")
INTERRUPT_MODES = ("signal", "restart")


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
    # -- adapter contract (see copilot/shells/base.py) -------------------------------------
    session: str = "tcl"  # which adapter drives it: tcl | tcl-batch | python
    enabled: bool = True  # documented-only profiles ship disabled until a user enables them
    prompt_regex: str = ""  # when the prompt changes (`tempus 3> `): a regex used instead
    init_commands: tuple[str, ...] = ()  # sent at the prompt after start-up, before the runtime
    interrupt: str = "signal"  # Ctrl-C: 'signal' forwards SIGINT; 'restart' (tool dies on it)
    shell_args: tuple[str, ...] | None = None  # args for `copilot shell` when not `args`
    commands: dict[str, list[str]] = field(default_factory=dict)  # read/modify/os/control globs
    stubs: str = ""  # Python API stub (.pyi) describing a Python tool's commands
    version_args: tuple[str, ...] = ()  # flags that print the version and exit (batch tools)
    origin: str = ""  # the profile file(s) this was read from

    def error_regexes(self) -> list[re.Pattern[str]]:
        return [re.compile(p) for p in self.error_patterns]

    def warning_regexes(self) -> list[re.Pattern[str]]:
        return [re.compile(p) for p in self.warning_patterns]

    def prompt_pattern(self) -> re.Pattern[str]:
        """The prompt as a regex (the literal prompt unless `prompt_regex` is set)."""
        return re.compile(self.prompt_regex or re.escape(self.prompt))

    def interactive_args(self) -> tuple[str, ...]:
        return self.args if self.shell_args is None else self.shell_args

    def demo_setup_path(self) -> Path | None:
        return self.folder / self.demo_setup if self.demo_setup else None

    def design_query_path(self) -> Path | None:
        return self.folder / self.design_query if self.design_query else None

    def stubs_path(self) -> Path | None:
        return self.folder / self.stubs if self.stubs else None

    def executable_for(self, settings) -> str:
        """The executable to start: the profile's, unless a setting names another."""
        if self.executable_setting:
            return getattr(settings, self.executable_setting) or self.executable
        return self.executable


_LISTS = ("args", "error_patterns", "warning_patterns", "init_commands", "shell_args",
          "version_args")
_KEYS = {f.name for f in fields(ToolProfile)} - {"folder", "origin"}
_REQUIRED = ("name", "description", "language", "executable", "args", "prompt", "source_command")


def _user_root(locations) -> Path | None:
    return locations.user_adapters_dir if locations is not None else None


def profile_names(locations=None, enabled_only: bool = False) -> list[str]:
    """Every profile: shipped ones plus the user's (optionally only the enabled ones)."""
    names = set(resources.adapter_names())
    root = _user_root(locations)
    if root is not None and root.is_dir():
        names |= {p.parent.name for p in root.glob("*/profile.toml")}
    if not enabled_only:
        return sorted(names)
    return sorted(n for n in names if _read_merged(n, locations)[0].get("enabled", True))


def _read_toml(path: Path) -> dict[str, Any]:
    data = read_toml(path, "tool profile")
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise UsageError(f"tool profile {path}: unknown key(s) {', '.join(unknown)}; "
                         f"known keys: {', '.join(sorted(_KEYS))}.")
    return data


def _read_merged(name: str, locations) -> tuple[dict[str, Any], Path, list[Path]]:
    """The profile's keys (shipped, then the user's on top), its folder and the files read."""
    data: dict[str, Any] = {}
    folder: Path | None = None
    read: list[Path] = []
    if name in resources.adapter_names():
        path = resources.data_file("adapters", name, "profile.toml")
        data.update(_read_toml(path))
        folder = path.parent
        read.append(path)
    root = _user_root(locations)
    user = root / name / "profile.toml" if root is not None else None
    if user is not None and user.is_file():
        data.update(_read_toml(user))
        folder = folder or user.parent  # a shipped tool keeps its data files
        read.append(user)
    return data, folder or Path("."), read


def load_profile(name: str, locations=None) -> ToolProfile:
    """Load a profile by tool name (the user's adapters folder first), or say which exist."""
    known = profile_names(locations)
    if not name or name not in known:
        where = (f"{locations.user_adapters_dir}/<name>/profile.toml" if locations is not None
                 else "adapters/<name>/profile.toml")
        raise UsageError(f"unknown tool '{name}'; known tools: {', '.join(known)} "
                         f"(add one as {where}; see docs/shell.md).")
    data, folder, read = _read_merged(name, locations)
    origin = " + ".join(str(p) for p in read)
    missing = [k for k in _REQUIRED if k not in data]
    if missing:
        raise UsageError(f"tool profile {origin} lacks {', '.join(missing)}; add them (see docs/shell.md).")
    if not data.get("enabled", True):
        user = f"{locations.user_adapters_dir}/{name}/profile.toml" if locations is not None else \
            f"<config dir>/adapters/{name}/profile.toml"
        raise UsageError(f"tool profile '{name}' ships disabled (documented, not tested here); "
                         f"check its prompt and executable, then put `enabled = true` in {user}.")
    if data.get("session", "tcl") not in SESSION_KINDS:
        raise UsageError(f"tool profile {origin}: session must be one of {', '.join(SESSION_KINDS)}.")
    if data.get("interrupt", "signal") not in INTERRUPT_MODES:
        raise UsageError(f"tool profile {origin}: interrupt must be one of {', '.join(INTERRUPT_MODES)}.")
    for key in _LISTS:
        if key in data and data[key] is not None:
            data[key] = tuple(data[key])
    if locations is not None:  # the team's safety policy joins the profile's command rules
        from copilot.checks.policy import read_policy

        commands = {kind: list(p) for kind, p in data.get("commands", {}).items()}
        for kind, patterns in read_policy(locations.safety_policy_file).rules(name).items():
            commands[kind] = patterns + commands.get(kind, [])
        data["commands"] = commands
    for pattern in (*data.get("error_patterns", ()), *data.get("warning_patterns", ()),
                    data.get("prompt_regex", "")):
        try:
            re.compile(pattern)
        except re.error as exc:
            raise UsageError(f"tool profile {origin}: bad regex {pattern!r} ({exc}); fix it.") from None
    return ToolProfile(folder=folder, origin=origin, **data)
