"""Which objects a script walks, counts or lists, as the request names them.

"For every output port" (a copied loop over some ports walks `[all_outputs]`), "all DFFSR
instances" (a walk over every cell keeps that library cell's), "the output pins of all
instances", "how many ports", "list the XNOR2X1 instances" (where an example counts them).
Each is a derivation (`derive.DERIVATIONS`): script and request facts in, the adapted
script or None out.
"""

from __future__ import annotations

import re

from copilot.generate.hints import RequestFacts


_PORT_LOOP = re.compile(r"^(\s*foreach \w+ \[(?:sta::sort_by_full_name )?)(\[get_ports [^\[\]]+\])")


def whole_collection(script: str, facts: RequestFacts) -> str | None:
    """"For every output port": a loop over some ports (`[get_ports req_a*]`, copied) goes over
    the collection the request names (`[all_outputs]`), unless the request names those ports."""
    wanted = facts.port_collection
    if wanted is None or any(m.kind == "port" for m in facts.mentions):
        return None
    lines = script.split("\n")
    for i, line in enumerate(lines):
        m = _PORT_LOOP.match(line)
        if m:
            lines[i] = m.group(1) + f"[{wanted}]" + line[m.end():]
            return "\n".join(lines)
    return None


# Every cell, or the cells of a copied name pattern (`_20?_`, `*reg*`).
_ALL_CELLS = re.compile(r"\[get_cells(?: \*| \{\*\}| \{?([\w\[\]]*[*?][\w\[\]*?]*)\}?)?\]")


def of_lib_cell(script: str, facts: RequestFacts) -> str | None:
    """"All DFFSR instances": a walk over every cell (or over a copied name pattern the
    request does not give) walks the cells of that library cell."""
    cells = [m.name for m in facts.mentions if m.kind == "lib_cell" and "*" not in m.name]
    named = {m.name for m in facts.mentions}
    found = [m for m in _ALL_CELLS.finditer(script) if m.group(1) not in named]
    if len(cells) != 1 or not found or \
            re.search(rf"(?:==|=~)\s*{cells[0]}\b|get_lib_cells\b[^\]]*\b{cells[0]}\b", script):
        return None  # (a name only in the printed text, "OAI21X1: N", does not narrow the walk)
    every = f'[get_cells -filter "ref_name == {cells[0]}" *]'
    return _ALL_CELLS.sub(lambda m: every if m.group(1) not in named else m.group(0), script)


_ALL_PINS = re.compile(r"\[get_pins(?: -hierarchical)? (?:\*/\*|\*|\{\*/\*\})\]")


def of_direction(script: str, facts: RequestFacts) -> str | None:
    """"The output pins of all instances": a query of every pin keeps that direction's."""
    if not facts.pin_direction or not _ALL_PINS.search(script):
        return None
    return _ALL_PINS.sub(f'[get_pins -filter "direction == {facts.pin_direction}" */*]', script)


# Every object of a kind, by the query the lexicon's "objects" rules name first.
_EVERY = {"get_ports": "[get_ports *]", "get_cells": "[get_cells *]", "get_nets": "[get_nets *]",
          "get_pins": "[get_pins */*]", "all_inputs": "[all_inputs]", "all_outputs": "[all_outputs]",
          "all_registers": "[all_registers]", "all_clocks": "[all_clocks]", "get_lib_cells": "[get_lib_cells */*]"}


_COUNTED = re.compile(r"puts \[llength (\[(\w+)(?: [^\[\]]*)?\])\]\n")


_ONE_COUNT = re.compile(r"puts (?:\[format \"%[sd]\" )?\[llength (\[(?:[^\[\]]|\[[^\[\]]*\])*\])\]\]?\n?")


def listed_not_counted(script: str, facts: RequestFacts) -> str | None:
    """"List the XNOR2X1 instances, one per line": a copied count prints the names instead."""
    m = _ONE_COUNT.fullmatch(script.strip() + "\n")
    if facts.wants_count or m is None or not [t for t in facts.templates if t.implicit and t.slots == ["NAME"]]:
        return None
    names = f"[lmap x {m.group(1)} {{get_full_name $x}}]"
    order = "lsort -decreasing" if facts.reverse_sorted else "lsort" if facts.wants_sorted else ""
    return f"foreach n {f'[{order} {names}]' if order else names} {{ puts $n }}\n"


def counted_objects(script: str, facts: RequestFacts) -> str | None:
    """"How many ports does the design have?": a copied count of inputs (a bare number, no
    label) counts every port."""
    group = next((g for g in facts.commands if g[0] in _EVERY), None)
    m = _COUNTED.fullmatch(script.strip() + "\n")
    if not facts.wants_count or group is None or m is None or m.group(2) in group \
            or m.group(2) not in facts.unnamed_objects:
        return None
    return script[:m.start(1)] + _EVERY[group[0]] + script[m.end(1):]
