"""Python scripts: syntax checked with compile(), an outline of top-level statements, risky calls.

Command-level explanations need a tool catalog, which exists for Tcl tools only; a Python
script gets what can be said without one, and the summary says so.
"""

from __future__ import annotations

import ast

from copilot.diagnostics import Diagnostic
from copilot.explain.result import ExplainedLine, Explanation

NOTE = ("Python scripts get a syntax check and an outline of their top-level statements; "
        "command-by-command explanations cover Tcl and SDC scripts.")
_RISKY = {"os.system": "runs a shell command", "os.popen": "runs a shell command",
          "subprocess.run": "runs a program", "subprocess.call": "runs a program",
          "subprocess.Popen": "runs a program", "subprocess.check_output": "runs a program",
          "shutil.rmtree": "deletes a folder tree", "os.remove": "deletes a file",
          "eval": "evaluates text as code", "exec": "executes text as code"}
SOURCE = "Python syntax (compile)"


def looks_like_python(text: str, suffix: str) -> bool:
    first = text.lstrip().split("\n", 1)[0]
    return suffix == ".py" or (first.startswith("#!") and "python" in first)


def _call_name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _call_name(node.value)
        return f"{base}.{node.attr}" if base else node.attr
    return ""


def _statement(node: ast.stmt) -> str:
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        names = ", ".join(a.name for a in node.names)
        where = f" from {node.module}" if isinstance(node, ast.ImportFrom) and node.module else ""
        return f"Imports {names}{where}."
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        args = ", ".join(a.arg for a in node.args.args)
        doc = ast.get_docstring(node)
        return f"Defines the function {node.name}({args})" + (f": {doc.splitlines()[0]}" if doc else ".")
    if isinstance(node, ast.ClassDef):
        return f"Defines the class {node.name}."
    if isinstance(node, ast.Assign):
        targets = ", ".join(ast.unparse(t) for t in node.targets)
        value = node.value
        what = f"the result of {_call_name(value.func)}(...)" if isinstance(value, ast.Call) else ast.unparse(value)[:60]
        return f"Sets {targets} to {what}."
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        return f"Calls {_call_name(node.value.func) or 'a function'}."
    if isinstance(node, ast.If) and "__name__" in ast.unparse(node.test):
        return "Runs the following when the file is executed as a program."
    kind = type(node).__name__.lower()
    return {"for": "Loops over items.", "while": "Loops while a condition holds.",
            "with": "Runs a block with a context manager.", "try": "Runs a block and handles its errors.",
            "if": "Runs a block when a condition holds."}.get(kind, f"A {kind} statement.")


def explain_python(text: str, name: str) -> Explanation:
    """Syntax diagnostics, one line per top-level statement, and risky calls anywhere."""
    diagnostics: list[Diagnostic] = []
    lines: list[ExplainedLine] = []
    source_lines = text.split("\n")
    try:
        compile(text, name, "exec")
        tree = ast.parse(text)
    except SyntaxError as exc:
        diagnostics.append(Diagnostic(exc.lineno or 0, "error", f"python syntax: {exc.msg}", "syntax"))
        summary = f"A {len(text.splitlines())}-line Python script that does not compile. {NOTE}"
        return Explanation(name, "python", summary, lines, diagnostics)
    for node in tree.body:
        code = source_lines[node.lineno - 1].strip()
        lines.append(ExplainedLine(node.lineno, code, _statement(node), [SOURCE], node.end_lineno or node.lineno))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            called = _call_name(node.func)
            if called in _RISKY:
                diagnostics.append(Diagnostic(node.lineno, "warning", f"'{called}' {_RISKY[called]}", "safety"))
    diagnostics.sort(key=lambda d: d.line)
    imports = [l.explanation for l in lines if l.explanation.startswith("Imports")]
    functions = [l.code for l in lines if l.code.startswith(("def ", "async def "))]
    parts = [f"A {len(text.splitlines())}-line Python script with {len(tree.body)} top-level statements."]
    if imports:
        parts.append(f"It has {len(imports)} import statement{'s' * (len(imports) != 1)}.")
    if functions:
        parts.append(f"It defines {len(functions)} function{'s' * (len(functions) != 1)}.")
    parts.append(NOTE)
    return Explanation(name, "python", " ".join(parts), lines, diagnostics)
