"""Classify a script as read-only, modifying, or blocked (it reaches the operating system)."""

from __future__ import annotations

from dataclasses import dataclass, field

from copilot.catalog.catalog import Catalog, classify
from copilot.checks.tcl_tree import TclTree
from copilot.diagnostics import Diagnostic

BLOCKED, MODIFYING, READ_ONLY = "blocked", "modifying", "read-only"


@dataclass
class SafetyReport:
    """What running the script would do, and the findings that say why."""

    level: str = READ_ONLY
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def blocked(self) -> bool:
        return self.level == BLOCKED


def assess_tcl(tree: TclTree, catalog: Catalog, rules: dict[str, list[str]],
               allowed: frozenset[str] = frozenset()) -> SafetyReport:
    """Commands that reach the OS are blocked (unless in `allowed`); design changes are marked."""
    report = SafetyReport()
    for use in tree.commands:
        if use.name in tree.procs:
            continue
        spec = catalog.get(use.name)
        kind = classify(use.name, rules)
        if kind == "unknown" and spec is not None:
            kind = spec.kind
        if kind == "os" and use.name not in allowed:
            report.level = BLOCKED
            report.diagnostics.append(Diagnostic(
                use.line, "error", f"'{use.name}' reaches the operating system; generated "
                                   f"scripts may not use it (blocked by policy)", "safety"))
        elif kind == "modify" or any(w.text in (">", ">>") for w in use.words if w.literal):
            if report.level != BLOCKED:
                report.level = MODIFYING
            what = "writes a file" if kind != "modify" else "changes the design or constraints"
            report.diagnostics.append(Diagnostic(use.line, "info", f"'{use.name}' {what}", "safety"))
    return report
