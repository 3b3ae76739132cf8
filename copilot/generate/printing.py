"""Printed lines shaped the way the request spells them: `PORT SLACK`, `setup: X`, 3 decimals.

Requests often give the output as a template in backticks. A retrieved or generated script
usually computes the right values but prints them its own way (`%-10s %7.3f`, `inputs: N`,
both values on one line). `reshape` rewrites the script's `puts` commands into the request's
templates: its values, in order, go into the placeholders; the literal text comes from the
template; decimals follow "with N decimals". The rewritten script is only a candidate: it is
checked and run like any other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from copilot.checks.tcl_tree import parse_tcl, script_bytes
from copilot.generate.edits import Edit, apply_edits

_CONVERSION = re.compile(r"%(?:%|[-+ 0#]*\d*(?:\.(\d+))?([a-zA-Z]))")
_METRICS = ("WNS", "TNS", "WHS", "THS")
_SLACK_SLOTS = (*_METRICS, "SLACK", "S", "WS")
_TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_BARE = re.compile(r"\b(only|just) the (number|count|value|total)\b|\bthe (number|count|value) (only|alone)\b"
                   r"|\bnothing but the (number|count|value)\b", re.I)
# "Print the direction of port rst_n.": one property of one named object, printed alone.
_ONE_PROPERTY = re.compile(r"^\s*(print|show|give me|what is|what's) (just |only )?the ([a-z_]+( [a-z_]+)?) of "
                           r"(the )?(port|pin|net|cell|instance|clock|library cell|lib cell) [\w\[\]/.]+\s*[.?]?\s*$", re.I)
_ONE_PER_LINE = re.compile(r"\bone (per|a|on each) line\b|\bone per row\b", re.I)
_TOGETHER = re.compile(r"\b(together with|along with|with (its|their|the)|and (its|their))\b", re.I)
_DECIMALS = re.compile(r"(\d+)\s*(?:decimals?|decimal places|digits after the (?:decimal )?point)\b")
# Values whose text says they are numbers (slack, arrival...): these take the decimals.
NUMERIC = re.compile(r"slack|arrival|required|period|delay|latency|uncertainty|derate|expr|"
                      r"capacitance|slew|transition|load|\$(s|w|h|v|x|y|tns|wns|sum|total|avg)\b")


@dataclass(frozen=True)
class Template:
    """One printed line: literal text and named placeholders, with decimals per placeholder."""

    parts: tuple[tuple[str, str], ...]  # ("text", literal) | ("slot", placeholder name)
    decimals: tuple[tuple[str, int], ...] = ()  # "P with 1 decimal"
    default_decimals: int | None = None  # "values with 3 decimals": for numeric values
    implicit: bool = False  # no template given, only "print X with 3 decimals"

    @property
    def slots(self) -> list[str]:
        return [value for kind, value in self.parts if kind == "slot"]

    def literal_words(self) -> list[str]:
        return [w for kind, text in self.parts if kind == "text" for w in re.findall(r"[^\s\[\]%]+", text)
                if not any(c.isdigit() for c in w)]

    def places(self, slot: str, value: str, conversion: str) -> int | None:
        """Decimals for the value printed in `slot`: asked for it, or for numbers in general."""
        explicit = dict(self.decimals).get(slot)
        if explicit is not None:
            return explicit
        numeric = conversion.endswith(("f", "g", "e")) or NUMERIC.search(value)
        return self.default_decimals if numeric else None


def _is_placeholder(token: str, words: set[str], text: str) -> bool:
    if not token.isupper():
        return False
    if len(token) == 1 or token in words:
        return True
    return bool(re.search(rf"\bwhere {token}\b|\b{token} (is|are|with|the|being)\b", text))


def _decimals(text: str, names: list[str]) -> tuple[dict[str, int], int | None]:
    """Decimals per placeholder ("P with 1 decimal", "3 decimals for WNS") and for the rest
    ("with 3 decimals");
    `names` are the placeholders that may hold numbers."""
    outside = re.sub(r"`[^`]*`", " ", text)
    per: dict[str, int] = {}
    default = None
    for m in _DECIMALS.finditer(outside):
        before = outside[max(0, m.start() - 80):m.start()]
        before = re.split(r"[;.](?:\s|$)|`", before)[-1]
        after = re.match(r"\s+(?:for|on|in)\s+(?:the\s+)?(\w+)", outside[m.end():])
        near = [n for n in names if after and n not in per and n.lower() == after.group(1).lower()]
        for clause in reversed(re.split(r"[,()]", before) if not near else []):  # the nearest clause naming one
            near = [n for n in names if n not in per and re.search(
                rf"(?<![\w\[]){re.escape(n)}(?![\w\]])", clause, 0 if len(n) == 1 else re.IGNORECASE)]
            if near:
                break
        if not near and re.search(r"\b(slack|wns|tns) (in|with|to|at)\s*$", before, re.I):
            # "with the worst setup slack in 3 decimals": the one slot that holds a slack
            near = [n for n in names if n not in per and n.upper() in _SLACK_SLOTS][:2]
            near = near if len(near) == 1 else []
        for n in near:
            per[n] = int(m.group(1))
        if not near and default is None:
            default = int(m.group(1))
    return per, default


def templates(text: str, placeholder_words: list[str] | tuple[str, ...] = (),
              text_words: list[str] | tuple[str, ...] = ()) -> list[Template]:
    """The printed-line templates the request gives, in order (backticks or `as '...'`); with
    none, "print ... with 3 decimals" or "list ..., one per line" give an implicit template
    of one value."""
    raw = re.findall(r"`([^`]+)`", text) + re.findall(r"\bas '([^']+)'", text)
    words = set(placeholder_words)
    parsed = []
    for template in raw:
        parts: list[tuple[str, str]] = []
        pos = 0
        for m in _TOKEN.finditer(template):
            # A metric's name last in the line stands for its value (`U WNS`); before a
            # value or a colon it is a label (`TNS = X`).
            metric = m.group(0) in _METRICS and not template[m.end():].strip(" .,;)")
            if metric or _is_placeholder(m.group(0), words, text):
                if m.start() > pos:
                    parts.append(("text", template[pos:m.start()]))
                parts.append(("slot", m.group(0)))
                pos = m.end()
        if pos < len(template):
            parts.append(("text", template[pos:]))
        parsed.append(parts)
    names = list(dict.fromkeys(v for parts in parsed for k, v in parts if k == "slot"))
    per, default = _decimals(text, [n for n in names if n not in text_words])
    if not parsed and default is not None and re.search(r"\b(print|puts|display|output)\b", text, re.I):
        return [Template((("slot", "VALUE"),), (), default, implicit=True)]
    if not parsed and _BARE.search(text):  # "print only the number": no label around it
        return [Template((("slot", "VALUE"),), (), default, implicit=True)]
    if not parsed and (one := _ONE_PROPERTY.match(text)) and "*" not in text:
        name = one.group(3).upper() if " " not in one.group(3) else "VALUE"  # the value says what it reads
        return [Template((("slot", name),), (), default, implicit=True)]
    if not parsed and _ONE_PER_LINE.search(text) and not _TOGETHER.search(text):
        return [Template((("slot", "NAME"),), (), None, implicit=True)]  # "the pins, one per line"
    return [Template(tuple(parts), tuple((n, per[n]) for k, n in parts if k == "slot" and n in per), default)
            for parts in parsed]


@dataclass
class Printed:
    """A `puts` of the script: where it is, its values (Tcl source) and their conversions."""

    start: int
    end: int
    values: list[str]
    conversions: list[str]  # "s", "d", ".3f"...; "" when the script gave none; "~" padded
    literal: str  # the printed text with values as {} (the line's shape)


def _scan_quoted(body: str) -> tuple[list[str], str] | None:
    """Values (`[...]`, `$var`) and the shape of a double-quoted Tcl string's inside."""
    values, shape, i = [], [], 0
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            shape.append(body[i + 1])
            i += 2
        elif c == "[":
            depth, j = 0, i
            while j < len(body):
                depth += {"[": 1, "]": -1}.get(body[j], 0)
                if depth == 0:
                    break
                j += 1
            if depth:
                return None
            values.append(body[i:j + 1])
            shape.append("{}")
            i = j + 1
        elif c == "$":
            m = re.match(r"\$(\{[^}]*\}|[\w:]+(\([^)]*\))?)", body[i:])
            if not m:
                return None
            values.append(m.group(0))
            shape.append("{}")
            i += len(m.group(0))
        else:
            shape.append(c)
            i += 1
    return values, "".join(shape)


def printed_lines(script: str) -> list[Printed]:
    """Each `puts VALUE` of the script (to stdout, with a newline) with its values."""
    tree = parse_tcl(script)
    if tree.syntax:
        return []
    formats = {u.start: u for u in tree.commands if u.name == "format"}
    out = []
    for use in tree.commands:
        if use.name != "puts" or len(use.words) != 1 or use.start < 0:
            continue
        word = use.words[0]
        text = tree.span(word.start, word.end)
        fmt = formats.get(word.start + 1) if text.startswith("[format ") else None
        if fmt is not None and text.endswith("]") and fmt.words and fmt.words[0].literal:
            spec = fmt.words[0].text
            convs = [m for m in _CONVERSION.finditer(spec) if m.group(0) != "%%"]
            args = [tree.span(w.start, w.end) for w in fmt.words[1:]]
            if len(convs) != len(args) or "*" in spec:
                continue
            shape = _CONVERSION.sub(lambda m: "%" if m.group(0) == "%%" else "{}", spec)
            out.append(Printed(use.start, use.end, args, [_kind(m) for m in convs], shape))
        elif word.kind == "quoted_word" or text.startswith('"'):
            scanned = _scan_quoted(text[1:-1])
            if scanned:
                out.append(Printed(use.start, use.end, scanned[0], [""] * len(scanned[0]), scanned[1]))
        elif text.startswith("[") or text.startswith("$"):
            out.append(Printed(use.start, use.end, [text], [""], "{}"))
        else:
            out.append(Printed(use.start, use.end, [], [], text))
    return out


def _kind(m: re.Match) -> str:
    """A format conversion as "s", "d", ".3f"; a width or flags make it "~" + that."""
    plain = (f".{m.group(1)}" if m.group(1) else "") + m.group(2)
    return plain if m.group(0) == "%" + plain else "~" + plain


def _escape(text: str) -> str:
    return re.sub(r'([\[\]$"\\])', r"\\\1", text).replace("%", "%%")


def _conversion(template: Template, slot: str, original: str, value: str) -> str:
    original = original.lstrip("~")
    places = template.places(slot, value, original)
    if places is not None and not original.endswith("d"):
        return f"%.{places}f"
    if original.endswith(("f", "g", "e")):
        return "%" + original
    return "%d" if original.endswith("d") else "%s"


def render(template: Template, values: list[str], conversions: list[str]) -> str:
    """`puts [format "..." values...]` for one template (a plain `puts "..."` without decimals)."""
    spec, slot = [], 0
    for kind, text in template.parts:
        if kind == "text":
            spec.append(_escape(text))
        else:
            spec.append(_conversion(template, text, conversions[slot], values[slot]))
            slot += 1
    return f'puts [format "{"".join(spec)}" {" ".join(values)}]'


def _edits(script: str, found: list[Printed], temps: list[Template]) -> list[Edit]:
    shaped = [t for t in temps if t.slots]
    if not shaped or not found:
        return []
    data = script_bytes(script)

    def indent(p: Printed) -> str:
        line_start = data.rfind(b"\n", 0, p.start) + 1
        return data[line_start:p.start].decode("utf-8")

    if len(shaped) == 1:  # every line of that shape (a loop's rows, a list of values)
        t = shaped[0]
        edits = [Edit(p.start, p.end, render(t, p.values, p.conversions))
                 for p in found if len(p.values) == len(t.slots) and _fits(t, p.values)]
        for p in found:  # "tns X violators N" where `TNS = X` is asked: the values it names
            picked = (_named_values(p, t) or _values_by_meaning(script, p, t)) \
                if len(p.values) > len(t.slots) else None
            if picked is not None and not edits:
                edits.append(Edit(p.start, p.end, render(t, [p.values[i] for i in picked],
                                                         [p.conversions[i] for i in picked])))
                dropped = [p.values[i] for i in range(len(p.values)) if i not in picked]
                edits += _counting(script, [v[1:] for v in dropped if re.fullmatch(r"\$\w+", v)], p)
        return edits
    with_values = [p for p in found if p.values]
    if len(with_values) == len(shaped) and all(len(p.values) == len(t.slots) and _fits(t, p.values)
                                               for p, t in zip(with_values, shaped)):
        return [Edit(p.start, p.end, render(t, p.values, p.conversions)) for p, t in zip(with_values, shaped)]
    for p in with_values:  # one line with every value: one line per template
        if len(p.values) == sum(len(t.slots) for t in shaped) and \
                _fits(Template(tuple(part for t in shaped for part in t.parts)), p.values):
            lines, at = [], 0
            for t in shaped:
                n = len(t.slots)
                lines.append(render(t, p.values[at:at + n], p.conversions[at:at + n]))
                at += n
            return [Edit(p.start, p.end, ("\n" + indent(p)).join(lines))]
    return []


def _counting(script: str, names: list[str], line: Printed) -> list[Edit]:
    """The top-level statements that only count into variables no longer printed
    (`set n 0`, `foreach pe [...] { incr n }`), when nothing else reads them."""
    edits: list[Edit] = []
    if not script.isascii():  # offsets are bytes; plain scripts only
        return edits
    for name in names:
        pattern = rf"(?m)^(set {name} \S+|foreach \w+ \[[^\n]*\] \{{ incr {name} \}})\n"
        found = list(re.finditer(pattern, script[:line.start]))
        rest = script[:line.start] + script[line.end:]
        if found and f"${name}" not in re.sub(pattern, "", rest):
            edits += [Edit(m.start(), m.end(), "") for m in found]
    return edits


_NUMBER_WORD = re.compile(r"^(slack|arrival|required|delay|period|wns|tns|latency|uncertainty|slew|"
                          r"cap|capacitance|load|transition|skew|depth|count|fanout)$")
_NAME_VALUE = re.compile(r"get_full_name|get_name\b|ref_name|full_name")


def _word_before(text: str) -> str:
    words = re.findall(r"[A-Za-z]\w*", text)
    return words[-1].lower() if words else ""


def _slot_words(template: Template) -> list[str]:
    """For each slot, the last word of the template's text since the slot before it."""
    out, text = [], ""
    for kind, part in template.parts:
        if kind == "text":
            text += part
        else:
            out.append(_word_before(text))
            text = ""
    return out


def _fits(template: Template, values: list[str]) -> bool:
    """No slot the request introduces with a number's word ("slack S") takes a name."""
    return not any(_NUMBER_WORD.match(word) and _NAME_VALUE.search(value)
                   for word, value in zip(_slot_words(template), values))


def _named_values(p: Printed, template: Template) -> list[int] | None:
    """Indexes of the line's values that the template's slots name by the word before them
    (`TNS = X` takes the value printed after "tns"); None unless each slot names one."""
    pieces = p.literal.split("{}")
    said = [_word_before(piece) for piece in pieces[:len(p.values)]]
    words = _slot_words(template)
    if not all(word and said.count(word) == 1 for word in words):
        return None
    return [said.index(word) for word in words]


def _values_by_meaning(script: str, p: Printed, template: Template) -> list[int] | None:
    """Indexes of the line's values whose own Tcl names each slot (`NAME PERIOD` takes
    `[get_name $c]` and `$p` set from `[get_property $c period]`, not `[expr {1000.0 / $p}]`:
    a plain read before arithmetic on it); None unless each slot finds exactly one."""
    sets = {m.group(1): m.group(2) for m in re.finditer(r"(?m)^\s*set (\w+) (.+)$", script)}

    def source(value: str) -> str:
        var = re.fullmatch(r"\$\{?(\w+)\}?", value)
        return sets.get(var.group(1), value) if var else value

    picked: list[int] = []
    for slot in template.slots:
        word = slot.lower()
        if len(word) < 3:
            return None
        hits = [i for i, v in enumerate(p.values) if re.search(rf"(?<![a-z]){re.escape(word)}", source(v).lower())]
        hits = [i for i in hits if "expr" not in source(p.values[i])] or hits
        if len(hits) != 1 or hits[0] in picked:
            return None
        picked.append(hits[0])
    return picked


def with_loop_value(script: str, temps: list[Template], value: str) -> str | None:
    """Printed lines one value short of the request's template get the loop's value first
    ("derate D wns W" in a sweep over D); a line with as many values as the template but not
    the loop's value gets it first, in place of its last value."""
    shaped = [t for t in temps if t.slots]
    n = len(shaped[0].slots) - 1 if shaped else 0
    edits = [Edit(p.start, p.end, render(t, [value] + p.values[:n], [""] + p.conversions[:n]))
             for p in printed_lines(script) for t in shaped[:1]
             if len(p.values) == n or (len(p.values) == n + 1 and value not in p.values)]
    return apply_edits(script, edits) if edits else None


def reshape(script: str, temps: list[Template]) -> str | None:
    """The script with its printed lines in the request's templates; None if it cannot."""
    edits = _edits(script, printed_lines(script), temps)
    if not edits:
        return None
    out = apply_edits(script, edits)
    return out if out.strip() != script.strip() else None


def follows(p: Printed, template: Template) -> bool:
    """The printed line is the template: same literal text, plain conversions, right decimals."""
    pieces = p.literal.split("{}")
    literal = [text for kind, text in template.parts if kind == "text"]
    if len(pieces) - 1 != len(template.slots) or "".join(pieces) != "".join(literal):
        return False
    if [t for t in pieces if t] != literal:
        return False
    for conv, name, value in zip(p.conversions, template.slots, p.values):
        if conv.startswith("~"):
            return False
        want = template.places(name, value, conv)
        if want is not None and conv != f".{want}f":
            return False
        # "print the direction of port rst_n": the value reads the direction, not the port
        if template.implicit and name not in ("VALUE", "NAME") and not value.startswith("$") \
                and name.lower() not in value.lower():
            return False
    return True


def conformity(script: str, temps: list[Template]) -> float:
    """+1 for each template a printed line of the script follows exactly, -1 for each not
    (a line the request spells out and the script does not print fails the request)."""
    shaped = [t for t in temps if t.slots]
    if not shaped:
        return 0.0
    found = printed_lines(script)
    if not found and all(t.implicit for t in shaped):
        return 0.0  # "... with 3 decimals" also fits a report's -digits
    score = sum(1.0 if any(follows(p, t) for p in found) else -1.0 for t in shaped)
    if all(t.implicit for t in shaped):  # a value asked for; other lines ("setup already met") are not
        score -= 0.5 * sum(not any(follows(p, t) for t in shaped) for p in found)
    return score
