"""Values a request derives from an example's loop: its threshold, the instance of a pin,
a sorted walk over a dict, and a summary line after the loop.

"registers with a slack below 0.29 ns" against an example that tests `$s < 0`; "print
INSTANCE SLACK" against one that loops over D pins; "sorted alphabetically" against a
histogram printed with `dict for`.
"""

from __future__ import annotations

import re

from copilot.checks.tcl_tree import parse_tcl
from copilot.generate.edits import Edit, apply_edits
from copilot.generate.hints import RequestFacts
from copilot.generate.loops import FIRST_PATH, LIST_LOOP, SWEEP_HEAD, over_named_objects
from copilot.generate.metrics import in_picoseconds, metric_side, metric_value, path_slack_value, without_frequency
from copilot.generate.printing import follows, printed_lines, render
from copilot.generate.selection import (counted_objects, listed_not_counted, of_direction, of_lib_cell,
                                        over_named_collection, whole_collection)

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


def summary_line(script: str, facts: RequestFacts) -> str | None:
    """"List the 3 worst hold paths, then print `min hold slack S`": the request's last line
    summarises the rows of the script's one loop (a count, minimum, maximum or sum of the
    rows' number, by the words of that line: lexicon `summaries`), printed once after the loop."""
    temps = [t for t in facts.templates if t.slots]
    if len(temps) != 2 or len(temps[-1].slots) != 1:  # a row's line, then the summary's
        return None
    last = temps[-1]
    tree = parse_tcl(script)
    top = [u for u in tree.commands if not u.nested and u.start >= 0]
    loops = [u for u in top if u.name == "foreach"]
    if len(loops) != 1 or any(u.start > loops[0].start and u.name == "puts" for u in top):
        return None
    loop = loops[0]
    inside = [p for p in printed_lines(script) if loop.start < p.start < loop.end]
    words = set(last.literal_words())
    misplaced = [p for p in inside if follows(p, last) or (words and words <= set(p.literal.split()))]
    rows = [p for p in inside if p not in misplaced]
    if not any(len(p.values) == len(temps[0].slots) for p in rows):
        return None
    said = " ".join(last.literal_words()).lower()
    kind = next((k for k, pattern in facts.summaries.items() if re.search(pattern, said)), None)
    if kind is None and last.slots[0] in ("N", "COUNT", "NUM"):
        kind = "count"
    numbers = [(v, c) for p in rows for v, c in zip(p.values, p.conversions) if c.lstrip("~").endswith(("f", "g"))]
    if kind is None or (kind != "count" and not numbers):
        return None
    value, conv = numbers[-1] if numbers else ("", "d")
    init, update = {
        "count": ("set summary 0", "incr summary"),
        "sum": ("set summary 0.0", f"set summary [expr {{$summary + {value}}}]"),
        "min": ('set summary ""', f'if {{$summary eq "" || {value} < $summary}} {{ set summary {value} }}'),
        "max": ('set summary ""', f'if {{$summary eq "" || {value} > $summary}} {{ set summary {value} }}'),
    }[kind]
    row = rows[-1]
    indent = script[script.rfind("\n", 0, row.start) + 1:row.start] if script.isascii() else "  "
    edits = [Edit(p.start, p.end, "") for p in misplaced]
    edits += [Edit(loop.start, loop.start, init + "\n"), Edit(row.end, row.end, "\n" + indent + update),
              Edit(loop.end, loop.end, "\n" + render(last, ["$summary"], ["d" if kind == "count" else conv]))]
    out = apply_edits(script, edits)
    return re.sub(r"\n[ \t]*(?=\n)", "", out)


_CREATED_CLOCK = re.compile(r"^\s*create_clock\b[^\n]*?-name\s+(\w+)", re.M)
_CLOCK_REPORT = re.compile(r"^(\s*report_clock_properties)\b([^\n]*)$", re.M)


def clock_scope(script: str, facts: RequestFacts) -> str | None:
    """"the properties of all clocks" -> `report_clock_properties [all_clocks]`; "of vclk2
    only", a clock the script creates and the request names again -> `[get_clocks vclk2]`."""
    m = _CLOCK_REPORT.search(script)
    if m is None:
        return None
    if facts.wants_all_clocks:
        if not m.group(2).strip():
            return None  # with no clocks given, the report has them all
        scope = " [all_clocks]"
    else:
        created = [c for c in _CREATED_CLOCK.findall(script) if c in facts.repeated]
        if not created:
            return None
        scope = f" [get_clocks {created[-1]}]"
    if m.group(2).strip() == scope.strip():
        return None
    return script[:m.start()] + m.group(1) + scope + script[m.end():]


_CLOCK_REFERENCE = re.compile(r"(\[get_clocks |-clock )(\w+)(?=[\]\s])")


def created_clock_refs(script: str, facts: RequestFacts) -> str | None:
    """"Create vclk ..., give it a 0.1 ns uncertainty, constrain the outputs relative to vclk":
    after the script creates a clock the request names again, the constraints that refer to a
    clock the request does not name (copied from an example about clk) refer to the new one."""
    created = [(m.end(), m.group(1)) for m in _CREATED_CLOCK.finditer(script) if m.group(1) in facts.repeated]
    if len(created) != 1:
        return None
    at, name = created[0]
    own = set(_CREATED_CLOCK.findall(script))
    tail = _CLOCK_REFERENCE.sub(lambda m: m.group(1) + name if m.group(2) not in own
                                and m.group(2) not in facts.words else m.group(0), script[at:])
    return script[:at] + tail if tail != script[at:] else None


_QUERY_LOOP = re.compile(r"^(\s*foreach \w+ )(\[get_(?:ports|pins|cells|nets) [^\[\]\n]+\])( \{)", re.M)


def mixed_objects(script: str, facts: RequestFacts) -> str | None:
    """"the direction of port busy and of pin _176_/Y": a loop over one query goes over all the
    objects the request names, of whatever kinds, in its order."""
    named = [m for m in facts.mentions if m.kind in ("port", "pin", "cell", "net")]
    if len(named) < 2 or len({m.kind for m in named}) < 2:
        return None
    m = _QUERY_LOOP.search(script)
    if m is None:
        return None
    objects = " ".join(x.query() for x in named)
    return script[:m.start(2)] + f"[concat {objects}]" + script[m.end(2):]


def _path_value(word: str, var: str, hold: bool) -> str | None:
    """The Tcl for a value of path `var` the request names by `word` (required = arrival +
    slack for setup, arrival - slack for hold)."""
    arrival = f"[get_property [lindex [get_property ${var} points] end] arrival]"
    slack = f"[get_property ${var} slack]"
    return {"slack": slack, "arrival": arrival,
            "required": f"[expr {{{arrival} {'-' if hold else '+'} {slack}}}]",
            "startpoint": f"[get_full_name [get_property ${var} startpoint]]",
            "endpoint": f"[get_full_name [get_property ${var} endpoint]]"}.get(word)


_REPORT_ONLY = {"-digits", "-format", "-fields", "-no_line_splits", "-sort_by_slack"}
_PATH_VALUE = re.compile(r"\b(slack|arrival|wns|tns)\s*$", re.I)


def measured_sweep(script: str, facts: RequestFacts) -> str | None:
    """"For loads of 0.02, 0.05 and 0.1, print `load L slack S`": a sweep loop that prints a
    timing report each time measures the worst path of that report instead and prints the
    loop's value and the path's value in the request's line."""
    loop = SWEEP_HEAD.search(script)
    temps = [t for t in facts.templates if t.slots]
    if loop is None or len(temps) != 1 or len(temps[0].slots) != 2 or "puts" in script:
        return None
    before = "".join(text for kind, text in temps[0].parts[:temps[0].parts.index(("slot", temps[0].slots[1]))]
                     if kind == "text")
    word = _PATH_VALUE.search(before)
    if word is None:
        return None
    prop = word.group(1).lower()
    tree = parse_tcl(script)
    reports = [u for u in tree.commands if u.nested and u.name == "report_checks" and u.start > loop.start()]
    if len(reports) != 1:
        return None
    use = reports[0]
    words, kept, skip = use.words, [], False
    for i, w in enumerate(words):
        if skip:
            skip = False
        elif w.text in _REPORT_ONLY:
            skip = i + 1 < len(words) and not words[i + 1].text.startswith("-")
        else:
            kept.append(w.text)
    indent = script[script.rfind("\n", 0, use.start) + 1:use.start]
    side = "-min" if facts.path_delay == "min" else "-max"
    # slack, arrival: the report's path's; WNS/TNS: the design's
    value = _path_value(prop, "pe", side == "-min") or \
        {"wns": f"[sta::worst_slack {side}]", "tns": f"[sta::total_negative_slack {side}]"}[prop]
    path = f"set pe [lindex [find_timing_paths {' '.join(kept)}] 0]\n{indent}" if "$pe" in value else ""
    body = f"{path}puts [format \"%s %.3f\" ${loop.group(1)} {value}]"
    return apply_edits(script, [Edit(use.start, use.end, body.replace("find_timing_paths ]", "find_timing_paths]"))])


_COUNTING_LOOP = re.compile(r"^foreach (\w+) (\[[^\n]*\]) \{\s*incr (\w+)\s*\}$", re.M)


def rows_then_count(script: str, facts: RequestFacts) -> str | None:
    """"Print each violating endpoint, sorted, then a final line `violating endpoints: N`": a
    loop that only counts also lists what it counts (a path's endpoint, or the object), one
    per line before the count line, sorted by name when asked."""
    temps = [t for t in facts.templates if t.slots]
    if not facts.wants_each or facts.wants_count or len(temps) != 1 or len(temps[0].slots) != 1:
        return None  # ("how many ...": the count alone)
    said = " ".join(temps[0].literal_words()).lower()
    if not (re.search(facts.summaries.get("count", r"$^"), said) or temps[0].slots[0] in ("N", "COUNT", "NUM")):
        return None
    m = _COUNTING_LOOP.search(script)
    if m is None or "lappend" in script:
        return None
    var, items, counter = m.groups()
    if items.startswith("[find_timing_paths"):
        end = "startpoint" if any(w.lower().startswith("startpoint") for w in facts.words) else "endpoint"
        item = _path_value(end, var, False)
    else:
        item = f"[get_full_name ${var}]"
    order = "[lsort $rows]" if facts.wants_sorted and not facts.sorted_by_value else "$rows"
    loop = (f"set rows {{}}\nforeach {var} {items} {{\n  incr {counter}\n  lappend rows {item}\n}}\n"
            f"foreach r {order} {{ puts stdout $r }}")  # a row, not the count line the request shapes
    return script[:m.start()] + loop + script[m.end():]


_POINTS_LOOP = re.compile(r"^(\s*foreach \w+ )(\[get_property \$\w+ points\])(?= \{)", re.M)


def without_start(script: str, facts: RequestFacts) -> str | None:
    """"The cells along the path, excluding the launching register": a walk over a path's
    points starts at its second point (the first is the launching register's output)."""
    m = _POINTS_LOOP.search(script) if facts.skip_start else None
    if m is None:
        return None
    return script[:m.start(2)] + f"[lrange {m.group(2)} 1 end]" + script[m.end(2):]


_PATH_LOOP = re.compile(r"^foreach (\w+) (\[find_timing_paths [^\n]*\]) \{$")


def path_values(script: str, facts: RequestFacts) -> str | None:
    """"For the worst path to X print `arrival A`, `required R` and `slack S`": after the
    script's one path query, one line per requested line, each value the path's own by the
    word before it."""
    temps = [t for t in facts.templates if t.slots]
    lines = script.rstrip("\n").split("\n")
    at = next((i for i, line in enumerate(lines) if FIRST_PATH.match(line) or (
        not facts.wants_each and _PATH_LOOP.match(line))), None)
    if not temps or at is None or any(line != line.lstrip() for line in lines[:at]):
        return None  # a top-level path (or a loop over paths where one is asked for)
    first = FIRST_PATH.match(lines[at])
    if first is None:  # the loop's body goes with it
        var, query = _PATH_LOOP.match(lines[at]).groups()
        lines[at] = f"set {var} [lindex {query} 0]"
    elif any(line != line.lstrip() for line in lines):
        return None
    else:
        var = first.group(1)
    hold = facts.path_delay == "min"
    out = []
    for t in temps:
        values, text = [], ""
        for kind, part in t.parts:
            if kind == "text":
                text += part
                continue
            words = re.findall(r"[a-z]+", text.lower())
            value = _path_value(words[-1] if words else "", var, hold)
            if value is None:
                return None
            values.append(value)
            text = ""
        out.append(render(t, values, ["" if "full_name" in v else ".3f" for v in values]))
    derived = "\n".join(lines[:at + 1] + out) + "\n"
    return derived if derived != script else None


_PIN_SLACK = re.compile(r"\b(max|min)_(rise|fall)_slack\b")


def slack_side(script: str, facts: RequestFacts) -> str | None:
    """"The worst hold slack at the pin": a pin's `max_rise_slack`/`max_fall_slack` (setup)
    become `min_…` (hold), and the other way round, as the request's path delay says."""
    side = facts.path_delay
    if side not in ("min", "max"):
        return None
    out = _PIN_SLACK.sub(lambda m: f"{side}_{m.group(2)}_slack", script)
    return out if out != script else None


def _dict_walks(script: str):
    """The script's `dict for {key value} $d BODY` commands: (use, key, value, dict name)."""
    for use in parse_tcl(script).commands:
        if use.name == "dict" and len(use.words) == 4 and use.words[0].text == "for" \
                and len(use.words[1].text.split()) == 2 and use.words[2].text.startswith("$"):
            key, value = use.words[1].text.split()
            yield use, key, value, use.words[2].text[1:]


def dict_threshold(script: str, facts: RequestFacts) -> str | None:
    """"Each library cell used by at least 10 instances": a walk over a tally with no
    comparison keeps only the entries whose count passes the request's one threshold."""
    if len(facts.thresholds) != 1 or _COMPARISON.search(script) or not script.isascii():
        return None
    op, number = facts.thresholds[0]
    walks = list(_dict_walks(script))
    if len(walks) != 1:
        return None
    use, _, value, _ = walks[0]
    body = use.words[3]
    inner = script[body.start:body.end]
    return script[:body.start] + f"{{ if {{${value} {op} {number}}} {inner} }}" + script[body.end:]


_SHARE_SLOTS = ("PCT", "PERCENT", "SHARE")


def share_column(script: str, facts: RequestFacts) -> str | None:
    """"`NAME COUNT PCT%` where PCT is its share of all instances": the line printing each
    entry of a tally gets the count's share of the tally's total, in percent, in the slot
    the request gives it (after the count)."""
    temps = [t for t in facts.templates if t.slots]
    if len(temps) != 1 or not script.isascii():
        return None
    t = temps[0]
    at = next((i for i, slot in enumerate(t.slots) if slot in _SHARE_SLOTS), None)
    tallies = re.findall(r"\bdict incr (\w+)\b", script)
    walks = list(_dict_walks(script))
    if at is None or at == 0 or len(set(tallies)) != 1 or len(walks) != 1:
        return None
    rows = [p for p in printed_lines(script) if len(p.values) == len(t.slots) - 1]
    if len(rows) != 1:
        return None
    row = rows[0]
    count = row.values[at - 1]
    values = row.values[:at] + [f"[expr {{100.0 * {count} / $total}}]"] + row.values[at:]
    conversions = row.conversions[:at] + [".1f"] + row.conversions[at:]
    walk = walks[0][0]
    total = f"set total 0\nforeach c [dict values ${tallies[0]}] {{ incr total $c }}\n"
    edits = [Edit(walk.start, walk.start, total), Edit(row.start, row.end, render(t, values, conversions))]
    return apply_edits(script, edits)


_BY_VALUE = re.compile(r"\[lsort (?:-(?:integer|real|decreasing|increasing) )+-index 1 ")


def rows_by_name(script: str, facts: RequestFacts) -> str | None:
    """"Sorted alphabetically" (not by a value): rows sorted by their number are sorted by
    their name instead."""
    if not facts.wants_sorted or facts.sorted_by_value:
        return None
    out = _BY_VALUE.sub("[lsort -index 0 ", script)
    return out if out != script else None


def reverse_names(script: str, facts: RequestFacts) -> str | None:
    """"In reverse alphabetical order": the script's name sorts run from Z to A."""
    if not facts.reverse_sorted or "-decreasing" in script:
        return None
    out = re.sub(r"\[lsort (?!-(?:integer|real)\b)", "[lsort -decreasing ", script)
    return out if out != script else None


_CHECK = re.compile(r"^([ \t]*)if (\{[^\n]*\}) \{\n[ \t]*puts [^\n]*\n[ \t]*\} else \{\n[ \t]*puts [^\n]*\n[ \t]*\}", re.M)


def verdict_lines(script: str, facts: RequestFacts) -> str | None:
    """"Print VIOLATED if ..., otherwise MET": a check's two printed lines are those words."""
    m = _CHECK.search(script)
    if not facts.verdict or m is None:
        return None
    yes, no = facts.verdict
    pad = m.group(1)
    check = f"{pad}if {m.group(2)} {{\n{pad}  puts {yes}\n{pad}}} else {{\n{pad}  puts {no}\n{pad}}}"
    return script[:m.start()] + check + script[m.end():] if check != m.group(0) else None


_FORMAT = re.compile(r'\[format "([^"]*)" ([^\]\[]*(?:\[[^\]]*\][^\]\[]*)*)\]')
_CONVERSION = re.compile(r"%[-+ 0#]*\d*(?:\.\d+)?[a-z]")
_ARG = re.compile(r"\[(?:[^\[\]]|\[(?:[^\[\]]|\[[^\[\]]*\])*\])*\]|[^\s\[\]]+")  # a format's arguments


def values_as_given(script: str, facts: RequestFacts) -> str | None:
    """"Sweep ... over 0, 0.1 and 0.2 and print `U WNS`": the swept values print as the
    request wrote them (`%s`), unless it gives their decimals."""
    swept = {var: items.split() for var, items in LIST_LOOP.findall(script) if items.split() in facts.number_lists}
    temps = [t for t in facts.templates if t.slots and t.default_decimals is None]
    if not swept or len(temps) != 1:
        return None
    asked = dict(temps[0].decimals)

    def plain(m: re.Match) -> str:
        spec, args = m.group(1), _ARG.findall(m.group(2))
        convs = list(_CONVERSION.finditer(spec))
        if len(convs) != len(args) or len(args) != len(temps[0].slots):
            return m.group(0)
        for conv, arg, slot in reversed(list(zip(convs, args, temps[0].slots))):
            values = swept.get(arg.lstrip("$"), [])
            if values and conv.group(0).endswith("f") and slot not in asked and \
                    any(conv.group(0) % float(v) != v for v in values):  # (2.5 as %.1f is as written)
                spec = spec[:conv.start()] + "%s" + spec[conv.end():]
        return f'[format "{spec}" {m.group(2)}]'
    out = _FORMAT.sub(plain, script)
    return out if out != script else None


# Applied to every variant (they combine with the other adaptations); a script one of them
# would still change does not yet say what the request asks, which coverage counts against it.
DERIVATIONS = (whole_collection, mixed_objects, with_threshold, instance_of_pins, summary_line, clock_scope,
               measured_sweep, created_clock_refs, rows_then_count, without_start,
               path_values, slack_side, dict_threshold, share_column,
               rows_by_name, reverse_names, metric_side, metric_value,
               without_frequency, path_slack_value, over_named_objects, over_named_collection, of_lib_cell,
               of_direction, counted_objects, listed_not_counted, in_picoseconds, verdict_lines,
               values_as_given)
