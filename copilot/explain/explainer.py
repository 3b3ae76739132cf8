"""Script -> explanation: parse, check, describe each command, narrate blocks, sum up.

Long scripts are explained in sections of about SECTION_LINES lines, each reported to a
progress callback, so a several-hundred-line SDC file shows progress and each section gets
its own overview.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Callable

from copilot.checks.tcl_tree import CommandUse, TclTree, parse_tcl
from copilot.diagnostics import Diagnostic
from copilot.errors import InputError
from copilot.explain.describe import _BODY_COMMANDS, ScriptContext, describe
from copilot.explain.facts import gather_facts
from copilot.explain.narrate import Narrator
from copilot.explain.notes import CommandNotes
from copilot.explain.python_script import explain_python, looks_like_python
from copilot.explain.result import ExplainedLine, Explanation, Section
from copilot.generate.workbench import Workbench
from copilot.input_files import InputText

MAX_LINES = 5000
SECTION_LINES = 60
SUMMARY_MODEL_LINES = 40  # longer scripts are summed up by facts and section overviews
BLOCKS_PER_SECTION = 2  # model sentences on procs/loops per section: each costs ~1-2 s on CPU
# Plain Tcl inside bodies that needs no line of its own (the enclosing block names it).
_QUIET = {"set", "incr", "lappend", "append", "puts", "return", "expr", "continue", "break",
          "format", "lindex", "llength", "list", "string", "dict", "lsort", "lrange", "join",
          "split", "concat", "global", "variable", "upvar", "array", "info", "regexp", "regsub"}
Progress = Callable[[int, int, int, int], None]


@dataclass
class Explainer:
    """Explains scripts for one tool: its checks, notes, and optionally a model and docs index."""

    bench: Workbench | None  # None for a Python tool: every input is then read as Python
    notes: CommandNotes
    tool_title: str
    narrator: Narrator | None = None
    docs: object | None = None

    def explain(self, source: InputText, on_progress: Progress | None = None) -> Explanation:
        began = time.monotonic()
        text = source.text
        count = text.count("\n") + (not text.endswith("\n"))
        if count > MAX_LINES:
            raise InputError(f"{source.name} has {count} lines; explain reads at most {MAX_LINES}: "
                             f"pass the part you want explained.")
        if self.bench is None or looks_like_python(text, source.suffix):
            result = explain_python(text, source.name)
        else:
            result = self._explain_tcl(text, source.name, on_progress)
        result.seconds = time.monotonic() - began
        return result

    def _explain_tcl(self, text: str, name: str, on_progress: Progress | None) -> Explanation:
        tree = parse_tcl(text)
        catalog = self.bench.catalog
        refuse_non_script(tree, catalog, name)
        source_lines = text.split("\n")
        report = self.bench.check(text)
        diagnostics = reader_diagnostics(report.diagnostics)
        ctx = ScriptContext(catalog, self.notes, tree, self.docs)
        chosen = select_commands(tree, source_lines)
        sections = split_sections(chosen, source_lines)
        lines: list[ExplainedLine] = []
        overviews: list[Section] = []
        for number, uses in enumerate(sections, start=1):
            first, last = uses[0].line, max(u.end_line for u in uses)
            if on_progress is not None:
                on_progress(number, len(sections), first, last)
            blocks = 0
            for use in uses:
                explanation, sources = describe(use, ctx)
                code = code_of(use, tree, source_lines)
                if self.narrator is not None and blocks < BLOCKS_PER_SECTION and is_block(use):
                    blocks += 1
                    body = "\n".join(source_lines[use.line - 1:use.end_line])
                    sentence = self.narrator.block(body)
                    if sentence:
                        explanation += f" Purpose (model): {sentence}."
                        sources = sources + [f"model: {self.narrator.name} (unverified)"]
                lines.append(ExplainedLine(use.line, code, explanation, sources, use.end_line, use.nested))
            if len(sections) > 1:
                in_range = [u for u in tree.commands if first <= u.line <= last]
                facts = gather_facts(in_range, catalog, last - first + 1)
                overviews.append(Section(first, last, " ".join(facts.sentences()) or "Tcl code."))
        summary = self._summary(tree, source_lines, diagnostics, text)
        calls = self.narrator.calls if self.narrator else 0
        return Explanation(name, "tcl", summary, lines, diagnostics, overviews, calls)

    def _summary(self, tree: TclTree, source_lines: list[str], diagnostics: list[Diagnostic], text: str) -> str:
        catalog = self.bench.catalog
        facts = gather_facts(tree.commands, catalog, len(text.splitlines()))
        sentences = facts.sentences()
        head = (f"A {facts.lines}-line {self.tool_title} script with {facts.commands} "
                f"top-level command{'s' * (facts.commands != 1)}.")
        errors = sum(d.severity == "error" for d in diagnostics)
        warnings = sum(d.severity == "warning" for d in diagnostics)
        problems = (f"The checks found {errors} error{'s' * (errors != 1)} and {warnings} "
                    f"warning{'s' * (warnings != 1)} (see diagnostics)." if errors or warnings
                    else f"The checks against {catalog.tool} {catalog.version} found no problems.")
        parts = [head, *sentences, problems]
        # A whole short script is one block; a long one is summed up by its facts and sections.
        if self.narrator is not None and facts.lines <= SUMMARY_MODEL_LINES and tree.commands:
            sentence = self.narrator.block(text)
            if sentence:
                parts.append(f"Purpose (model): {sentence}.")
        return " ".join(parts)


_POLICY = "generated scripts may not use it (blocked by policy)"


def reader_diagnostics(found: list[Diagnostic]) -> list[Diagnostic]:
    """The checks' findings as a reader of the script needs them: once per line, no per-command
    "changes the design" notes (the summary counts those), and the OS-reaching ones worded as a
    risk of this script rather than a rule for generated ones."""
    out: list[Diagnostic] = []
    for d in found:
        if d.source == "safety" and d.severity == "info":
            continue
        if d.source == "safety" and _POLICY in d.message:
            d = Diagnostic(d.line, d.severity, d.message.replace(
                _POLICY, "risky: review it before running (the copilot never runs it unasked)"), d.source)
        if d not in out:
            out.append(d)
    return out


def is_block(use: CommandUse) -> bool:
    """A proc, loop or if spanning lines: where a sentence on the whole adds most."""
    return use.name in _BODY_COMMANDS and use.end_line > use.line


def _in_substitution(use: CommandUse, source_lines: list[str]) -> bool:
    """True when the command sits inside [...] on its line (explained as part of its parent)."""
    line = source_lines[use.line - 1] if use.line - 1 < len(source_lines) else ""
    name = re.escape(use.name)
    if re.search(rf"(^|[;{{]|\s)\s*{name}(\s|$|;|}})", line) and \
            not re.search(rf"\[\s*{name}(\s|\]|$)", line):
        return False
    return bool(re.search(rf"\[\s*{name}(\s|\]|$)", line))


def select_commands(tree: TclTree, source_lines: list[str]) -> list[CommandUse]:
    """Top-level commands, plus nested ones worth a line: tool commands and blocks in bodies."""
    chosen = []
    for use in tree.commands:
        if not use.nested:
            chosen.append(use)
        elif use.name not in _QUIET and not _in_substitution(use, source_lines):
            chosen.append(use)
    return chosen


def split_sections(uses: list[CommandUse], source_lines: list[str]) -> list[list[CommandUse]]:
    """Consecutive commands in runs of about SECTION_LINES lines, never splitting a command."""
    sections: list[list[CommandUse]] = []
    current: list[CommandUse] = []
    start = 1
    for use in uses:
        if current and not use.nested and use.line - start >= SECTION_LINES:
            sections.append(current)
            current, start = [], use.line
        current.append(use)
    if current:
        sections.append(current)
    return sections


def code_of(use: CommandUse, tree: TclTree, source_lines: list[str]) -> str:
    """The command's source: its lines, or just the first line of a multi-line block."""
    lines = source_lines[use.line - 1:use.end_line]
    if not lines:
        return use.name
    if use.name in _BODY_COMMANDS and len(lines) > 1:
        return lines[0].strip() + " ..."
    sharing = [u for u in tree.commands if u.line == use.line and u is not use and not _nested_in(u, use)
               and not _nested_in(use, u)]
    if sharing:  # several commands on one line: show this one alone
        return " ".join([use.name] + [w.text if w.kind != "braced_word" else "{" + w.text + "}"
                                      for w in use.words if w.kind != "ERROR"])
    return "\n".join(line.rstrip() for line in lines).strip()


def _nested_in(inner: CommandUse, outer: CommandUse) -> bool:
    return inner.nested and outer.line <= inner.line <= outer.end_line and inner is not outer and \
        any(inner.name in w.text for w in outer.words if not w.literal or w.kind == "braced_word")


def _prose_like(use: CommandUse) -> bool:
    words = use.words
    return len(words) >= 3 and not any(
        w.text.startswith(("-", "$", "[")) or w.kind in ("command_substitution", "variable_substitution")
        or any(c in w.text for c in "[]$") for w in words)


def refuse_non_script(tree: TclTree, catalog, name: str) -> None:
    """Raise InputError when the text is prose or holds no command at all."""
    top = [u for u in tree.commands if not u.nested]
    if not top:
        if tree.syntax:
            return
        raise InputError(f"{name} runs no command (only comments or blank lines); pass a Tcl, SDC or Python script.")
    known = [u for u in top if catalog.get(u.name) or u.name in tree.procs or u.name in catalog.missing]
    unknown = [u for u in top if u not in known]
    prose = [u for u in unknown if _prose_like(u)]
    if len(known) < 0.5 * len(top) and len(prose) >= 0.5 * len(unknown):
        sample = ", ".join(dict.fromkeys(u.name for u in unknown[:3]))
        raise InputError(f"{name} does not look like a script: {len(unknown)} of {len(top)} commands "
                         f"({sample}...) are not {catalog.tool} commands and read like prose; pass a "
                         f"Tcl, SDC or Python script (or --tool for another tool).")
