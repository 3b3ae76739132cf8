"""The last word before a script reaches the user's own tool session.

Every entry point that runs a script in the user's session (`copilot shell`, the TUI, the
Python plugin; copilot.tcl mirrors it in Tcl) asks `decide`, so the rule is written once:

- blocked (reaches the OS), or a level nobody checked: never run;
- modifying: run only after the user types `yes`, unless --allow-modify was given with --yes;
- read-only: run without asking only with --yes and when the checks passed.

`static_safety` re-checks the exact text about to run (no model, no tool, no catalog), so a
label that came over a socket or from a cache can only make the decision stricter.
"""

from __future__ import annotations

from copilot.checks.safety import BLOCKED, MODIFYING, READ_ONLY, SafetyReport

RUN, ASK, ASK_TYPED, REFUSE = "run", "ask", "ask-typed", "refuse"
_ORDER = {READ_ONLY: 0, MODIFYING: 1, BLOCKED: 2}


def decide(level: str, valid: bool, yes: bool = False, allow_modify: bool = False) -> str:
    """What to do with a script of this safety level: run, ask, ask for a typed yes, refuse."""
    if level not in (READ_ONLY, MODIFYING):
        return REFUSE
    if level == MODIFYING:
        return RUN if (yes and allow_modify and valid) else ASK_TYPED
    return RUN if (yes and valid) else ASK


def stricter(a: str, b: str) -> str:
    """The stricter of two levels; anything unknown counts as blocked."""
    return max(a, b, key=lambda level: _ORDER.get(level, 3))


def static_safety(script: str, profile) -> SafetyReport:
    """The safety level of `script` for a tool profile, from its text alone."""
    from copilot.catalog.catalog import Catalog
    from copilot.catalog.introspect import classification_rules

    rules = classification_rules(profile.commands)
    if profile.language == "python":
        from copilot.checks.python_checks import check_python

        return check_python(script, rules)[1]
    from copilot.checks.safety import assess_tcl
    from copilot.checks.tcl_tree import parse_tcl

    return assess_tcl(parse_tcl(script), Catalog(profile.name, ""), rules)
