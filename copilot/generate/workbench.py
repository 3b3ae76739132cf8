"""Everything a candidate script is checked against: catalog, design, safety, a scratch tool."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from copilot.catalog.catalog import Catalog
from copilot.checks.design import DesignFacts
from copilot.checks.lint import lint_tcl
from copilot.checks.safety import SafetyReport, assess_tcl
from copilot.checks.tcl_tree import parse_tcl
from copilot.diagnostics import Diagnostic
from copilot.shells.result import RunResult


@dataclass
class CheckReport:
    """Static findings for one script."""

    diagnostics: list[Diagnostic]
    safety: SafetyReport

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]


@dataclass
class Workbench:
    """The catalog and rules for checks and, with a setup, a scratch session to try scripts in.

    The scratch session is never the user's: a candidate that changes constraints is
    followed by a restart, so the next candidate sees the design exactly as set up.
    """

    catalog: Catalog
    rules: dict[str, list[str]]
    session: object | None = None
    design: DesignFacts | None = None
    allowed_os: frozenset[str] = field(default_factory=frozenset)
    language: str = "tcl"  # a Python tool's scripts get Python checks (checks/python_checks.py)

    def check(self, script: str) -> CheckReport:
        if self.language == "python":
            from copilot.checks.python_checks import check_python

            diags, safety = check_python(script, self.rules)
            return CheckReport(sorted(diags, key=lambda d: d.line), safety)
        tree = parse_tcl(script)
        safety = assess_tcl(tree, self.catalog, self.rules, self.allowed_os)
        diags = list(tree.syntax)
        if not tree.commands and not tree.syntax:
            diags.append(Diagnostic(0, "error", "the script runs no command", "check"))
        if not tree.syntax:
            diags += lint_tcl(tree, self.catalog, self.design)
        diags += safety.diagnostics
        diags.sort(key=lambda d: d.line)
        return CheckReport(diags, safety)

    def trial(self, script: str, modifying: bool) -> RunResult | None:
        """Run a checked script in the scratch session (None when there is no session)."""
        if self.session is None:
            return None
        result = self.session.run_script(script)
        if modifying and result.status == "ok":
            self.session.restart()
        return result

    def close(self) -> None:
        if self.session is not None:
            self.session.close()


def open_workbench(app, tool: str, setup: Path | None) -> Workbench:
    """Start a scratch session with `setup` loaded (if any) and read catalog and design."""
    from copilot.catalog import load_catalog
    from copilot.catalog.introspect import classification_rules
    from copilot.checks.design import read_design
    from copilot.shells.factory import open_session
    from copilot.shells.profile import load_profile

    profile = load_profile(tool, app.locations)
    rules = classification_rules(profile.commands)
    if setup is None:
        return Workbench(load_catalog(app, tool), rules, language=profile.language)
    session = open_session(app, profile)
    try:
        session.load_setup(setup)
        catalog = load_catalog(app, tool, session=session)
        design = read_design(session)
    except Exception:
        session.close()
        raise
    return Workbench(catalog, rules, session, design, language=profile.language)
