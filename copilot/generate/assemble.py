"""Several constraints, then reports: one statement per command the request names.

"Redefine clk at 1.9 ns, set a 0.05 ns uncertainty, add a 0.1 ns clock transition, then
report TNS and the 3 worst endpoints": no example has that exact list, but the candidate pool
has each part. The constraints come first, each from the best candidate that uses its command,
in the order the request names them (so the request's numbers land in the same order); the
reports of each named report command follow in request order, then the rest of the best
read-only candidate. The result is adapted and ranked like any other candidate.
"""

from __future__ import annotations

import re
from typing import Callable

from copilot.checks.tcl_tree import parse_tcl
from copilot.generate.edits import Edit, apply_edits
from copilot.generate.grounding import NUMBER, top_level
from copilot.generate.hints import RequestFacts
from copilot.generate.loops import SWEEP_HEAD
from copilot.generate.printing import render


PLACES = 5  # candidates a constraint statement is chosen from
READERS = 4  # read-only candidates tried as the reports that follow
_REDIRECT = re.compile(r"\s+>>?\s*\S+\s*$")


def named_constraints(facts: RequestFacts, changes: Callable[[str], bool]) -> list[tuple[str, ...]]:
    """The request's command groups that set constraints (a group's first command decides)."""
    return [g for g in facts.commands if changes(g[0])]


def _plainness(texts: list[str], virtual: bool) -> tuple:
    """Sort key: statements with objects (unless a virtual clock is wanted), then fewest flags
    (flags nobody asked for are often copied from an example about something else)."""
    objects = all("[get_" in t or "[all_" in t for t in texts)
    return (objects == virtual, sum(w.startswith("-") for t in texts for w in t.split()))


def _first_with(ranked: list[list[tuple[str, str]]], group: tuple[str, ...],
                keep: Callable[[str], bool], facts: RequestFacts, plain: bool = True) -> list[str]:
    """The statements of `group`'s commands: of the best PLACES distinct ones, the
    plainest (`plain`, for constraints) or the best (for reports, whose flags follow the
    request's hints); a copied `> file` redirection goes unless the request asks for a file."""
    found: list[list[str]] = []
    for lines in ranked:
        f = [text if facts.wants_file else _REDIRECT.sub("", text) for name, text in lines
             if name in group and keep(name)]
        if f and f not in found and not any("$" in t for t in f):  # a variable set elsewhere is not there
            found.append(f)
    found = found[:PLACES]
    if not plain:
        return next(iter(found), [])
    return min(found, key=lambda texts: _plainness(texts, facts.wants_virtual), default=[])


def _renumber(mods: list[str], facts: RequestFacts) -> list[str]:
    """The request's numbers, in its order, as the values of the constraints (which are in
    its order too): the first number of each statement takes the next one. A clock's copied
    -waveform goes with its old period."""
    hinted = {h.value for h in facts.hints}
    numbers = [n for n in facts.numbers if n not in hinted]
    out = []
    for text in mods:
        commands = parse_tcl(text).commands
        words = commands[0].words if commands else []
        first = next((w for w in words if w.literal and NUMBER.match(w.text)), None)
        if first is None or not numbers:
            out.append(text)
            continue
        edits = [Edit(first.start, first.end, numbers.pop(0))]
        at = [i for i, w in enumerate(words) if w.text == "-waveform"]
        if at and at[0] + 1 < len(words) and not any(h.flag == "-waveform" for h in facts.hints):
            edits.append(Edit(words[at[0]].start, words[at[0] + 1].end, ""))
        out.append(re.sub(r"(?<=\S)  +", " ", apply_edits(text, edits)))
    return out


def assemble(ranked_scripts: list[str], facts: RequestFacts, changes: Callable[[str], bool]) -> list[str]:
    """Scripts built from the best parts of the ranked candidates, one per read-only candidate
    whose reports end them (none when the request names no constraint the candidates have)."""
    ranked = [top_level(s) for s in ranked_scripts]
    # The reports of every candidate (a changing one's too): statements that change nothing.
    reading = [kept for lines in ranked if (kept := [(n, t) for n, t in lines if not any(
        changes(u.name) for u in parse_tcl(t).commands)])]
    setting = named_constraints(facts, changes)
    changing = [lines for lines in ranked if any(changes(n) for n, _ in lines)][:3]
    if not setting or (len(setting) == 1 and any(n in setting[0] for lines in changing for n, _ in lines)):
        return []  # one constraint the best candidates already have: compose() pairs those
    mods: list[str] = []
    reads: list[str] = []
    taken: set[str] = set()
    for group in facts.commands:
        if changes(group[0]):
            mods += [t for t in _first_with(ranked, group, changes, facts) if t not in mods]
        else:  # with lines to print, a report's own text is not wanted (its value goes in a puts)
            found = _first_with(ranked, group, lambda n: not changes(n) and not (
                facts.wants_print and n.startswith("report_")), facts, plain=False)
            reads += [t for t in found if t not in reads]
            taken.update(group if found else ())
    if not mods:
        return []
    mods = _renumber(mods, facts)
    out = []
    for lines in reading:  # each of the best read-only candidates that add something
        more = [text for name, text in lines if text not in reads and name not in taken
                and (facts.wants_file or (not _REDIRECT.search(text) and "[file " not in text))]
        if more and len(out) < READERS:
            out.append("\n".join(mods + reads + more) + "\n")
    return out or (["\n".join(mods + reads) + "\n"] if reads else [])


def swap_constraint(ranked_scripts: list[str], facts: RequestFacts, changes: Callable[[str], bool]) -> list[str]:
    """"Sweep the clock uncertainty over ...": the best sweep loops that set something else
    set the named constraint instead (the plainest statement of it any candidate has, its value
    the loop's variable)."""
    setting = named_constraints(facts, changes)
    if len(setting) != 1:
        return []
    group = setting[0]
    donors = []
    for script in ranked_scripts:
        tree = parse_tcl(script)
        donors += [(tree.span(u.start, u.end), u) for u in tree.commands if u.name in group and u.start >= 0]
    donors = [d for d in donors if not any("[" in w.text and "$" in w.text for w in d[1].words)]
    if not donors:
        return []
    text, use = min(donors[:PLACES], key=lambda d: _plainness([d[0]], facts.wants_virtual))
    value = next((w for w in use.words if (w.literal and NUMBER.match(w.text)) or w.text.startswith("$")), None)
    if value is None:
        return []
    out = []
    for script in ranked_scripts:
        loop = SWEEP_HEAD.search(script)
        tree = parse_tcl(script)
        setters = [u for u in tree.commands if u.nested and u.start >= 0 and changes(u.name)]
        if loop is None or not setters or any(u.name in group for u in setters):
            continue
        # the value the replaced setter used (a proc's `$period`), else the loop's variable
        var = next((w.text for w in setters[0].words if re.fullmatch(r"\$\w+", w.text)), f"${loop.group(1)}")
        donor = text[:value.start - use.start] + var + text[value.end - use.start:]
        edits = [Edit(setters[0].start, setters[0].end, donor)]
        edits += [Edit(u.start, u.end, "") for u in setters[1:]]
        swapped = re.sub(r"\n[ \t]*\n", "\n", apply_edits(script, edits))
        if swapped not in out:
            out.append(swapped)
        if len(out) >= READERS:
            break
    return out


def what_if(ranked_scripts: list[str], facts: RequestFacts, changes: Callable[[str], bool]) -> list[str]:
    """"What would X buy us? Print the worst slack before and after": the metric the request
    names, measured before and after its constraints, printed in its lines (a slot after
    neither word is the difference, after minus before)."""
    temps = [t for t in facts.templates if t.slots]
    said = " ".join(w for t in temps for w in t.literal_words()).lower().split()
    if "before" not in said or "after" not in said:
        return []
    metric = next((c for g in facts.commands if not changes(g[0]) for c in g if c.startswith("sta::")), None)
    setting = named_constraints(facts, changes)
    if metric is None or not setting:
        return []
    side = "-min" if facts.path_delay == "min" else "-max"
    ranked = [top_level(s) for s in ranked_scripts]
    mods = _renumber([t for g in setting for t in _first_with(ranked, g, changes, facts)], facts)
    if not mods:
        return []
    lines = [f"set before [{metric} {side}]", *mods, f"set after [{metric} {side}]"]
    for t in temps:
        values, word = [], ""
        for kind, text in t.parts:
            if kind == "text":
                word = (text.lower().split() or [word])[-1]
            else:
                values.append({"before": "$before", "after": "$after"}.get(word, "[expr {$after - $before}]"))
        lines.append(render(t, values, [".3f"] * len(values)))
    return ["\n".join(lines) + "\n"]
