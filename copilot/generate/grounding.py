"""Adapt a candidate script to the request: apply implied flags, name the request's objects
and numbers, drop flags nobody asked for (scoring how well a script covers the request is
`ranking.py`).

A small base model copies the nearest example well but rarely changes its details; these
edits are checked against the tool's catalog (a flag is only set on a command that has it)
and every edited candidate is still linted and run before it is accepted.
"""

from __future__ import annotations

import re
from functools import partial

from copilot.catalog.catalog import Catalog, classify
from copilot.checks.design import DesignFacts
from copilot.checks.tcl_tree import CommandUse, TclTree, parse_tcl, script_bytes
from copilot.generate.derive import DERIVATIONS, sorted_dict
from copilot.generate.edits import Edit, apply_edits
from copilot.generate.hints import Hint, Mention, RequestFacts
from copilot.generate.loops import every_path, first_rows, init_accumulators, sorted_loop, sweep_loop, sweep_values
from copilot.generate.printing import reshape, with_loop_value
from copilot.generate.selection import NAME_IN_TEXT, unrequested_objects

NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_QUERIES = {"get_ports": "port", "get_pins": "pin", "get_cells": "cell", "get_nets": "net",
            "get_clocks": "clock", "get_lib_cells": "lib_cell"}
ROLE_FLAGS = ("-from", "-to", "-through")
# `req_a[2]` is a command substitution to tree-sitter but a bus bit to OpenSTA.
_OBJECT_WORD = re.compile(r"^[\w*]+(\[(\d+|\*)\])?(/[\w*]+)?$")


def _kind(name: str, catalog: Catalog, rules: dict) -> str:
    """read | modify | '' (Tcl itself: puts, set, foreach...)."""
    spec = catalog.get(name)
    kind = classify(name, rules)
    return kind if kind != "unknown" else (spec.kind if spec else "")


def is_read(use: CommandUse, catalog: Catalog, rules: dict) -> bool:
    return _kind(use.name, catalog, rules) == "read"


def is_change(name: str, catalog: Catalog, rules: dict) -> bool:
    """The command changes the design or its constraints."""
    return _kind(name, catalog, rules) == "modify"


def flag_at(use: CommandUse, spec, flag: str) -> int | None:
    for i, w in enumerate(use.words):
        if w.literal and w.text.startswith("-"):
            found, _ = spec.match_flag(w.text)
            if found is not None and found.name == flag:
                return i
    return None


def _set_flag(use: CommandUse, spec, flag: str, value: str) -> list[Edit]:
    """Edits that make `flag value` (or a bare boolean flag) present on the command."""
    fspec = spec.flags[flag]
    i = flag_at(use, spec, flag)
    if i is None:
        words = use.words
        at = next((w.start for w in words if w.literal and w.text in (">", ">>")), None)
        text = f" {flag} {value}" if fspec.takes_value else f" {flag}"
        return [Edit(at - 1, at - 1, text)] if at is not None else [Edit(use.end, use.end, text)]
    if not fspec.takes_value or i + 1 >= len(use.words):
        return []
    current = use.words[i + 1]
    if current.text == value.strip("{}") or current.text == value:
        return []
    return [Edit(current.start, current.end, value)]


def _remove_flag(script_bytes: bytes, use: CommandUse, spec, flag: str) -> list[Edit]:
    i = flag_at(use, spec, flag)
    if i is None:
        return []
    last = use.words[i + 1] if spec.flags[flag].takes_value and i + 1 < len(use.words) else use.words[i]
    start = use.words[i].start
    while start > 0 and script_bytes[start - 1:start] in (b" ", b"\t"):
        start -= 1
    return [Edit(start, last.end, "")]


def _per_object(use: CommandUse, spec, flag: str) -> bool:
    """A role flag whose value is a loop's object (`-to $p`): the script's own, never copied."""
    i = flag_at(use, spec, flag)
    return flag in ROLE_FLAGS and i is not None and i + 1 < len(use.words) and \
        use.words[i + 1].text.startswith("$")


def _list_value(hints: list[Hint], use: CommandUse, spec, flag: str) -> str:
    values = [h.value for h in hints if h.flag == flag]
    return "{" + " ".join(dict.fromkeys(values)) + "}"


def apply_hints(script: str, facts: RequestFacts, catalog: Catalog, rules: dict,
                prune: bool) -> str:
    """Set implied flags and role objects on read-only commands; optionally prune the rest."""
    tree = parse_tcl(script)
    if tree.syntax:
        return script
    data = script.encode("utf-8")
    edits: list[Edit] = []
    # -fall_to takes the -to object: the role moves to the replacing flag.
    moved = {h.replaces: h.flag for h in facts.hints if h.replaces}
    replaced = {flag: role for role, flag in moved.items()}  # -fall_to -> -to
    # Per role, the first object the request names with it; a guessed role only where none is said.
    ranked = [m for m in reversed(facts.mentions) if not m.stated] + [m for m in reversed(facts.mentions) if m.stated]
    roles = {moved.get(m.role, m.role): m for m in ranked if m.role}
    wanted = {h.flag for h in facts.hints if not h.replaces} | set(roles)
    changed = changed_words(tree, catalog, rules)
    for use in tree.commands:
        spec = catalog.get(use.name)
        if spec is None or not spec.flags:
            continue
        reads = is_read(use, catalog, rules)
        if not reads and use.name not in facts.role_commands:
            hints = [h for h in facts.hints if use.name in h.only]
        else:
            hints = [h for h in facts.hints if not h.only or use.name in h.only]
        for hint in facts.unflag:  # "both setup and hold": a copied -setup goes
            if use.name in hint.only or (reads and not hint.only):
                edits += [e for rival in hint.rivals if rival in spec.flags
                          for e in _remove_flag(data, use, spec, rival)]
        done: set[str] = set()
        for hint in hints:
            if hint.flag not in spec.flags or hint.flag in done or hint.replaces:
                continue
            done.add(hint.flag)
            value = _list_value(facts.hints, use, spec, hint.flag) if hint.list_value else hint.value
            edits += _set_flag(use, spec, hint.flag, value)
            for rival in hint.rivals:  # -hold wanted: a copied -setup goes
                if rival in spec.flags and rival not in wanted:
                    edits += _remove_flag(data, use, spec, rival)
        if reads or use.name in facts.role_commands:
            for role, mention in roles.items():
                if reads and mention.times < 2 and _names(changed, mention):
                    continue  # named once, for the constraint ("false path from rst_n"): not the report
                if role in spec.flags and not names_object(use, spec, role, mention, facts):
                    edits += _set_flag(use, spec, role, mention.query())
                    if replaced.get(role) in spec.flags:
                        edits += _remove_flag(data, use, spec, replaced[role])
        if prune and reads:  # a report copying the constraint's object ("false path from rst_n")
            for flag in ROLE_FLAGS:
                i = flag_at(use, spec, flag) if flag in spec.flags and not spec.flags[flag].required else None
                if i is not None and i + 1 < len(use.words) and \
                        constraint_only(use.words[i + 1].text, facts, changed):
                    edits += _remove_flag(data, use, spec, flag)
        if prune:
            prunable = facts.prune if reads else \
                (facts.prune & set(ROLE_FLAGS) if use.name in facts.role_commands else set()) | \
                (facts.constraint_prune if is_change(use.name, catalog, rules) else set())
            for flag in prunable:
                if flag in spec.flags and flag not in wanted and not spec.flags[flag].required \
                        and not _per_object(use, spec, flag):
                    edits += _remove_flag(data, use, spec, flag)
    return apply_edits(script, edits) if edits else script


def changed_words(tree, catalog: Catalog, rules: dict) -> str:
    """The words of the script's top-level commands that change the design."""
    return " ".join(w.text for u in tree.commands
                    if not u.nested and is_change(u.name, catalog, rules) for w in u.words)


def _names(text: str, mention: Mention) -> bool:
    """The text names the object: a bus `req_b[*]` as `req_b`, `req_b*` or `req_b[*]`, not one
    of its bits (`req_b[1]` is another object)."""
    base = mention.name.replace("[*]", "")
    if base == mention.name:
        return base in text
    return bool(re.search(rf"{re.escape(base)}(?!\[\d)", text))


def constraint_only(value: str, facts: RequestFacts, changed: str) -> bool:
    """The value names an object the request mentions once, for the script's constraint."""
    return any(m.times < 2 and _names(value, m) and _names(changed, m) for m in facts.mentions)


def names_by_loop(use: CommandUse, spec, mention: Mention, listed: dict[str, list[str]]) -> bool:
    """`-to [get_ports $o]` inside `foreach o {count[0] count[1]}` names each of them."""
    i = flag_at(use, spec, mention.role)
    if i is None or i + 1 >= len(use.words):
        return False
    return any(f"${var}" in use.words[i + 1].text and mention.name in names for var, names in listed.items())


def names_object(use: CommandUse, spec, role: str, mention: Mention, facts: RequestFacts) -> bool:
    """The role's value names the object, and no design object the request does not name
    (an example's `-to {_325_/D ... _329_/D}` for "the slack at _329_/D" is not yet it)."""
    i = flag_at(use, spec, role)
    if i is None or i + 1 >= len(use.words):
        return False
    value = use.words[i + 1].text
    return _names(value, mention) and not unrequested_objects(value, facts)


def _design_kinds(design: DesignFacts | None) -> dict[str, str]:
    """Object name -> kind, for every object of the loaded design (bus bits and buses too)."""
    if design is None:
        return {}
    kinds: dict[str, str] = {}
    for kind, names in (("lib_cell", [n.split("/")[-1] for n in design.lib_cells]),
                        ("net", design.nets), ("pin", design.pins), ("cell", design.cells),
                        ("clock", design.clocks), ("port", design.ports)):
        for name in names:
            kinds[name] = kind
    for bus in design.buses():
        kinds[bus] = "port"
    return kinds


_NAMING_FLAGS = ("-clock", "-name", "-clocks", "-master_clock")  # their value is a clock, not an object


def has_number(script: str, number: str) -> bool:
    """The number is a value in the script (not a bus index like `req_op[1]`)."""
    return bool(re.search(rf"(?<![\w.\[]){re.escape(number)}(?![\w.\]])", script))


def substitute(script: str, facts: RequestFacts, design: DesignFacts | None) -> str:
    """Swap objects and numbers the example used for the ones the request names (the same
    example object gets the same replacement wherever it appears)."""
    tree = parse_tcl(script)
    if tree.syntax:
        return script
    edits: list[Edit] = []
    named = {m.name for m in facts.mentions} | {m.name.replace("[*]", "") for m in facts.mentions}
    spare = [m for m in facts.mentions if not _names(script, m)]  # (req_b[3] is not req_b[*])
    kinds = _design_kinds(design)
    swapped: dict[str, str] = {}  # example object -> the request's

    def take(old: str, match: Mention, text: str) -> str:
        spare.remove(match)
        swapped[old] = text
        return text

    for use in tree.commands:  # `foreach pin {_331_/D _330_/D}`: the request's list instead
        if use.name != "foreach" or len(use.words) != 3 or use.words[1].kind != "braced_word_simple":
            continue
        items = use.words[1].text.strip("{}").split()
        kind = {kinds.get(i) for i in items}
        mine = [m for m in facts.mentions if m.kind in kind and None not in kind and not m.role]
        if len(items) >= 2 and len(kind) == 1 and len(mine) >= 2 and items != [m.name for m in mine]:
            edits.append(Edit(use.words[1].start, use.words[1].end, "{" + " ".join(m.name for m in mine) + "}"))
            spare = [m for m in spare if m not in mine]
            if any("*" in m.name or "?" in m.name for m in mine):  # patterns: a filter's == can't match them
                edits += [Edit(w.start + i, w.start + i + 2, "=~") for u in tree.commands for w in u.words
                          if w.kind == "quoted_word" for i in [w.text.find("== $")] if i >= 0]
    for use in tree.commands:
        query_kind = _QUERIES.get(use.name)
        for at, w in enumerate(use.words):
            if w.text.startswith("-") or w.text in named or (at and use.words[at - 1].text in _NAMING_FLAGS):
                continue
            if w.text in swapped:
                edits.append(Edit(w.start, w.end, swapped[w.text]))
                continue
            if not spare:
                continue
            if query_kind and " " not in w.text.strip() and (w.literal or _OBJECT_WORD.match(w.text)):
                match = next((m for m in spare if m.kind == query_kind), None)
                if match is None and query_kind == "pin" and "/" in w.text:
                    # "the clock pin of register _322_": keep the example's pin, change the cell.
                    cell = next((m for m in spare if m.kind == "cell" and "*" not in m.name), None)
                    pin = f"{cell.name}/{w.text.split('/', 1)[1]}" if cell else ""
                    if cell and (design is None or pin in design.pins):
                        edits.append(Edit(w.start, w.end, take(w.text, cell, pin)))
                        continue
                if match is None and len(use.words) == 1 and query_kind != "clock" and \
                        not any(m.kind == query_kind for m in facts.mentions):
                    # The example queried a port where the request names pins: swap the query.
                    match = next((m for m in spare if m.kind in ("port", "pin", "cell", "net")
                                  and not m.role), None)
                    if match is not None:
                        spare.remove(match)
                        edits.append(Edit(use.start, use.end, match.query()[1:-1]))
                    continue
                if match is not None:
                    edits.append(Edit(w.start, w.end, take(w.text, match, match.tcl_name())))
                continue
            if w.literal and w.kind in ("quoted_word", "braced_word", "simple_word"):
                # Names inside strings: `-filter "ref_name == XNOR2X1"`, `report_net _051_`.
                raw = w.text
                for m in NAME_IN_TEXT.finditer(raw):
                    kind = kinds.get(m.group(0))
                    if kind is None or m.group(0) in named:
                        continue
                    glob = re.search(r"==\s*$", raw[:m.start()])
                    match = next((s for s in spare if s.kind == kind and ("*" not in s.name or glob)), None)
                    if match is None:
                        continue
                    spare.remove(match)
                    pad = (w.end - w.start - len(raw.encode("utf-8"))) // 2  # the word's quote or brace
                    a = w.start + pad + len(raw[:m.start()].encode("utf-8"))
                    b = a + len(m.group(0).encode("utf-8"))
                    if "*" in match.name and glob:  # a pattern: == becomes the glob match =~
                        a = w.start + pad + len(raw[:glob.start()].encode("utf-8"))
                        edits.append(Edit(a, b, "=~ " + match.name))
                    else:
                        edits.append(Edit(a, b, match.name))
                        if m.group(0) == raw:
                            swapped[raw] = match.name
                    break
    hinted = {h.value for h in facts.hints}
    numbers = [n for n in facts.numbers if n not in hinted
               and not has_number(script, n)]
    for use in tree.commands:
        for w in use.words:
            if not numbers:
                break
            if w.literal and NUMBER.match(w.text) and w.text not in facts.numbers \
                    and w.text not in hinted and use.name not in ("lindex", "expr", "format", "incr"):
                edits.append(Edit(w.start, w.end, numbers.pop(0)))
    return apply_edits(script, edits) if edits else script


def constraint_objects(script: str, facts: RequestFacts, changes) -> str | None:
    """"Constrain all resp_data[*] outputs ..., then show the path to resp_data[0]": a
    constraint that names the object the request gives a path role (copied, or substituted
    by kind) names the one object of that kind the request gives no role instead, or the
    collection it names ("a load on every output, then the path to resp_valid")."""
    free = [m for m in facts.mentions if not m.role]
    collection = facts.port_collection
    edits: list[Edit] = []
    for use in parse_tcl(script).commands:
        if not changes(use.name) or use.name in facts.role_commands:
            continue
        for w in use.words:
            m = re.fullmatch(r"\[(get_\w+) (\{[^{}]*\}|[^\s\[\]{}]+)\]", w.text)
            if m is None:
                continue
            kind = _QUERIES.get(m.group(1))
            roled = [x for x in facts.mentions if x.role and x.kind == kind and x.tcl_name() == m.group(2)]
            other = [x for x in free if x.kind == kind]
            if roled and len(other) == 1:
                edits.append(Edit(w.start, w.end, other[0].query()))
            elif roled and not other and kind == "port" and collection:  # "a load on every output"
                edits.append(Edit(w.start, w.end, f"[{collection}]"))
    return apply_edits(script, edits) if edits else None


def rename_proc(script: str, facts: RequestFacts) -> str | None:
    """The script's one proc under the name the request gives it ("a proc setup_slack {pin}")."""
    if not facts.proc_name:
        return None
    defined = [u.words[0].text for u in parse_tcl(script).commands if u.name == "proc" and u.words]
    if len(defined) != 1 or defined[0] == facts.proc_name or re.search(
            rf"(?<![\w:$]){re.escape(facts.proc_name)}(?![\w])", script):
        return None
    return re.sub(rf"(?<![\w:$]){re.escape(defined[0])}(?![\w])", facts.proc_name, script)


def top_level(script: str) -> list[tuple[str, str]]:
    """(command name, source text) of each top-level command, in order."""
    tree = parse_tcl(script)
    return [(u.name, tree.span(u.start, u.end)) for u in tree.commands if not u.nested and u.start >= 0]


def compose(changes: str, report: str, catalog: Catalog, rules: dict, again: bool = False) -> str | None:
    """Constraints from one candidate followed by the reports of another (`again`: the reports
    before the constraints as well, "print the WNS, then set ... and print it again")."""
    mods = [text for name, text in top_level(changes) if is_change(name, catalog, rules)]
    reads = [text for name, text in top_level(report) if not is_change(name, catalog, rules)]
    if not mods or not reads:
        return None
    return "\n".join((reads if again else []) + mods + reads) + "\n"


_LISTING = re.compile(r"^foreach (\w+) (\[.*\]) \{\s*\n?\s*puts (\[get_(full_)?name \$\1\]|\$\1)\s*\n?\s*\}\s*$", re.S)
_ANY_FOREACH = re.compile(r"^foreach (\w+) (\[[^\n]*\]) \{.*\}\s*$", re.S)
_OBJECT_QUERY = re.compile(r"^\[(all_inputs|all_outputs|all_registers|get_ports|get_pins|get_cells|get_nets)\b")


def _unsorted(query: str) -> str:
    """`[sta::sort_by_full_name [get_cells *]]` -> `[get_cells *]`."""
    m = re.fullmatch(r"\[sta::sort_by_full_name (\[.*\])\]", query)
    return m.group(1) if m else query


def focus(script: str, facts: RequestFacts, catalog: Catalog, rules: dict) -> str | None:
    """Only the reports the request names, in the order it names them ("TNS then WNS"),
    after any constraints; None when the script is not a plain list of commands."""
    if not facts.commands:
        return None
    lines = top_level(script)
    if not lines or any(name in ("foreach", "for", "while", "proc", "if", "set") for name, _ in lines):
        return None
    mods = [text for name, text in lines if is_change(name, catalog, rules)]
    reads = []
    for group in facts.commands:
        reads += [text for name, text in lines if name in group and text not in reads
                  and not is_change(name, catalog, rules)]
    if not reads:
        return None
    return "\n".join(mods + reads) + "\n"


def repeat_for_objects(script: str, facts: RequestFacts) -> str | None:
    """One command about one object, repeated for each object of that kind the request names."""
    lines = [l for l in script.strip().splitlines() if l.strip()]
    if len(lines) != 1:
        return None
    for kind in {m.kind for m in facts.mentions}:
        names = [m.name for m in facts.mentions if m.kind == kind and not m.role and "*" not in m.name]
        present = [n for n in names if re.search(rf"(?<![\w/]){re.escape(n)}(?![\w/])", lines[0])]
        if len(names) > 1 and len(present) == 1:
            return "\n".join(re.sub(rf"(?<![\w/]){re.escape(present[0])}(?![\w/])", n, lines[0])
                             for n in names) + "\n"
    return None


def idioms(script: str, facts: RequestFacts) -> list[str]:
    """Listing scripts turned into what the request asks: a count, or sorted names."""
    text = script.strip()
    out = []
    repeated = repeat_for_objects(script, facts)
    if repeated:
        out.append(repeated)
    if facts.wants_count:
        m = _ANY_FOREACH.match(text)
        if m and text.count("\n") < 8:
            out.append(f"puts [llength {m.group(2)}]\n")
    if facts.wants_sorted:
        m = _LISTING.match(text)
        if m is None and {"names", "name"} & facts.said and not facts.wants_count \
                and not facts.wants_print:
            # "the names of ...": the objects a loop walks (after its accumulators are set)
            m = _ANY_FOREACH.match(re.sub(r'^(set \w+ (\{\}|0|"")\s*\n)+', "", text))
            m = m if m and _OBJECT_QUERY.match(_unsorted(m.group(2))) else None
        if m:
            var, query = m.group(1), _unsorted(m.group(2))
            out.append(f"foreach n [lsort [lmap {var} {query} {{get_full_name ${var}}}]] {{ puts $n }}\n")
        elif (ordered := sorted_loop(script)) is not None:
            out.append(ordered)
    if facts.wants_sorted and not facts.sorted_by_value and (ordered := sorted_dict(script)) is not None:
        out.append(ordered)
    if (swept := sweep_values(script, facts.number_lists)) is not None:
        out.append(swept)
    if many_paths(facts) and (looped := every_path(script)) is not None:
        out.append(looped)
    if (n := worst_n(facts)) and (first := first_rows(script, n)) is not None:
        out.append(first)
    return out


def _path_counts(facts: RequestFacts) -> list[int]:
    """The values of the request's path-count hints ("the 5 worst" -> [5])."""
    return [int(h.value) for h in facts.hints
            if h.flag in ("-group_count", "-endpoint_count") and h.value.isdigit()]


def worst_n(facts: RequestFacts) -> int:
    """N of "the 5 worst" / "top 5" (the first count hint's value), else 0."""
    return next(iter(_path_counts(facts)), 0)


def many_paths(facts: RequestFacts) -> bool:
    """The request asks for several paths ("the 5 worst setup paths")."""
    return any(n > 1 for n in _path_counts(facts))


_UNDO = re.compile(r"^(unset_|remove_|reset_)")
_SIDES = frozenset({"-min", "-max", "-rise", "-fall", "-setup", "-hold"})


def extra_constraints(tree: TclTree, facts: RequestFacts, catalog: Catalog, rules: dict) -> list[CommandUse]:
    """Top-level commands the request did not ask for: undoing commands (unset_*, remove_*,
    reset_*), constraints of a purpose the lexicon knows but the request does not name (a
    copied set_input_delay when it asks for a clock), and repeats of a constraint on the same
    objects with no report between them; of repeats, the one with the request's numbers is kept;
    and a constraint for the other check ("a 2-cycle setup multicycle": a copied `-hold` one)."""
    if tree.syntax:
        return []
    other = {"max": "-hold", "min": "-setup"}.get(facts.path_delay)

    def numbered(use: CommandUse) -> bool:
        return any(has_number(w.text, n) for w in use.words for n in facts.numbers)

    # Other-purpose constraints are extra only beside one the request names.
    named = any(is_change(u.name, catalog, rules) and u.name not in facts.unnamed
                for u in tree.commands if not u.nested)
    extra, seen = [], {}
    for use in tree.commands:
        if use.nested or use.start < 0:
            continue
        if is_read(use, catalog, rules):
            seen = {}  # set, report, set again, report again: a sweep, not a repeat
            continue
        if (_UNDO.match(use.name) and not facts.wants_undo) or (named and use.name in facts.unnamed) \
                or any(w.text == other for w in use.words[1:]):
            extra.append(use)
            continue
        words = frozenset(w.text for w in use.words if not NUMBER.match(w.text))
        sides, key = words & _SIDES, (use.name, words - _SIDES)
        # The same statement again, or a plain one after a sided one on the same objects
        # (`-max 1.5`, then `0.1`: the plain one sets both sides).
        first = next((u for s, u in seen.get(key, []) if s == sides or not sides), None)
        seen.setdefault(key, []).append((sides, use))
        if first is not None:
            extra.append(first if numbered(use) and not numbered(first) else use)
    return extra


def unalias(script: str, facts: RequestFacts, catalog: Catalog) -> str | None:
    """Commands the tool does not know renamed to what does the job (`print` -> `puts`)."""
    tree = parse_tcl(script)
    edits = [Edit(use.start, use.start + len(use.name.encode("utf-8")), facts.aliases[use.name])
             for use in tree.commands if use.name in facts.aliases and catalog.get(use.name) is None
             and use.start >= 0 and use.name not in tree.procs]
    return apply_edits(script, edits) if edits else None


def virtual_clock(script: str, facts: RequestFacts, catalog: Catalog) -> str | None:
    """"A virtual clock": the copied create_clock's source objects (and -add) removed."""
    spec = catalog.get("create_clock")
    if not facts.wants_virtual or spec is None:
        return None
    edits = [Edit(use.words[i - 1].end if i else use.words[i].start, use.words[i].end, "")
             for use in parse_tcl(script).commands if use.name == "create_clock"
             for i, flag in clock_words(use, spec) if flag is None or flag.name == "-add"]
    return apply_edits(script, edits) if edits else None


def clock_words(use: CommandUse, spec) -> list[tuple[int, object]]:
    """create_clock's words that are not a flag's value, each with its flag (None: a source object)."""
    out, words, i = [], use.words, 0
    while i < len(words):
        flag, _ = spec.match_flag(words[i].text) if words[i].text.startswith("-") else (None, None)
        out.append((i, flag))
        i += 2 if flag is not None and flag.takes_value else 1
    return out


def tidy(script: str, facts: RequestFacts, catalog: Catalog, rules: dict) -> str | None:
    """The script without the constraints nobody asked for; None when there are none."""
    tree = parse_tcl(script)
    extra = extra_constraints(tree, facts, catalog, rules)
    if not extra:
        return None
    data = script_bytes(script)
    out = apply_edits(script, [Edit(u.start, data.find(b"\n", u.end) + 1, "") for u in extra])
    return out if out.strip() else None


def modifies(script: str, catalog: Catalog, rules: dict) -> bool:
    return any(is_change(use.name, catalog, rules) for use in parse_tcl(script).commands)


def variants(script: str, facts: RequestFacts, catalog: Catalog, rules: dict,
             design: DesignFacts | None) -> list[str]:
    """The script adapted to the request: substituted, hinted, and hinted + pruned."""
    script = unalias(script, facts, catalog) or script
    changes = partial(is_change, catalog=catalog, rules=rules)
    base = substitute(script, facts, design)
    base = constraint_objects(base, facts, changes) or base
    base = rename_proc(base, facts) or base
    out = [script, base, apply_hints(base, facts, catalog, rules, prune=False),
           apply_hints(base, facts, catalog, rules, prune=True)]
    out += [v for s in list(out) for v in idioms(s, facts)]
    out += [f for s in list(out) if (f := focus(s, facts, catalog, rules))]
    out += [t for s in list(out) if (t := tidy(s, facts, catalog, rules))]
    out += [v for s in list(out) if (v := virtual_clock(s, facts, catalog))]
    for s in list(out):  # "sweep X over a, b and c": set and report once per value
        if (swept := sweep_loop(s, facts.number_lists, changes)) is not None:
            out += [swept] + [v for v in [with_loop_value(swept, facts.templates, "$v")] if v]
    for derive in DERIVATIONS:
        out += [d for s in list(out) if (d := derive(s, facts))]
    out += [r for s in list(out) if (r := reshape(s, facts.templates))]
    out = [init_accumulators(s) or s for s in out]
    return list(dict.fromkeys(s if s.endswith("\n") else s + "\n" for s in out))
