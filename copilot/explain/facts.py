"""Deterministic facts about a Tcl script: what it loads, constrains, reports and writes."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from copilot.catalog.catalog import Catalog
from copilot.checks.tcl_tree import CommandUse
from copilot.explain.describe import _QUERIES, split_words

_LOADS = {"read_liberty": "Liberty", "read_verilog": "Verilog", "read_sdc": "SDC", "read_spef": "SPEF",
          "read_sdf": "SDF", "read_parasitics": "parasitics", "source": "Tcl", "builtin_source": "Tcl"}
_REPORTS = ("report_", "find_timing_paths", "sta::worst_slack", "check_setup")
_OS = {"exec", "open", "file", "cd", "socket", "exit", "glob", "eval", "uplevel"}


@dataclass
class ScriptFacts:
    """Counts and names, each list in first-seen order."""

    lines: int = 0
    commands: int = 0
    loads: list[str] = field(default_factory=list)
    constraints: Counter = field(default_factory=Counter)
    reports: Counter = field(default_factory=Counter)
    writes: list[str] = field(default_factory=list)
    objects: dict[str, list[str]] = field(default_factory=dict)
    procs: list[str] = field(default_factory=list)
    loops: int = 0
    os_commands: list[str] = field(default_factory=list)

    def add_object(self, kind: str, name: str) -> None:
        names = self.objects.setdefault(kind, [])
        if name not in names:
            names.append(name)

    def sentences(self) -> list[str]:
        """The facts as short sentences, most telling first."""
        out = []
        if self.loads:
            out.append("Loads " + ", ".join(self.loads[:6]) + (" ..." if len(self.loads) > 6 else "") + ".")
        if self.constraints:
            total = sum(self.constraints.values())
            out.append(f"Sets {total} constraint{'s' * (total != 1)}: " + _counted(self.constraints) + ".")
        if self.reports:
            out.append("Reports with " + _counted(self.reports) + ".")
        if self.writes:
            out.append("Writes " + ", ".join(self.writes[:5]) + ".")
        if self.procs:
            out.append("Defines the procedure" + ("s " if len(self.procs) > 1 else " ") + ", ".join(self.procs) + ".")
        if self.loops:
            out.append(f"Has {self.loops} loop{'s' * (self.loops != 1)}.")
        if self.objects:
            parts = [f"{kind} {', '.join(names[:8])}{' ...' if len(names) > 8 else ''}"
                     for kind, names in self.objects.items()]
            out.append("Names the " + "; the ".join(parts) + ".")
        if self.os_commands:
            out.append("Reaches the operating system with " + ", ".join(self.os_commands) + ".")
        return out


def _counted(counter: Counter) -> str:
    items = counter.most_common()
    shown = [f"{name}" + (f" x{n}" if n > 1 else "") for name, n in items[:6]]
    return ", ".join(shown) + (f" and {len(items) - 6} more commands" if len(items) > 6 else "")


def _object_words(use: CommandUse) -> list[str]:
    names, skip = [], False
    for word in use.words:
        if skip:
            skip = False
            continue
        if word.literal and word.text.startswith("-"):
            skip = word.text in ("-filter", "-hsc", "-of_objects")
            continue
        if word.literal:
            names.extend(word.text.split())
    return names


def gather_facts(uses: list[CommandUse], catalog: Catalog, text_lines: int) -> ScriptFacts:
    """Facts about the commands `uses` (top-level and nested) of a script of `text_lines` lines."""
    facts = ScriptFacts(lines=text_lines, commands=sum(1 for u in uses if not u.nested))
    for use in uses:
        name = use.name
        spec = catalog.get(name)
        if spec is None:  # unknown or missing commands are diagnostics, not facts
            continue
        if name in _LOADS:
            files = [w.text for w in use.words if not w.text.startswith("-")]
            facts.loads.append(f"{_LOADS[name]} {files[-1] if files else ''}".strip())
        elif name == "link_design":
            facts.loads.append(f"links the design {use.words[0].text}" if use.words else "links the design")
        elif name.startswith(_REPORTS):
            facts.reports[name] += 1
        elif name.startswith("write_"):
            files = [w.text for w in use.words if not w.text.startswith("-")]
            facts.writes.append(f"{name} {files[-1] if files else ''}".strip())
        elif (spec is not None and spec.kind == "modify") or name.startswith(("set_", "create_", "unset_", "group_path")):
            if name not in ("set", "current_design", "current_instance"):
                facts.constraints[name] += 1
        if name in _QUERIES:
            for obj in _object_words(use):
                facts.add_object(_QUERIES[name], obj)
        if name in ("create_clock", "create_generated_clock"):
            words = [w.text for w in use.words]
            if "-name" in words and words.index("-name") + 1 < len(words):
                facts.add_object("clocks", words[words.index("-name") + 1])
        if name == "proc" and use.words:
            facts.procs.append(use.words[0].text)
        if name in ("foreach", "for", "while", "lmap"):
            facts.loops += 1
        if name in _OS and name not in facts.os_commands:
            facts.os_commands.append(name)
        for word in use.words:
            if word.literal and word.text in (">", ">>"):
                idx = use.words.index(word)
                if idx + 1 < len(use.words):
                    facts.writes.append(f"{name} output to {use.words[idx + 1].text}")
    return facts

