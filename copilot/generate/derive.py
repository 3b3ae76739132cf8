"""Values a request derives from an example's loop: its threshold, the instance of a pin,
and a sorted walk over a dict.

"registers with a slack below 0.29 ns" against an example that tests `$s < 0`; "print
INSTANCE SLACK" against one that loops over D pins; "sorted alphabetically" against a
histogram printed with `dict for`.
"""

from __future__ import annotations

import re

from copilot.generate.hints import RequestFacts

_COMPARISON = re.compile(r"(\$\w+|\])\s*(<=|>=|<|>)\s*(-?\d+(?:\.\d+)?)(?=\s*[}&|)])")
_DICT_FOR = re.compile(r"^(\s*)dict for \{(\w+) (\w+)\} \$(\w+) \{", re.M)
_PIN_LOOP = re.compile(r"^\s*foreach (\w+) \[(?:sta::sort_by_full_name )?\[?(?:all_registers [^\]]*-(?:data|clock|output)_pins|get_pins)\b", re.M)
INSTANCE_SLOTS = ("INSTANCE", "INST", "CELL", "REGISTER", "REG", "FLOP")


def with_threshold(script: str, facts: RequestFacts) -> str | None:
    """The one comparison of the script takes the request's one threshold ("at least 9")."""
    if len(facts.thresholds) != 1:
        return None
    found = list(_COMPARISON.finditer(script))
    if len(found) != 1:
        return None
    op, value = facts.thresholds[0]
    m = found[0]
    if (m.group(2), m.group(3)) == (op, value):
        return None
    return script[:m.start(2)] + f"{op} {value}" + script[m.end(3):]


def sorted_dict(script: str) -> str | None:
    """`dict for {k v} $d {` -> the keys in order: `foreach k [lsort [dict keys $d]]`."""
    m = _DICT_FOR.search(script)
    if m is None or "lsort" in script:
        return None
    indent, key, value, name = m.groups()
    head = f"{indent}foreach {key} [lsort [dict keys ${name}]] {{\n{indent}  set {value} [dict get ${name} ${key}]\n"
    rest = script[m.end():]
    return script[:m.start()] + head + (rest[1:] if rest.startswith("\n") else indent + "  " + rest.lstrip())


def instance_of_pins(script: str, facts: RequestFacts) -> str | None:
    """A loop over pins whose request prints an INSTANCE: the pin's cell name is printed."""
    slots = {s for t in facts.templates for s in t.slots}
    if not slots & set(INSTANCE_SLOTS) or "PIN" in slots:
        return None
    edits = script
    for m in _PIN_LOOP.finditer(script):
        var = m.group(1)
        edits = edits.replace(f"[get_full_name ${var}]", f"[get_full_name [get_cells -of_objects ${var}]]")
    return edits if edits != script else None
