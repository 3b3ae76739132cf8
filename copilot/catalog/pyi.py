"""Catalog entries for a Python tool from its API stub (a .pyi file shipped with the profile).

A Python tool's REPL has no `help` listing to introspect; the profile's stub names the
functions and methods the copilot may use, with their parameters. Functions become commands
named as they are called (`evalTclString`, `Design.readDef`); keyword-only parameters become
flags, the others positionals.
"""

from __future__ import annotations

import ast
from pathlib import Path

from copilot.catalog.catalog import Catalog, classify
from copilot.catalog.spec import CommandSpec, FlagSpec


def _spec(name: str, fn: ast.FunctionDef, rules: dict[str, list[str]]) -> CommandSpec:
    args = [a.arg for a in fn.args.posonlyargs + fn.args.args if a.arg not in ("self", "cls")]
    flags = {a.arg: FlagSpec(a.arg, value=a.arg) for a in fn.args.kwonlyargs}
    usage = f"{name}({', '.join(args + [f'{k}=' for k in flags])})"
    spec = CommandSpec(name=name, usage=usage, flags=flags, positionals=args)
    spec.kind = classify(name.rsplit(".", 1)[-1], rules)
    return spec


def add_stub_commands(catalog: Catalog, stub: Path | None, rules: dict[str, list[str]]) -> Catalog:
    """Add every public function and method of `stub` to `catalog` (no stub: unchanged)."""
    if stub is None or not stub.is_file():
        return catalog
    tree = ast.parse(stub.read_text(encoding="utf-8"), str(stub))
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
            catalog.commands[node.name] = _spec(node.name, node, rules)
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and not item.name.startswith("_"):
                    name = f"{node.name}.{item.name}"
                    catalog.commands[name] = _spec(name, item, rules)
    return catalog
