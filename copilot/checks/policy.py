"""The safety policy: what generated scripts may not use, shipped defaults plus a team's file.

The shipped rules (adapters/commands.toml, `os`) block everything that reaches the operating
system. A team adds to them, or lets some through, with a TOML file (`safety.toml` in the
config dir, or the file `COPILOT_SAFETY_POLICY` names, e.g. on a shared disk):

    blocked = ["write_verilog", "report_*_to_file"]   # also refused in generated scripts
    allowed = ["file join", "file tail"]              # shipped-blocked, let through (still confirmed)
    note = "ask #sta-help before writing netlists"    # shown with the team's blocks

    [tools.opensta]                                   # only for one tool profile
    blocked = ["write_sdc"]

Patterns are globs on a command name (Tcl) or module/call name (Python: `os.system`,
`subprocess`, `shutil.rmtree`); `NAME SUB` matches an ensemble's subcommand (`file delete`).
An allowed command is never run unasked: it counts as modifying, so it needs confirmation.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from pathlib import Path

from copilot.errors import UsageError
from copilot.input_files import read_toml

# Keys the policy adds to a profile's command rules (see catalog.introspect.classification_rules).
TEAM, ALLOW, NOTE = "team", "allow", "team_note"

# Why each shipped-blocked command is refused, in the user's terms.
REASONS = {
    "exec": "runs another program", "open": "opens files, or a pipe to a program with \"|...\"",
    "socket": "opens a network connection", "file": "reads, writes or deletes files",
    "cd": "changes the working directory of your session", "pwd": "reads the working directory",
    "source": "runs another script file that was not checked",
    "builtin_source": "runs another script file that was not checked",
    "load": "loads a shared library into your tool", "unload": "unloads a library from your tool",
    "glob": "lists files", "exit": "ends your tool session",
    "eval": "runs text as code, unchecked", "subst": "runs commands inside text, unchecked",
    "uplevel": "runs text as code in another scope, unchecked", "apply": "runs text as code, unchecked",
    "interp": "creates interpreters or aliases commands", "rename": "renames or deletes commands of your session",
    "namespace": "runs code in namespaces or changes command resolution",
    "trace": "runs code when variables or commands are used", "after": "runs code later, in the background",
    "vwait": "waits on the event loop", "update": "runs pending events", "package": "loads packages",
    "auto_execok": "looks up programs to run", "auto_load": "loads code on demand",
    "chan": "reads or writes channels", "fconfigure": "reconfigures channels",
    "fcopy": "copies between channels", "close": "closes channels", "read": "reads channels",
    "gets": "reads a channel (and can wait on your terminal)", "history": "replays command history",
    "zlib": "streams compressed channels", "encoding": "changes the system encoding",
    "coroutine": "runs code as a coroutine", "tailcall": "replaces the running command",
    "yield": "switches coroutines", "yieldto": "switches coroutines",
    "upvar": "links variables of other scopes", "clock": "reads the clock (and can format with code)",
}


@dataclass(frozen=True)
class SafetyPolicy:
    """A team's additions to the shipped rules, and where they came from."""

    blocked: tuple[str, ...] = ()
    allowed: tuple[str, ...] = ()
    note: str = ""
    path: str = ""
    tools: dict[str, "SafetyPolicy"] = field(default_factory=dict)

    def for_tool(self, tool: str) -> "SafetyPolicy":
        """The policy for one tool: the file's top level plus its [tools.NAME] table."""
        extra = self.tools.get(tool)
        if extra is None:
            return self
        return SafetyPolicy(self.blocked + extra.blocked, self.allowed + extra.allowed,
                            extra.note or self.note, self.path)

    def rules(self, tool: str) -> dict[str, list[str]]:
        """The command rules this policy adds for `tool` (merged ahead of the shipped ones)."""
        mine = self.for_tool(tool)
        if not (mine.blocked or mine.allowed):
            return {}
        note = f"team policy {mine.path}" + (f": {mine.note}" if mine.note else "")
        return {"os": list(mine.blocked), TEAM: list(mine.blocked), ALLOW: list(mine.allowed),
                NOTE: [note]}


def _patterns(table: dict, key: str, where: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise UsageError(f"safety policy {where}: '{key}' must be a list of command names or "
                         f"glob patterns, e.g. {key} = [\"write_verilog\"]; fix it.")
    return tuple(v.strip() for v in value)


def _table(data: dict, where: str) -> SafetyPolicy:
    unknown = sorted(set(data) - {"blocked", "allowed", "note", "tools"})
    if unknown:
        raise UsageError(f"safety policy {where}: unknown key(s) {', '.join(unknown)}; "
                         f"known: blocked, allowed, note, [tools.NAME].")
    note = data.get("note", "")
    if not isinstance(note, str):
        raise UsageError(f"safety policy {where}: 'note' must be a string; fix it.")
    return SafetyPolicy(_patterns(data, "blocked", where), _patterns(data, "allowed", where),
                        note.strip(), where)


def read_policy(path: Path | None) -> SafetyPolicy:
    """The team policy in `path`; none (the shipped rules only) when there is no such file."""
    if path is None or not path.is_file():
        return SafetyPolicy()
    data = read_toml(path, "safety policy")
    policy = _table(data, str(path))
    tools = data.get("tools", {})
    if not isinstance(tools, dict) or not all(isinstance(t, dict) for t in tools.values()):
        raise UsageError(f"safety policy {path}: 'tools' must hold tables, e.g. [tools.opensta]; fix it.")
    per_tool = {}
    for name, table in tools.items():
        if "tools" in table:
            raise UsageError(f"safety policy {path}: [tools.{name}] cannot hold more tools; fix it.")
        per_tool[name] = _table(table, f"{path} [tools.{name}]")
    return SafetyPolicy(policy.blocked, policy.allowed, policy.note, str(path), per_tool)


def matches(names: list[str], patterns: list[str]) -> bool:
    """Whether any of `names` (a command, or `command sub`) matches any glob in `patterns`."""
    return any(fnmatch.fnmatchcase(n, p) for n in names for p in patterns)


def block_reason(name: str, sub: str, rules: dict[str, list[str]]) -> str:
    """Why `name` (with its first argument `sub`) is refused, for a diagnostic."""
    names = [f"{name} {sub}", name] if sub else [name]
    if matches(names, rules.get(TEAM, [])):
        return (rules.get(NOTE) or ["team policy"])[0]
    if name == "open" and sub.startswith("|"):
        return "opens a pipe to another program"
    if name == "file" and sub in ("delete", "rename", "copy", "mkdir", "link", "attributes"):
        return f"'file {sub}' changes files on disk"
    return REASONS.get(name, "reaches outside the tool")
