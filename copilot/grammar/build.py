"""Build a GBNF grammar from the catalog: only real commands, real flags, enumerated values.

Grammars slow decoding (every token is checked against them), so a grammar can be limited
to the commands retrieval picked for a request; results are cached by their text.
"""

from __future__ import annotations

import re
from typing import Iterable

from copilot import resources
from copilot.catalog.catalog import Catalog
from copilot.catalog.spec import CommandSpec


def _rule_name(command: str) -> str:
    return "cmd-" + re.sub(r"[^a-zA-Z0-9]+", "-", command).strip("-").lower()


def _literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def command_rule(spec: CommandSpec) -> str:
    """`cmd-x ::= "x" (" " arg)*` where each arg is a known flag (with its value) or a value."""
    args = []
    for flag in sorted(spec.flags.values(), key=lambda f: f.name):
        if flag.choices and flag.value != "list":
            args.append(f'{_literal(flag.name + " ")} ({" | ".join(_literal(c) for c in flag.choices)})')
        elif flag.takes_value:
            args.append(f'{_literal(flag.name + " ")} value')
        else:
            args.append(_literal(flag.name))
    args.append("value")
    return f'{_rule_name(spec.name)} ::= {_literal(spec.name)} (" " ({" | ".join(args)}))*'


def build_grammar(catalog: Catalog, commands: Iterable[str] | None = None,
                  procs: Iterable[str] = ()) -> str:
    """The full grammar text: the shared Tcl base plus the tool's commands (or a subset)."""
    base = resources.read_text("grammars", "tcl_base.gbnf")
    names = sorted(set(commands) if commands is not None else {c.name for c in catalog.documented()})
    specs = [catalog.commands[n] for n in names if n in catalog.commands and n not in catalog.missing]
    if not specs:
        specs = [c for c in catalog.documented() if c.name not in catalog.missing]
    rules = [command_rule(s) for s in specs]
    tool = "tool-cmd ::= " + " | ".join(_rule_name(s.name) for s in specs)
    user = "user-cmd ::= " + (" | ".join(f'{_literal(p)} (" " value)*' for p in sorted(procs))
                              if procs else '"sta::worst_slack" (" " value)*')
    return "\n".join([base.rstrip(), tool, user, *rules]) + "\n"


def check_grammar(text: str, timeout: float = 60.0) -> str | None:
    """Compile a grammar in a child process (a bad grammar can crash llama.cpp); None if fine."""
    import subprocess
    import sys

    # llama.cpp reports parse errors on stderr and may still return a grammar object, so the
    # child's stderr is the verdict as much as its exit code.
    code = ("import sys, llama_cpp\n"
            "g = llama_cpp.LlamaGrammar.from_string(sys.stdin.read(), verbose=False)\n"
            "print('ok' if g is not None else 'none')\n")
    proc = subprocess.run([sys.executable, "-c", code], input=text, capture_output=True,
                          text=True, timeout=timeout)
    problems = [l for l in proc.stderr.splitlines() if "error" in l.lower()]
    if proc.returncode == 0 and proc.stdout.strip() == "ok" and not problems:
        return None
    return (problems or proc.stderr.strip().splitlines() or [f"exit code {proc.returncode}"])[0]
