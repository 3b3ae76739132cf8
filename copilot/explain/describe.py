"""What one Tcl command does, in words, built from the catalog, the command notes and the script.

Deterministic: every sentence here comes from the tool's own usage, the shipped notes or
the script itself, so it can be cited. The model only ever adds a marked sentence on top.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from copilot.catalog.catalog import Catalog
from copilot.catalog.spec import CommandSpec
from copilot.checks.tcl_tree import CommandUse, TclTree, Word
from copilot.explain.notes import CommandNotes

# Object queries and what they return, for phrases like "the ports in1, in2".
_QUERIES = {"get_ports": "ports", "get_pins": "pins", "get_cells": "instances", "get_nets": "nets",
            "get_clocks": "clocks", "get_lib_cells": "library cells", "get_lib_pins": "library pins",
            "get_libs": "libraries"}
_ALL = {"all_inputs": "all input ports", "all_outputs": "all output ports", "all_clocks": "all clocks",
        "all_registers": "all registers"}
_VERBS = {"report": "Reports", "get": "Returns", "set": "Sets", "unset": "Removes", "create": "Creates",
          "read": "Reads", "write": "Writes", "delete": "Deletes", "remove": "Removes", "find": "Finds",
          "check": "Checks", "all": "Returns all", "make": "Makes", "define": "Defines"}
_BODY_COMMANDS = {"proc", "foreach", "for", "while", "if", "catch", "try", "lmap", "with_output_to_variable"}


@dataclass
class ScriptContext:
    """What explaining a command needs to know besides the command itself."""

    catalog: Catalog
    notes: CommandNotes
    tree: TclTree
    docs: object | None = None  # a DocsCitations, when an index exists
    cited: dict[str, str | None] = field(default_factory=dict)

    def docs_citation(self, name: str) -> str | None:
        if self.docs is None:
            return None
        if name not in self.cited:
            self.cited[name] = self.docs.cite(name)
        return self.cited[name]


def split_words(text: str) -> list[str]:
    """Split Tcl text into words, keeping {...}, [...] and "..." groups whole."""
    words, current, depth, quote = [], [], 0, False
    for ch in text:
        if ch in "{[" and not quote:
            depth += 1
        elif ch in "}]" and not quote and depth:
            depth -= 1
        elif ch == '"' and depth == 0:
            quote = not quote
        if ch.isspace() and depth == 0 and not quote:
            if current:
                words.append("".join(current))
                current = []
            continue
        current.append(ch)
    if current:
        words.append("".join(current))
    return words


def _unbrace(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] + text[-1] in ("{}", '""'):
        return text[1:-1].strip()
    return text


def phrase(text: str, kind: str = "") -> str:
    """A short reading of one argument: '[get_ports {a b}]' -> 'the ports a, b'."""
    text = text.strip()
    if text.startswith("[") and text.endswith("]"):
        inner = split_words(text[1:-1])
        if not inner:
            return "an empty command"
        head, rest = inner[0], [_unbrace(w) for w in inner[1:] if not w.startswith("-")]
        names = ", ".join(" ".join(rest).split())
        if head in _QUERIES:
            return f"the {_QUERIES[head]} {names}" if names else f"the {_QUERIES[head]}"
        if head in _ALL:
            return _ALL[head]
        if head == "get_full_name" and rest:
            return f"the full name of {phrase(inner[1])}"
        return f"the result of [{' '.join(inner)[:60]}]"
    if text.startswith("$") and " " not in text:
        return f"the value of {text}"
    if kind == "braced_word" or (text.startswith("{") and text.endswith("}")):
        text = _unbrace(text)
    if not text:
        return "an empty value"
    return text if len(text) <= 70 else text[:67] + "..."


def _slot_words(slot: str) -> str:
    return slot.replace("_", " ")


def _gloss(name: str, spec: CommandSpec | None) -> str:
    """A sentence from the command's name alone, when no note describes it."""
    base = name.split("::")[-1]
    verb, _, rest = base.partition("_")
    if verb in _VERBS and rest:
        return f"{_VERBS[verb]} {rest.replace('_', ' ')} (meaning read from the command's name)."
    kind = {"read": "reads the design", "modify": "changes the design or constraints",
            "os": "reaches the operating system", "control": "Tcl control or data"}.get(
                spec.kind if spec else "", "")
    return f"Runs {name}" + (f" ({kind})." if kind else ".")


def _flag_text(command: str, spec: CommandSpec, word: Word, value: Word | None, notes: CommandNotes) -> str:
    flag, _ = spec.match_flag(word.text)
    if flag is None:
        return f"{word.text}: not a flag of {command} (see diagnostics)"
    shown = flag.name if flag.name == word.text else f"{word.text} (= {flag.name})"
    meaning = notes.flag(command, flag.name)
    if not flag.takes_value:
        return f"{shown}: {meaning or 'turns on ' + _slot_words(flag.name.lstrip('-'))}"
    if value is None:
        val = "(missing value)"
    elif value.kind == "command_substitution":
        val = f"{value.text[:40]} ({phrase(value.text)})" if len(value.text) <= 40 else phrase(value.text)
    elif value.kind == "variable_substitution":
        val = value.text
    else:
        val = phrase(value.text, value.kind)
    if flag.choices and flag.value != "list":
        slot = f"one of {', '.join(flag.choices)}"
    elif flag.choices:
        slot = f"items from {', '.join(flag.choices)}"
    else:
        slot = "" if meaning else f"a {_slot_words(flag.value)}"
    detail = meaning or f"the {_slot_words(flag.name.lstrip('-'))}"
    return f"{shown} {val}: {detail}" + (f" ({slot})" if slot else "")


def _arguments(use: CommandUse, spec: CommandSpec | None, notes: CommandNotes) -> tuple[list[str], list[str]]:
    """(flag phrases, positional phrases) for the command's words."""
    flags, plain, redirect = [], [], []
    words = use.words
    i = 0
    while i < len(words):
        word = words[i]
        i += 1
        if word.kind == "ERROR":
            continue
        if word.literal and word.text in (">", ">>") and i < len(words):
            how = "appended to" if word.text == ">>" else "written to"
            redirect.append(f"output {how} the file {words[i].text}")
            i += 1
            continue
        if spec is not None and spec.flags and word.literal and word.text.startswith("-") \
                and not word.text[1:2].isdigit() and not word.text[1:2] == ".":
            flag, _ = spec.match_flag(word.text)
            value = None
            if flag is not None and flag.takes_value and i < len(words):
                value = words[i]
                i += 1
            flags.append(_flag_text(use.name, spec, word, value, notes))
            continue
        plain.append(word)
    slots = list(spec.positionals) if spec is not None else []
    positional = []
    for n, word in enumerate(plain):
        if n < len(slots):
            label = _slot_words(slots[n])
            text = phrase(word.text, word.kind) if n < len(slots) - 1 or n == len(plain) - 1 else \
                ", ".join(phrase(w.text, w.kind) for w in plain[n:])
            positional.append(f"{label}: {text}")
            if n == len(slots) - 1:
                break
        else:
            positional.append(phrase(word.text, word.kind))
    return flags, positional + redirect


def body_commands(use: CommandUse, tree: TclTree) -> list[str]:
    """Distinct commands run inside the body of `use` (a proc, loop or if), in order.

    Commands substituted into the header (the list of a foreach, the test of an if) are
    arguments, not the body, so they are left out.
    """
    header = set()
    for word in use.words:
        if word.kind in ("command_substitution", "expr", "quoted_word") and word.line == use.line:
            header.update(re.findall(r"\[\s*([\w:]+)", word.text))
    seen: list[str] = []
    for other in tree.commands:
        if other is use or not other.nested or not (use.line <= other.line <= use.end_line):
            continue
        if other.line == use.line and other.name in header:
            continue
        if other.name not in seen:
            seen.append(other.name)
    return seen


def _listing(names: list[str]) -> str:
    if not names:
        return "nothing"
    shown = names[:6]
    return ", ".join(shown) + (f" and {len(names) - 6} more" if len(names) > 6 else "")


def _special(use: CommandUse, ctx: ScriptContext) -> str | None:
    """Sentences for Tcl's structural commands, whose meaning is their arguments."""
    w = use.words
    span = f"lines {use.line}-{use.end_line}" if use.end_line > use.line else f"line {use.line}"
    inside = body_commands(use, ctx.tree)
    if use.name == "set" and w:
        if len(w) == 1:
            return f"Reads the variable {w[0].text}."
        return f"Sets the variable {w[0].text} to {phrase(w[1].text, w[1].kind)}."
    if use.name == "proc" and w:
        args = _unbrace(w[1].text) if len(w) > 1 else ""
        return (f"Defines the procedure {w[0].text}" + (f" with arguments {args}" if args else " with no arguments")
                + f"; its body ({span}) runs {_listing(inside)}.")
    if use.name == "foreach" and len(w) >= 2:
        return f"Loops {_unbrace(w[0].text)} over {phrase(w[-2].text, w[-2].kind)}; the body ({span}) runs {_listing(inside)}."
    if use.name in ("while", "for", "if") and w:
        cond = _unbrace(w[0].text if use.name != "for" else (w[1].text if len(w) > 1 else ""))
        lead = {"if": "Tests", "while": "Loops while", "for": "Loops while"}[use.name]
        return f"{lead} {cond[:80]}; {'when true it ' if use.name == 'if' else 'the body '}runs {_listing(inside)} ({span})."
    if use.name == "puts" and w:
        words = [x for x in w if x.text != "-nonewline"]
        target = f" to the channel {words[0].text}" if len(words) == 2 else ""
        return f"Prints {phrase(words[-1].text, words[-1].kind)}{target}." if words else None
    return None


def describe(use: CommandUse, ctx: ScriptContext) -> tuple[str, list[str]]:
    """One command's explanation and the sources it was built from."""
    name, catalog = use.name, ctx.catalog
    spec, note = catalog.get(name), ctx.notes.get(name)
    sources: list[str] = []
    sentences: list[str] = []
    special = _special(use, ctx)
    if name in ctx.tree.procs:
        sentences.append(f"Calls the procedure {name} defined at line {ctx.tree.procs[name]} of this script.")
        sources.append(f"this script, line {ctx.tree.procs[name]}")
        spec = None
    elif name in catalog.missing:
        sentences.append(f"{name} does not exist in {catalog.tool} {catalog.version} ({catalog.missing[name]}).")
        sources.append(f"{catalog.tool} {catalog.version} profile (missing commands)")
    elif special:
        sentences.append(special)
    elif note is not None:
        sentences.append(note.what)
    elif spec is not None:
        sentences.append(_gloss(name, spec))
    else:
        sentences.append(f"{name} is not a command of {catalog.tool} {catalog.version} (see diagnostics).")
    if note is not None and name not in ctx.tree.procs:
        sources.append(note.source)
    if spec is not None and spec.usage:
        sources.insert(0, f"{catalog.tool} {catalog.version} help: {name}")
    if name not in ("set", "proc", "foreach", "if", "while", "for", "puts") and name not in ctx.tree.procs:
        flags, positional = _arguments(use, spec, ctx.notes)
        if flags:
            sentences.append("Flags: " + "; ".join(flags) + ".")
        if positional:
            sentences.append("Arguments: " + "; ".join(positional) + ".")
    cited = ctx.docs_citation(name) if spec is not None or note is not None else None
    if cited:
        sources.append(cited)
    return " ".join(sentences), sources
