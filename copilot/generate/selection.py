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
from copilot.generate.loops import per_object


# A design object's name inside Tcl text: `_223_`, `req_a[3]`, `_331_/D`.
NAME_IN_TEXT = re.compile(r"[A-Za-z_][\w]*(?:\[\d+\])?(?:/[\w]+)?")


def unrequested_objects(script: str, facts: RequestFacts) -> set[str]:
    """Design objects the script names that the request does not: an example's `_280_ ... _285_`
    copied into a script about every instance."""
    named = {m.group(0) for m in NAME_IN_TEXT.finditer(script)} & facts.design_objects
    patterns = [re.compile(re.escape(m.name).replace(r"\*", ".*") + r"(/.*)?$") for m in facts.mentions]
    return {n for n in named if n not in facts.words and not any(p.match(n) for p in patterns)}


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


_WHOLE_COLLECTION = re.compile(r"^(\s*foreach \w+ )\[(all_outputs|all_inputs|get_(?:ports|cells|nets|pins) (?:\*|\*/\*|\{\*\}))\]", re.M)
_COPIED_WALK = re.compile(r"^(\s*foreach \w+ )\[(get_(?:ports|cells|nets|pins) [^\n{}]*)\](?= \{)", re.M)
_KIND_OF = {"all_outputs": "port", "all_inputs": "port", "get_ports": "port", "get_cells": "cell",
            "get_nets": "net", "get_pins": "pin"}


def over_named_collection(script: str, facts: RequestFacts) -> str | None:
    """"For each of busy and resp_valid, print `PORT SLACK`": a walk over every output port
    walks the ports the request names, in its order."""
    if not (facts.wants_print and per_object(facts)):
        return None
    m = _WHOLE_COLLECTION.search(script)
    if m is not None:
        kinds = [_KIND_OF[m.group(2).split()[0]]]
    else:  # or over the objects of one the request does not name (`-of_objects [get_nets op_q[1]]`)
        m = _COPIED_WALK.search(script)
        if m is None or not unrequested_objects(m.group(2), facts):
            return None
        kinds = ["port", "pin", "cell", "net"]
    for kind in kinds:
        names = [x.name for x in facts.mentions if x.kind == kind and "*" not in x.name]
        if len(names) >= 2:
            return script[:m.start()] + f"{m.group(1)}[get_{kind}s {{{' '.join(names)}}}]" + script[m.end():]
    return None


# Every cell, or the cells of a copied name pattern (`_20?_`, `*reg*`).
_ALL_CELLS = re.compile(r"\[get_cells(?: \*| \{\*\}| \{?([\w\[\]]*[*?][\w\[\]*?]*)\}?)?\]")


def of_lib_cell(script: str, facts: RequestFacts) -> str | None:
    """"All DFFSR instances": a walk over every cell (or over a copied name pattern the
    request does not give) walks the cells of that library cell."""
    cells = [m.name for m in facts.mentions if m.kind == "lib_cell" and "*" not in m.name]
    if len(cells) != 1 or \
            re.search(rf"(?:==|=~)\s*{cells[0]}\b|get_lib_cells\b[^\]]*\b{cells[0]}\b", script):
        return None  # (a name only in the printed text, "OAI21X1: N", does not narrow the walk)
    named = {m.name for m in facts.mentions}
    every = f'[get_cells -filter "ref_name == {cells[0]}" *]'
    out = _ALL_CELLS.sub(lambda m: m.group(0) if m.group(1) in named else every, script)
    return out if out != script else None


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
