"""Ranking: how well a candidate script expresses the request.

`coverage` scores a script against the request's facts (implied flags with their values,
named commands, objects and numbers, requested lines, no unrequested changes); `shortfalls`
names what a script plainly does not do, for ranking and repair.
"""

from __future__ import annotations

import re

from copilot.catalog.catalog import Catalog
from copilot.checks.tcl_tree import CommandUse, TclTree, parse_tcl
from copilot.generate.derive import DERIVATIONS
from copilot.generate.grounding import (changed_words, clock_words, constraint_only, extra_constraints, flag_at,
                                        has_number, is_change, is_read, many_paths, modifies, names_by_loop,
                                        names_object, unrequested_objects, virtual_clock, worst_n)
from copilot.generate.hints import Hint, RequestFacts
from copilot.generate.loops import LIST_LOOP, SWEEP_HEAD
from copilot.generate.metrics import UNIT_CHANGES
from copilot.generate.printing import conformity, printed_lines


def _sourceless(use: CommandUse, catalog: Catalog) -> bool:
    """A create_clock with no source objects (a virtual clock)."""
    spec = catalog.get("create_clock")
    if use.name != "create_clock" or spec is None:
        return False
    return all(flag is not None for _, flag in clock_words(use, spec))


def _has_value(use: CommandUse, spec, hint: Hint) -> bool:
    i = flag_at(use, spec, hint.flag)
    if i is None:
        return False
    if not spec.flags[hint.flag].takes_value:
        return True
    if i + 1 >= len(use.words):
        return False
    value = use.words[i + 1].text
    return hint.value in value.split() if hint.list_value else value.strip("{}") == hint.value


def _counts(script: str) -> bool:
    """The script counts something: `llength` of a list, or `incr` in a loop."""
    return "llength" in script or bool(re.search(r"\bincr\b", script))


# Words of a request that steps through values it does not list ("1.8 to 2.4 in 0.1 steps").
SEARCH_WORDS = frozenset({"step", "steps", "range", "between", "until", "smallest", "largest", "minimum",
                          "maximum", "search", "bisect", "bisection", "sweep", "try", "trying"})


# Words of a request about timing paths; without one, a port's guessed path role does not count.
TIMING_WORDS = frozenset({"path", "paths", "slack", "slacks", "arrival", "required", "timing", "delay",
                          "startpoint", "endpoint", "setup", "hold", "violating", "violations", "worst"})


def coverage(script: str, facts: RequestFacts, catalog: Catalog, rules: dict) -> float:
    """How well a script expresses the request: satisfied hints minus unexpressible ones,
    flags nobody asked for, and changes to the design nobody asked for (or missing ones)."""
    tree = parse_tcl(script)
    reads = [(u, catalog.get(u.name)) for u in tree.commands if is_read(u, catalog, rules)]
    reads = [(u, s) for u, s in reads if s is not None and s.flags]
    score = 0.0
    if modifies(script, catalog, rules) != facts.wants_change:
        score -= 3.0
    score -= 1.0 * len(extra_constraints(tree, facts, catalog, rules))
    every = [(u, s) for u in tree.commands if (s := catalog.get(u.name)) is not None]
    used = {u.name.lstrip(":") for u in tree.commands}
    # The tool's own function for a metric the request names (sta::total_negative_slack)
    # takes no path flags: the request's path wording is in it, not missing.
    metric = any(not s.flags and u.name.lstrip(":") in group for group in facts.commands
                 for u, s in every)
    for hint in facts.hints:
        pool = [(u, s) for u, s in every if u.name in hint.only] if hint.only else reads
        holders = [(u, s) for u, s in pool if hint.flag in s.flags]
        if not holders and hint.decimals and re.search(rf"%\.{hint.value}f", script):
            score += 1.0  # "with 3 decimals" for a printed value: `%.3f`, not a report's -digits
        elif not holders:
            score -= 0.0 if metric and not hint.only and not reads else 1.0
        elif any(_has_value(u, s, hint) for u, s in holders):
            score += 1.0
    changed = changed_words(tree, catalog, rules)
    words = facts.said
    timing = bool(words & TIMING_WORDS)
    listed = {var: items.split() for var, items in LIST_LOOP.findall(script)}  # foreach o {a b}
    for m in facts.mentions:
        # A role guessed from a port's direction says nothing when the request is not about timing.
        if m.role and (m.stated or timing) and any(
                m.role in s.flags and (names_object(u, s, m.role, m, facts) or names_by_loop(u, s, m, listed))
                for u, s in reads):
            score += -0.5 if constraint_only(m.name, facts, changed) else 1.0
        if m.name.replace("[*]", "") in script:
            score += 0.5
    for number in facts.numbers:
        if has_number(script, number):
            score += 0.5
    for group in facts.commands:
        score += 1.5 if used & set(group) else -1.5
    score += _report_order(tree, facts)
    if not facts.wants_print and "print" in words and "puts" in used:
        score += 0.5  # "print the direction of ...": a value printed, not a report about the object
    if facts.wants_print:
        score += 1.0 if "puts" in used else -2.0
        score -= 0.5 * len(_free_reports(tree))  # their text is not the requested lines
        if facts.number_lists and _sweep_hides_value(script):
            score -= 0.5  # a sweep that prints its lines without the swept value
        strings = " ".join(w.text for u in tree.commands if u.name in ("puts", "format") for w in u.words)
        for word in facts.printed:
            score += 0.5 if word in strings else -0.5
    swept = [m.group(2).split() for m in SWEEP_HEAD.finditer(script)]
    if facts.number_lists:  # a sweep over values the request does not list
        score -= 0.5 * sum(values not in facts.number_lists for values in swept)
    elif not words & SEARCH_WORDS:  # or a sweep where the request gives one value, not a range
        score -= 0.5 * sum(not set(values) <= set(facts.numbers) for values in swept)
    score += conformity(script, facts.templates)
    score -= 0.5 * _repeated_prints(tree)
    score -= 1.0 * _repeated_reads(tree, catalog, rules)
    if facts.read_again:  # "print it again": a report before the change and after it
        score += 1.0 if _read_around_change(tree, catalog, rules) else -1.0
    score -= 0.5 * min(3, len(unrequested_objects(script, facts)))
    if facts.wants_virtual and virtual_clock(script, facts, catalog) is not None:
        score -= 1.0  # a virtual clock has no source objects
    if not facts.wants_virtual and any(_sourceless(u, catalog) for u in tree.commands):
        score -= 1.0  # and a clock nobody asked to be virtual has them
    if facts.wants_count:
        score += 1.0 if _counts(script) else -1.0
        if not facts.wants_each and _prints_in_loop(tree):
            score -= 1.0  # "how many ...": one number, not a line per object
        if not facts.wants_each and facts.commands:  # and not also a count of other objects
            score -= 0.5 * len(set(re.findall(r"\[llength \[(\w+)", script)) & facts.unnamed_objects)
    if facts.pin_direction and re.search(rf"direction\s*==\s*\"?{facts.pin_direction}\b", script):
        score += 0.5  # "pins whose direction is output", said in the script's own terms
    if facts.wants_sorted:
        score += 1.0 if "lsort" in script or "sort_by" in script else -1.0
    said = " ".join(words)
    for arithmetic, wording in UNIT_CHANGES:  # a copied example's percent or MHz, not asked for
        if re.search(arithmetic, script) and not re.search(wording, said):
            score -= 1.0
    if many_paths(facts) and "[lindex [find_timing_paths" in script:
        score -= 0.5  # only the first of the paths asked for
    # A comparison with another threshold, pin names where instances are asked for...
    score -= 0.5 * sum(derive(script, facts) is not None for derive in DERIVATIONS)
    if worst_n(facts) and re.search(r"\[lrange \[lsort\b", script):
        score += 0.5  # "the 5 worst" of a sorted table
    wanted = {h.flag for h in facts.hints} | {m.role for m in facts.mentions}
    changing = [(u, s) for u, s in every if is_change(u.name, catalog, rules)]
    # flags nobody asked for: a report's, and a copied constraint's -clock_fall, -add_delay...
    for uses, unwanted in ((reads, facts.prune), (changing, facts.constraint_prune)):
        for u, s in uses:
            for flag in unwanted:
                if flag in s.flags and flag not in wanted and flag_at(u, s, flag) is not None:
                    score -= 0.5
    return score


def _sweep_hides_value(script: str) -> bool:
    m = SWEEP_HEAD.search(script)
    if m is None:
        return False
    inside = [p for p in printed_lines(script) if p.start > m.end()]
    return bool(inside) and not any(f"${m.group(1)}" in v for p in inside for v in p.values)


def _free_reports(tree: TclTree) -> list[CommandUse]:
    """report_* commands whose text goes to the output (not captured into a variable)."""
    captured = [u for u in tree.commands if u.name == "with_output_to_variable" and u.start >= 0]
    return [u for u in tree.commands if u.name.startswith("report_")
            and not any(c.start < u.start < c.end for c in captured)]


def _loops(tree: TclTree) -> list[CommandUse]:
    return [u for u in tree.commands if u.name in ("foreach", "for", "while") and u.start >= 0]


def _repeated_prints(tree: TclTree) -> int:
    """Print statements a loop step runs twice, word for word (a copied "with and without"
    line): the same value printed twice per step is not what a sweep asks for."""
    extra = 0
    for loop in _loops(tree):
        lines = [tree.span(u.start, u.end) for u in tree.commands
                 if u.name == "puts" and loop.start < u.start < loop.end]
        extra += len(lines) - len(set(lines))
    return extra


def _repeated_reads(tree: TclTree, catalog: Catalog, rules: dict) -> int:
    """Top-level reports given twice with the same words in any order and nothing changed
    between them: the same text printed twice."""
    extra, seen = 0, set()
    for use in tree.commands:
        if use.nested or use.start < 0:
            continue
        if not is_read(use, catalog, rules):
            seen = set()  # set, report, set again, report again: a sweep
            continue
        key = (use.name, tuple(sorted(w.text for w in use.words)))
        extra += key in seen
        seen.add(key)
    return extra


def _read_around_change(tree: TclTree, catalog: Catalog, rules: dict) -> bool:
    """A top-level report before the first change and after the last one."""
    top = [is_change(u.name, catalog, rules) for u in tree.commands if not u.nested and u.start >= 0]
    return True in top and not top[0] and not top[-1]


def _prints_in_loop(tree: TclTree) -> bool:
    loops = _loops(tree)
    return any(u.name == "puts" and any(loop.start < u.start < loop.end for loop in loops)
               for u in tree.commands)


def _report_order(tree, facts: RequestFacts) -> float:
    """-0.5 for each top-level report of a purpose the request does not name (a copied
    `report_worst_slack` when it asks for TNS and WNS), and for the named commands out of the
    request's order ("TNS then WNS")."""
    if not facts.commands:
        return 0.0
    top = [u.name for u in tree.commands if not u.nested]
    score = -0.5 * sum(1 for name in top if name.startswith("report_") and name in facts.unnamed)
    # and the tool's metric functions, wherever they are (`puts [... [sta::total_negative_slack]]`)
    score -= 0.5 * len({u.name for u in tree.commands if u.name.startswith("sta::") and u.name in facts.unnamed})
    firsts = [next(i for i, name in enumerate(top) if name in group)
              for group in facts.commands if any(name in group for name in top)]
    return score - (0.5 if firsts != sorted(firsts) else 0.0)


def shortfalls(script: str, facts: RequestFacts) -> list[str]:
    """What the request names that the script plainly does not do (for ranking and repair)."""
    used = {u.name.lstrip(":") for u in parse_tcl(script).commands}
    out = [f"the request asks for {' or '.join(group)}, which the script does not use"
           for group in facts.commands if not used & set(group)]
    if facts.wants_count and not _counts(script):
        out.append("the request asks for a count; print it with llength")
    return out
