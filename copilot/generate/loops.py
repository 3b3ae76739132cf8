"""Loops adapted to the request: objects in name order, the request's sweep values, every
path instead of the first.

Each function returns the rewritten script or None; like every adaptation, the result is
only a candidate that is checked and run before it is accepted.
"""

from __future__ import annotations

import re

from copilot.checks.tcl_tree import parse_tcl
from copilot.generate.edits import Edit, apply_edits
from copilot.generate.printing import NUMERIC, printed_lines, render

# Commands that return design objects (a loop over them runs in the tool's own order).
OBJECT_QUERIES = ("all_inputs", "all_outputs", "all_registers", "all_clocks", "get_ports",
                  "get_pins", "get_cells", "get_nets", "get_clocks", "get_lib_cells")
_NUM = r"-?\d+(?:\.\d+)?"
_NUMBER_LIST = re.compile(rf"{_NUM}(?:\s*(?:,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+){_NUM})+")
# The head of a sweep: `foreach v {1.0 1.05 1.1} {` (group 1: the loop variable, 2: its values).
LIST_LOOP = re.compile(r"^\s*foreach (\w+) \{([^{}]*)\}", re.M)  # foreach o {a b c}
SWEEP_HEAD = re.compile(r"^\s*foreach (\w+) \{([-\d. ]+)\} \{", re.M)
FIRST_PATH = re.compile(r"^set (\w+) \[lindex (\[find_timing_paths [^\n]*\]) 0\]$")


def number_lists(text: str) -> list[list[str]]:
    """Runs of numbers the request lists ("over 1.8, 2.0, 2.2 and 2.4 ns")."""
    return [re.findall(_NUM, m.group(0)) for m in _NUMBER_LIST.finditer(text)]


def _foreach_list(use) -> tuple[int, int, str] | None:
    """(start, end, text) of a `foreach var LIST body` list word."""
    if use.name != "foreach" or len(use.words) != 3:
        return None
    word = use.words[1]
    return word.start, word.end, word.text


def sorted_loop(script: str) -> str | None:
    """`foreach p [all_inputs] {...}` -> objects in name order (`sta::sort_by_full_name`)."""
    if "lsort" in script or "sort_by" in script:
        return None
    for use in parse_tcl(script).commands:
        found = _foreach_list(use) if not use.nested else None
        if found is None:
            continue
        start, end, text = found
        m = re.match(r"^\[(\w+)\b.*\]$", text, re.S)
        if m and m.group(1) in OBJECT_QUERIES:
            return apply_edits(script, [Edit(start, end, f"[sta::sort_by_full_name {text}]")])
    return None


def sweep_values(script: str, lists: list[list[str]]) -> str | None:
    """A loop over a list of numbers takes the request's own list of values."""
    wanted = next((values for values in lists if len(values) >= 2), None)
    if wanted is None:
        return None
    for use in parse_tcl(script).commands:
        found = _foreach_list(use)
        if found is None:
            continue
        start, end, text = found
        values = text.strip("{}").split()
        if len(values) >= 2 and all(re.fullmatch(_NUM, v) for v in values) and values != wanted:
            return apply_edits(script, [Edit(start, end, "{" + " ".join(wanted) + "}")])
    return None


def every_path(script: str) -> str | None:
    """`set pe [lindex [find_timing_paths ...] 0]` and lines using $pe -> a loop over every
    path (for "the 5 worst paths as ...": the path count itself comes from the hints)."""
    lines = script.rstrip("\n").split("\n")
    for i, line in enumerate(lines):
        m = FIRST_PATH.match(line.strip())
        if not m or line != line.lstrip():
            continue
        var, query = m.groups()
        rest = [l for l in lines[i + 1:] if l.strip()]
        if not rest or not all(f"${var}" in l for l in rest) or any(l != l.lstrip() for l in rest):
            return None
        body = "\n".join("  " + l for l in rest)
        return "\n".join(lines[:i] + [f"foreach {var} {query} {{", body, "}"]) + "\n"
    return None


def first_rows(script: str, n: int) -> str | None:
    """`foreach r [lsort ... $rows] {...}` -> only the first n rows ("the 5 worst")."""
    for use in parse_tcl(script).commands:
        found = _foreach_list(use) if not use.nested else None
        if found is None:
            continue
        start, end, text = found
        if re.match(r"^\[lsort\b.*\]$", text, re.S):
            return apply_edits(script, [Edit(start, end, f"[lrange {text} 0 {n - 1}]")])
    return None


def sweep_loop(script: str, lists: list[list[str]], modifies) -> str | None:
    """A script that sets one value and reports, for "sweep X over 1.0, 1.05 and 1.1": the
    first changing command with a number takes each value in turn, and it and everything
    after it run once per value (`$v` is there for the printed line)."""
    wanted = next((values for values in lists if len(values) >= 2), None)
    if wanted is None or re.search(r"^\s*(foreach|for|while)\b", script, re.M):
        return None
    tree = parse_tcl(script)
    lines = script.rstrip("\n").split("\n")
    for use in tree.commands:
        if use.nested or not modifies(use.name):
            continue
        number = next((w for w in use.words if w.literal and re.fullmatch(_NUM, w.text)), None)
        if number is None:
            continue
        swept = apply_edits(script, [Edit(number.start, number.end, "$v")]).rstrip("\n").split("\n")
        first = use.line - 1
        unrolled = _unrolled_steps(tree, use, number, wanted)
        body = "\n".join("  " + line for i, line in enumerate(swept[first:], first + 1)
                         if line.strip() and i not in unrolled)
        return "\n".join(lines[:first] + [f"foreach v {{{' '.join(wanted)}}} {{", body, "}"]) + "\n"
    return None


def _unrolled_steps(tree, use, number, wanted: list[str]) -> set[int]:
    """Lines of later statements that repeat the swept one with another of the wanted
    values (`set_timing_derate -late 1.05`, `... 1.10` after `... 1.00`): the steps of a
    sweep written out by hand, which the loop replaces."""
    at = use.words.index(number)
    texts = [w.text for w in use.words]
    lines: set[int] = set()
    for other in tree.commands:
        if other.nested or other is use or other.line <= use.line or other.name != use.name:
            continue
        words = [w.text for w in other.words]
        if len(words) == len(texts) and words[at] in wanted and words[:at] + words[at + 1:] == texts[:at] + texts[at + 1:]:
            lines.update(range(other.line, other.end_line + 1))
    return lines


_ACCUMULATE = {"lappend": ("", 0), "append": ("", 0), "incr": ("0", 0), "dict": ("", 1)}


def init_accumulators(script: str) -> str | None:
    """Variables a loop accumulates into (`dict incr cnt`, `lappend rows`, `incr n`) start
    empty: in a live session a second run would otherwise add to the first run's values."""
    if re.search(r"^\s*proc\b", script, re.M) or not script.isascii():
        return None  # a proc's variables are its own, fresh on each call
    commands = parse_tcl(script).commands
    top = [u for u in commands if not u.nested and u.start >= 0]
    edits: list[Edit] = []
    done: set[str] = set()
    for use in commands:
        rule = _ACCUMULATE.get(use.name)
        if rule is None or not use.nested or use.start < 0 or len(use.words) <= rule[1]:
            continue
        if use.name == "dict" and use.words[0].text != "incr":
            continue
        var = use.words[rule[1]].text
        outer = next((u for u in top if u.start <= use.start < u.end), None)
        if not re.fullmatch(r"\w+", var) or var in done or outer is None:
            continue
        done.add(var)
        if any(u.name in ("set", "unset") and u.words and u.words[0].text == var and u.start < outer.start
               for u in top):
            continue
        init = rule[0] if rule[0] else "{}"
        edits.append(Edit(outer.start, outer.start, f"set {var} {init}\n"))
    return apply_edits(script, edits) if edits else None


def over_named_objects(script: str, facts) -> str | None:
    """"For each of count[0], count[1], count[2] and count[3], print `PORT SLACK`": a printing
    script about one of the objects the request names runs once per object, in the request's
    order (`foreach o {count[0] count[1] ...} { ... $o ... }`)."""
    if not (facts.wants_print and per_object(facts)) or "puts" not in script or "$o" in script \
            or re.search(r"^\s*foreach \w+ \{", script, re.M):  # already a loop over a list
        return None
    for kind in {m.kind for m in facts.mentions}:
        names = [m.name for m in facts.mentions if m.kind == kind and "*" not in m.name]
        # (a cell also as its pin's prefix: `_332_/D` becomes `$o/D`)
        after = r"(?![\w\[])" if kind == "cell" else r"(?![\w/\[])"
        present = [n for n in names if re.search(rf"(?<![\w/]){re.escape(n)}{after}", script)]
        if len(names) < 2 or len(present) != 1:
            continue
        one = re.escape(present[0])
        body = re.sub(rf"\{{{one}\}}|(?<![\w/]){one}{after}", "$o", script.strip())
        inner = "\n".join("  " + line if line.strip() else line for line in body.splitlines())
        return _named_first(f"foreach o {{{' '.join(names)}}} {{\n{inner}\n}}\n", facts.templates)
    return None


def per_object(facts) -> bool:
    """A line per object: "for each ...", or a requested line that starts with an object
    (`PORT SLACK` for "count[0] and count[1]")."""
    return facts.wants_each or any(not t.implicit and len(t.slots) >= 2 and not NUMERIC.search(t.slots[0].lower())
                                   for t in facts.templates)


def _named_first(script: str, temps) -> str:
    """`puts N` in a loop over the request's objects, for the line `INSTANCE N`: the object first."""
    shaped = [t for t in temps if t.slots]
    lines = printed_lines(script)
    if len(shaped) != 1 or len(lines) != 1 or NUMERIC.search(shaped[0].slots[0].lower()):
        return script
    p, t = lines[0], shaped[0]
    if len(p.values) != len(t.slots) - 1:
        return script
    line = render(t, ["$o"] + p.values, ["s"] + [c or "s" for c in p.conversions])
    return apply_edits(script, [Edit(p.start, p.end, line)])
