"""Checks for a Python script meant for a Python tool shell: syntax and safety.

The Tcl checks (tree-sitter, catalog lint) do not apply; what matters before a Python script
runs inside the user's tool is that it parses, and whether it reaches the operating system
(blocked) or changes the design (modifying, from the profile's command rules). A tool's
namespace may already hold `os` or `subprocess`, so using them is blocked without an import
too; Tcl handed to the tool (`evalTclString("...")`) gets the Tcl checks.
"""

from __future__ import annotations

import ast

from copilot.catalog.catalog import classify
from copilot.checks.policy import ALLOW, TEAM, matches
from copilot.checks.safety import POLICY, SafetyReport
from copilot.diagnostics import Diagnostic

# Modules and builtins that reach files, processes, the network or the interpreter itself.
OS_MODULES = {"os", "subprocess", "shutil", "socket", "sys", "pathlib", "ctypes", "importlib",
              "multiprocessing", "threading", "signal", "urllib", "http", "ftplib", "smtplib",
              "tempfile", "glob", "io", "pickle", "shelve", "builtins", "requests", "pty"}
# Used without an import (the tool's namespace may hold them); names common as variables left out.
OS_NAMES = OS_MODULES - {"io", "signal", "glob", "http", "threading"}
OS_CALLS = {"open", "exec", "eval", "compile", "__import__", "input", "breakpoint", "exit",
            "quit", "globals", "locals", "vars", "getattr", "setattr", "delattr"}
# Methods that act on processes or files whatever object they are reached through.
OS_METHODS = {"system", "popen", "Popen", "rmtree", "unlink", "rmdir", "removedirs", "killpg",
              "fork", "forkpty", "execv", "execve", "execvp", "execvpe", "execl", "execle",
              "execlp", "spawnv", "spawnl", "spawnvp", "posix_spawn", "check_output",
              "check_call", "getoutput", "getstatusoutput", "write_text", "write_bytes",
              "chmod", "chown", "symlink", "startfile"}
TCL_EVAL = {"evalTclString"}  # hands Tcl to the tool: checked as Tcl


def _called_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _dotted(node: ast.AST) -> str:
    """`os.path.join` for an attribute chain on a name; "" for anything else."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return ""
    return ".".join([node.id, *reversed(parts)])


def _reason(node: ast.AST, rules: dict[str, list[str]]) -> str:
    """Why this node reaches the OS or the interpreter ("" when it does not)."""
    team = rules.get(TEAM, [])
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
            [node.module or ""] + [f"{node.module}.{a.name}" for a in node.names]
        hit = next((n for n in names if n.split(".")[0] in OS_MODULES or matches([n], team)), "")
        return f"imports '{hit}', which reaches the operating system" if hit else ""
    if isinstance(node, ast.Call):
        name, dotted = _called_name(node), _dotted(node.func)
        if isinstance(node.func, ast.Name) and name in OS_CALLS:
            return f"calls '{name}', which reaches the operating system or the interpreter"
        if isinstance(node.func, ast.Attribute) and name in OS_METHODS:
            return f"calls '{dotted or name}', which acts on files or processes"
        if matches([n for n in (dotted, name) if n], team):
            return f"calls '{dotted or name}', which the team policy blocks"
    if isinstance(node, ast.Attribute):
        if node.attr.startswith("__"):
            return f"uses '{node.attr}' (interpreter internals)"
        if isinstance(node.value, ast.Name) and node.value.id in OS_NAMES:
            return f"uses '{node.value.id}.{node.attr}', which reaches the operating system"
    if isinstance(node, ast.Name) and node.id.startswith("__"):
        return f"uses '{node.id}' (interpreter internals)"
    return ""


def _allowed(node: ast.AST, rules: dict[str, list[str]]) -> bool:
    """The team policy lets this import or call through (it still needs confirmation)."""
    allow = rules.get(ALLOW, [])
    if not allow:
        return False
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
        return all(matches([n], allow) for n in names)
    if isinstance(node, ast.Call):
        return matches(_prefixes(_dotted(node.func)) + [_called_name(node)], allow)
    if isinstance(node, ast.Attribute):
        return matches(_prefixes(_dotted(node)) + [node.attr], allow)
    return False


def _prefixes(dotted: str) -> list[str]:
    """`os.path.join` -> os, os.path, os.path.join: allowing a module allows what is in it."""
    parts = dotted.split(".") if dotted else []
    return [".".join(parts[:n]) for n in range(1, len(parts) + 1)]


def _tcl_findings(node: ast.Call, rules: dict[str, list[str]]) -> list[Diagnostic]:
    """Tcl handed to the tool: a literal string gets the Tcl safety checks, anything else is blocked."""
    from copilot.catalog.catalog import Catalog
    from copilot.checks.safety import assess_tcl
    from copilot.checks.tcl_tree import parse_tcl

    arg = node.args[0] if node.args else None
    if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
        return [Diagnostic(node.lineno, "error", f"'{_called_name(node)}' runs Tcl built at run "
                                                 f"time, which cannot be checked; {POLICY}", "safety")]
    report = assess_tcl(parse_tcl(arg.value), Catalog("tcl", ""), rules)
    return [Diagnostic(node.lineno, d.severity, f"in the Tcl it runs: {d.message}", "safety")
            for d in report.diagnostics]


def check_python(script: str, rules: dict[str, list[str]]) -> tuple[list[Diagnostic], SafetyReport]:
    """Syntax errors, and the safety level with the findings that set it."""
    try:
        tree = ast.parse(script)
    except (SyntaxError, ValueError) as exc:  # ValueError: a NUL byte in the source
        line = getattr(exc, "lineno", None) or 1
        return [Diagnostic(line, "error", f"SyntaxError: {getattr(exc, 'msg', exc)}", "check")], SafetyReport()
    diags: list[Diagnostic] = []
    if not tree.body:
        diags.append(Diagnostic(0, "error", "the script runs no statement", "check"))
    report = SafetyReport()
    for node in ast.walk(tree):
        reason = _reason(node, rules)
        if reason and _allowed(node, rules):
            report.modifies(node.lineno, f"{reason} (allowed by the team policy; it runs only "
                                         f"after you confirm)")
        elif reason:
            report.block(node.lineno, f"{reason}; {POLICY}")
        elif isinstance(node, ast.Call):
            if _called_name(node) in TCL_EVAL:
                for d in _tcl_findings(node, rules):
                    (report.block if d.severity == "error" else report.modifies)(d.line, d.message)
            if classify(_called_name(node), rules) == "modify":
                report.modifies(node.lineno, f"'{_called_name(node)}' changes the design")
    return diags + report.diagnostics, report
