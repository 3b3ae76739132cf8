"""Lint a Tcl script against the tool's catalog and, when known, the loaded design."""

from __future__ import annotations

import difflib
import re

from copilot.catalog.catalog import Catalog
from copilot.checks.design import DesignFacts, tcl_pattern
from copilot.checks.tcl_tree import CommandUse, TclTree, Word
from copilot.diagnostics import Diagnostic

_FLAG = re.compile(r"^-[A-Za-z_]\w*$")
_NUMBER = re.compile(r"^-?(\d+\.?\d*|\.\d+)([eE]-?\d+)?$")
# Flags a path query takes once per point along the path; any other flag repeated means only
# its last value is used (Tcl key parsing), which is never what the writer meant.
REPEATABLE = {"-through", "-rise_through", "-fall_through"}


def lint_tcl(tree: TclTree, catalog: Catalog, design: DesignFacts | None = None) -> list[Diagnostic]:
    """Unknown commands and flags, missing or bad values, missing objects, version gaps."""
    out: list[Diagnostic] = []
    defined = set(tree.procs)
    created = _created_clocks(tree)
    for use in tree.commands:
        out.extend(_check_command(use, catalog, defined))
        if design is not None:
            out.extend(_check_objects(use, design, created))
    return out


def _created_clocks(tree: TclTree) -> list[str]:
    """Clocks the script itself creates (`create_clock -name vclk ...`): they exist for later lines."""
    out = []
    for use in tree.commands:
        if use.name in ("create_clock", "create_generated_clock"):
            texts = [w.text for w in use.words]
            if "-name" in texts and texts.index("-name") + 1 < len(texts):
                out.append(texts[texts.index("-name") + 1])
    return out


def _suggest(name: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(name, candidates, n=2, cutoff=0.75)
    return f"; did you mean {' or '.join(close)}?" if close else ""


def _check_command(use: CommandUse, catalog: Catalog, defined: set[str]) -> list[Diagnostic]:
    name = use.name
    if not re.match(r"^[\w:]+$", name) or name in defined:
        return []
    if re.fullmatch(r"[\d:*]+", name):  # bus index `req_a[2]`: OpenSTA's unknown handler
        return []
    if re.fullmatch(r"\d+", name):  # a bus index, req_a[2]: OpenSTA's `unknown` returns "[2]" as text
        return []
    if name in catalog.missing:
        return [Diagnostic(use.line, "error", f"{name} does not exist in {catalog.tool} "
                                              f"{catalog.version} ({catalog.missing[name]})", "lint")]
    spec = catalog.get(name)
    if spec is None:
        names = [c.name for c in catalog.documented()] or list(catalog.commands)
        return [Diagnostic(use.line, "error", f"unknown command '{name}' in {catalog.tool} "
                                              f"{catalog.version}{_suggest(name, names)}", "lint")]
    if not spec.flags:
        return []
    out = []
    words = use.words
    seen: set[str] = set()
    i = 0
    while i < len(words):
        word = words[i]
        i += 1
        if not word.literal or word.text in (">", ">>"):
            if word.text in (">", ">>"):
                i += 1
            continue
        if not _FLAG.match(word.text):
            continue
        flag, hits = spec.match_flag(word.text)
        if flag is None:
            if len(hits) > 1:
                out.append(Diagnostic(word.line, "error", f"{name}: flag {word.text} is ambiguous "
                                                          f"({', '.join(hits)})", "lint"))
            else:
                out.append(Diagnostic(word.line, "error", f"{name}: unknown flag {word.text}"
                                      f"{_suggest(word.text, list(spec.flags))}", "lint"))
            continue
        if flag.name != word.text:
            out.append(Diagnostic(word.line, "warning", f"{name}: {word.text} abbreviates "
                                                        f"{flag.name}; write it in full", "lint"))
        if flag.name in seen and flag.name not in REPEATABLE:
            out.append(Diagnostic(word.line, "warning", f"{name}: {flag.name} is given more than "
                                                        "once; only the last one counts", "lint"))
        seen.add(flag.name)
        if not flag.takes_value:
            continue
        value = words[i] if i < len(words) else None
        if value is None or (value.literal and _FLAG.match(value.text) and not _NUMBER.match(value.text)):
            out.append(Diagnostic(word.line, "error", f"{name}: {flag.name} needs a value "
                                                      f"({flag.value})", "lint"))
            continue
        i += 1
        if flag.choices and value.literal:
            out.extend(_check_choice(name, flag.name, flag.choices, flag.value, value))
    return out


def _check_choice(command: str, flag: str, choices: list[str], slot: str, value: Word) -> list[Diagnostic]:
    if slot == "list":  # e.g. -fields {slew cap}: the tool matches each item by prefix
        bad = [v for v in value.text.split() if not any(c.startswith(v[:3]) for c in choices)]
        if bad:
            return [Diagnostic(value.line, "warning", f"{command} {flag}: {', '.join(bad)} not among "
                                                      f"{', '.join(choices)}", "lint")]
        return []
    if value.text not in choices:
        return [Diagnostic(value.line, "error", f"{command} {flag}: '{value.text}' is not one of "
                                                f"{', '.join(choices)}", "lint")]
    return []


def _check_objects(use: CommandUse, design: DesignFacts, created: list[str]) -> list[Diagnostic]:
    """Literal patterns of get_ports/get_pins/... that match nothing in the loaded design
    (clocks the script creates count as there)."""
    names = design.names_for(use.name)
    if names is not None and use.name == "get_clocks":
        names = names + created
    if names is None or any(w.text in ("-regexp", "-of_objects", "-hierarchical", "-hier")
                            for w in use.words):
        return []
    out = []
    skip_next = False
    for word in use.words:
        if skip_next:
            skip_next = False
            continue
        if word.literal and _FLAG.match(word.text):
            skip_next = word.text in ("-filter", "-hsc")
            continue
        if not word.literal:
            continue
        for pattern in word.text.split():
            regex = tcl_pattern(pattern)
            if not any(regex.match(n) for n in names):
                kind = use.name.removeprefix("get_").rstrip("s")
                out.append(Diagnostic(word.line, "error", f"no {kind} matches '{pattern}' in the "
                                      f"loaded design{_suggest(pattern, names)}", "design"))
    return out
