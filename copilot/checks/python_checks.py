"""Checks for a Python script meant for a Python tool shell: syntax and safety.

The Tcl checks (tree-sitter, catalog lint) do not apply; what matters before a Python script
runs inside the user's tool is that it parses, and whether it reaches the operating system
(blocked) or changes the design (modifying, from the profile's command rules).
"""

from __future__ import annotations

import ast

from copilot.catalog.catalog import classify
from copilot.checks.safety import BLOCKED, MODIFYING, SafetyReport
from copilot.diagnostics import Diagnostic

# Modules and builtins that reach files, processes, the network or the interpreter itself.
OS_MODULES = {"os", "subprocess", "shutil", "socket", "sys", "pathlib", "ctypes", "importlib",
              "multiprocessing", "threading", "signal", "urllib", "http", "ftplib", "smtplib",
              "tempfile", "glob", "io", "pickle", "shelve", "builtins", "requests", "pty"}
OS_CALLS = {"open", "exec", "eval", "compile", "__import__", "input", "breakpoint", "exit",
            "quit", "globals", "locals", "vars", "getattr", "setattr", "delattr"}


def _called_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def check_python(script: str, rules: dict[str, list[str]]) -> tuple[list[Diagnostic], SafetyReport]:
    """Syntax errors, and the safety level with the findings that set it."""
    try:
        tree = ast.parse(script)
    except SyntaxError as exc:
        return [Diagnostic(exc.lineno or 1, "error", f"SyntaxError: {exc.msg}", "check")], SafetyReport()
    diags: list[Diagnostic] = []
    if not tree.body:
        diags.append(Diagnostic(0, "error", "the script runs no statement", "check"))
    report = SafetyReport()
    for node in ast.walk(tree):
        reason = ""
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            hit = next((n for n in names if n.split(".")[0] in OS_MODULES), "")
            reason = f"imports '{hit}', which reaches the operating system" if hit else ""
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in OS_CALLS:
            reason = f"calls '{node.func.id}', which reaches the operating system or the interpreter"
        elif isinstance(node, ast.Attribute) and node.attr.startswith("__"):
            reason = f"uses '{node.attr}' (interpreter internals)"
        if reason:
            report.level = BLOCKED
            report.diagnostics.append(Diagnostic(node.lineno, "error",
                                                 f"{reason}; generated scripts may not (blocked by policy)",
                                                 "safety"))
        elif isinstance(node, ast.Call) and classify(_called_name(node), rules) == "modify":
            if report.level != BLOCKED:
                report.level = MODIFYING
            report.diagnostics.append(Diagnostic(node.lineno, "info",
                                                 f"'{_called_name(node)}' changes the design", "safety"))
    return diags + report.diagnostics, report
