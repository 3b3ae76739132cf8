"""What a request says about the script: implied flags (from the tool's lexicon), the design
objects it names with their roles (from/to/through), and the numbers it gives."""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from copilot import resources
from copilot.checks.design import DesignFacts, tcl_pattern
from copilot.generate.loops import number_lists
from copilot.generate.printing import Template, templates


@dataclass(frozen=True)
class Hint:
    """A flag the request implies, with its value ('' for a boolean flag)."""

    flag: str
    value: str = ""
    list_value: bool = False
    only: tuple[str, ...] = ()  # commands it applies to even when they change the design
    rivals: tuple[str, ...] = ()  # other flags of its group: set this one, drop those
    replaces: str = ""  # a role flag whose object this flag takes instead (-to -> -fall_to)
    decimals: bool = False  # a printed value says it too, as its format's decimals (-digits 3: %.3f)


@dataclass(frozen=True)
class Mention:
    """A design object named in the request: its kind (port, pin, cell, net, clock...)."""

    name: str
    kind: str
    role: str = ""  # -from | -to | -through | ""
    times: int = 1  # how often the request names it
    stated: bool = True  # the request's words give its role (not guessed from a port's direction)

    def query(self) -> str:
        """The Tcl object query for it: `[get_ports {req_a[3]}]`, `[get_pins _322_/D]`..."""
        cmd = {"port": "get_ports", "pin": "get_pins", "cell": "get_cells", "net": "get_nets",
               "clock": "get_clocks", "lib_cell": "get_lib_cells"}[self.kind]
        return f"[{cmd} {self.tcl_name()}]"

    def tcl_name(self) -> str:
        """The name as one Tcl word: braced when it holds brackets or several names."""
        return f"{{{self.name}}}" if any(c in self.name for c in "[] ") else self.name


@dataclass
class RequestFacts:
    hints: list[Hint] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)
    prune: frozenset[str] = frozenset()
    constraint_prune: frozenset[str] = frozenset()  # constraint flags the wording does not call for
    wants_change: bool = False  # the request asks to set or change constraints or the design
    commands: list[tuple[str, ...]] = field(default_factory=list)  # one of each must be used
    role_commands: frozenset[str] = frozenset()  # constraint commands whose -from/-to follow the request
    wants_count: bool = False  # "how many ..."
    wants_sorted: bool = False  # "... sorted by name"
    wants_each: bool = False  # "for each port", "one per line": a line per object
    wants_virtual: bool = False  # "a virtual clock": create_clock without source objects
    wants_file: bool = False  # "save it to a file": a report's `> file` redirection is wanted
    templates: list[Template] = field(default_factory=list)  # printed lines the request spells out
    wants_undo: bool = False  # "remove the false paths": unset_*/remove_*/reset_* are wanted
    aliases: dict[str, str] = field(default_factory=dict)  # other languages' names: print -> puts
    unnamed: frozenset[str] = frozenset()  # commands of the lexicon's purposes the request does not name
    unnamed_objects: frozenset[str] = frozenset()  # of those, the queries for kinds of objects
    number_lists: list[list[str]] = field(default_factory=list)  # "over 1.8, 2.0 and 2.2 ns"
    proc_name: str = ""  # "write a proc setup_slack {pin} ...": the name the proc must have
    unflag: list[Hint] = field(default_factory=list)  # "both setup and hold": none of the rivals
    summaries: dict[str, str] = field(default_factory=dict)  # aggregate -> words of a summary line
    sorted_by_value: bool = False  # "sorted by count, largest first": not by name
    reverse_sorted: bool = False  # "in reverse alphabetical order": names from Z to A
    wants_all_clocks: bool = False  # "the properties of all clocks"
    skip_start: bool = False  # "the cells of the path, excluding the launching register"
    read_again: bool = False  # "print the WNS, then set ... and print it again": reads before and after
    repeated: frozenset[str] = frozenset()  # names the request says more than once ("vclk2 ... vclk2 only")
    words: frozenset[str] = frozenset()  # names the request says on their own ("clk", not "clk-based")
    thresholds: list[tuple[str, str]] = field(default_factory=list)  # "at least 9" -> (">=", "9")
    design_objects: frozenset[str] = frozenset()  # the design's cells, nets, pins and ports (not clocks)
    pin_direction: str = ""  # "the output pins of all instances": "output"
    verdict: tuple[str, ...] = ()  # "print VIOLATED if ..., otherwise MET": ("VIOLATED", "MET")

    @property
    def wants_print(self) -> bool:
        """The request spells out an output format: the script must puts it."""
        return any(not t.implicit for t in self.templates)

    @property
    def said(self) -> frozenset[str]:
        """The request's words, lower-cased."""
        return frozenset(w.lower() for w in self.words)

    @property
    def port_collection(self) -> str | None:
        """"every output", "all inputs": the collection command the request names, if any."""
        return next((g[0] for g in self.commands if g[0] in ("all_outputs", "all_inputs")), None)

    @property
    def path_delay(self) -> str:
        """The path delay the request's wording asks for: "min" (hold), "max", "min_max" or ""."""
        return next((h.value for h in self.hints if h.flag == "-path_delay"), "")

    @property
    def printed(self) -> list[str]:
        """The literal words of the requested output lines."""
        return [w for t in self.templates for w in t.literal_words()]


@lru_cache(maxsize=8)
def load_lexicon(tool: str) -> dict:
    path = resources.data_dir("adapters") / tool / "lexicon.toml"
    if not path.is_file():
        return {"hint": [], "roles": {}, "prune": []}
    return tomllib.loads(path.read_text(encoding="utf-8"))


def command_hints(text: str, lexicon: dict) -> list[tuple[str, ...]]:
    """Groups of commands the request names by their purpose ("wns", "false path"...)."""
    lowered = " ".join(text.lower().split())
    seen: set[str] = set()
    found = []
    for rule in lexicon.get("command", []):
        m = re.search(rule["when"], lowered) if rule["group"] not in seen else None
        if m:
            seen.add(rule["group"])
            found.append((m.start(), tuple(rule["commands"])))
    return [group for _, group in sorted(found, key=lambda f: f[0])]  # in the request's order


def flag_hints(text: str, lexicon: dict) -> list[Hint]:
    """The first matching hint of each group (an empty flag: the group's flags are not wanted)."""
    lowered = " ".join(text.lower().split())
    seen: set[str] = set()
    out = []
    for rule in lexicon.get("hint", []):
        if rule["group"] in seen:
            continue
        if "gate" in rule and not re.search(rule["gate"], lowered):
            continue
        value = rule.get("value", "")
        matched = False
        for m in re.finditer(rule["when"], lowered):
            if "\\1" not in value:
                matched = True
                break
            group = next((g for g in m.groups() if g), "")
            if group and group not in rule.get("exclude", []):
                value, matched = value.replace("\\1", group), True
                break
        if not matched:
            continue
        seen.add(rule["group"])
        rivals = tuple(sorted({r["flag"] for r in lexicon["hint"]
                               if r["group"] == rule["group"] and r["flag"] not in (rule["flag"], "")}))
        out.append(Hint(rule["flag"], value, bool(rule.get("list")), tuple(rule.get("only", ())), rivals,
                        rule.get("replaces", ""), bool(rule.get("decimals"))))
    return out


def _per_endpoint(hints: list[Hint], mentions: list[Mention]) -> list[Hint]:
    """"The 3 worst paths into pin X": one endpoint, so the count is paths per endpoint
    (-group_count 3 would still show one path)."""
    ends = [m for m in mentions if m.role == "-to"]
    single = len(ends) == 1 and ends[0].kind in ("pin", "port") and not any(c in ends[0].name for c in "*?")
    counts = [h for h in hints if h.flag == "-group_count"]
    if not single or not counts or any(h.flag == "-endpoint_count" for h in hints):
        return hints
    return [Hint("-endpoint_count", h.value, rivals=("-group_count",)) if h in counts else h for h in hints]


# Words that name kinds of objects: a plain word like `count` or `busy` is taken for a design
# object only next to one of these ("port busy", "the count outputs").
_NOUNS = re.compile(r"\b(ports?|pins?|cells?|instances?|inst|nets?|clocks?|registers?|flops?|"
                    r"buses|bus|signals?|outputs?|inputs?|lib(rary)? cells?|endpoints?|startpoints?)$")
_ROLE_WORDS = {"to", "from", "through", "on", "at", "into", "via"}
_NOT_AN_OBJECT_NEXT = {"the", "a", "an", "all", "every", "each", "how", "them", "it", "its", "their", "these"}


def _right_after_a_role(before: str, after: list[str]) -> bool:
    """"the path to busy", "an output delay on busy": a plain word right after a path or
    constraint preposition (not "to count the endpoints")."""
    words = before.split(" ")
    if len(words) > 1 and words[-2] in ("relative", "respect", "referenced", "according"):
        return False  # "relative to clk": the clock a value refers to
    return bool(words) and words[-1] in _ROLE_WORDS and not (after and after[0] in _NOT_AN_OBJECT_NEXT)


_CLOCK_WORDS = re.compile(r"\b(period|clocks?|uncertainty|latency|skew|waveform|frequency)\b", re.I)


def _listed_with_an_object(text: str, m: re.Match, design: DesignFacts | None) -> bool:
    """"each of busy and resp_valid": a plain word listed next to a name of the design."""
    after = re.match(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s(?:and|or)\s+)([\w\[\]/*]+)", text[m.end():])
    before = re.search(r"([\w\[\]/*]+)(?:\s*,\s*|\s+(?:and|or)\s+)$", text[:m.start()])
    return any(n and not n.group(1).isalpha() and _kind_of(n.group(1), design, "") is not None
               for n in (after, before))


_BACK_REFERENCE = re.compile(r"\b(that|this|those|these|the same)\s+(pins?|ports?|cells?|instances?|nets?|"
                             r"registers?|endpoints?|outputs?|inputs?|clocks?|bus)\b|\b(its|there)\b|"
                             r"\b(?:to|from|through|thru|at|into)\s+(?:it|them)\b", re.I)
_OBJECT = re.compile(r"[A-Za-z_*][\w*]*(?:\[[\d*:]+\])?(?:/[\w*]+(?:\[[\d*]+\])?)?")


def _kind_of(token: str, design: DesignFacts | None, lowered_before: str) -> tuple[str, str] | None:
    """(kind, name) when `token` names an object of the design (or looks like a pin/cell)."""
    if design is None:
        if "/" in token:
            return "pin", token
        if re.fullmatch(r"_\d+_", token):
            return "cell", token
        return None
    wants_net = lowered_before.endswith("net") or lowered_before.endswith("nets")
    wants_clock = lowered_before.endswith("clock") or lowered_before.endswith("clocks")
    order = ["net", "cell", "pin", "port", "clock", "lib_cell"] if wants_net else \
        ["clock", "port", "pin", "cell", "net", "lib_cell"] if wants_clock else \
        ["port", "pin", "cell", "net", "clock", "lib_cell"]
    names = {"port": design.ports, "pin": design.pins, "cell": design.cells, "net": design.nets,
             "clock": design.clocks, "lib_cell": [n.split("/")[-1] for n in design.lib_cells]}
    for kind in order:
        pool = names[kind]
        if token in pool:
            return kind, token
        if kind == "port" and token in design.buses():
            return kind, token + "[*]"
        if any(ch in token for ch in "*?") and any(tcl_pattern(token).match(n) for n in pool):
            return kind, token
    return None


# "the clock pin of _332_", "the Q outputs of the op registers _322_ and _323_".
_PIN_OF = re.compile(r"\b(clock|[A-Z][A-Z0-9]{0,5})\s+(?:pins?|outputs?|inputs?)\s+of\b")


def pin_of_cells(text: str, design: DesignFacts | None, clock_pins: list[str]) -> list[tuple[Mention, list[str]]]:
    """(pin mention, the cell names it consumes) for each "PIN of CELLS" phrase whose pins
    exist in the design; the cells are the design's instance names among the next few words."""
    if design is None:
        return []
    found = []
    pins, cells_of_design = set(design.pins), set(design.cells)
    for m in _PIN_OF.finditer(text):
        cells: list[str] = []
        for word in re.findall(r"[\w\[\]/*]+", text[m.end():m.end() + 80])[:8]:
            if word in cells_of_design:
                cells.append(word)
            elif cells and word != "and":
                break
        if not cells:
            continue
        names = clock_pins if m.group(1).lower() == "clock" else [m.group(1)]
        chosen = [next((f"{c}/{n}" for n in names if f"{c}/{n}" in pins), "") for c in cells]
        if all(chosen):
            found.append((Mention(" ".join(chosen), "pin"), cells))
    return found


def object_mentions(text: str, design: DesignFacts | None, roles: dict[str, str],
                    wants_change: bool = False, clock_pins: list[str] | None = None) -> list[Mention]:
    """Design objects named in the request, each with the role its preceding words give."""
    out: list[Mention] = []
    consumed: set[str] = set()
    for pin, cells in pin_of_cells(text, design, clock_pins or []):
        out.append(pin)
        consumed.update(cells)
    for m in _OBJECT.finditer(text):
        token = m.group(0)
        if len(token) < 2 and token != "*":
            continue
        before = " ".join(text[max(0, m.start() - 40):m.start()].lower().split())
        after = [w.strip(",.;:?!()") for w in text[m.end():m.end() + 20].lower().split()]
        if token.isalpha() and not (_NOUNS.search(" ".join(before.split(" ")[-2:]))
                                    or (after and _NOUNS.match(after[0])) or _right_after_a_role(before, after)
                                    or _listed_with_an_object(text, m, design)
                                    or (design is not None and token in design.clocks and _CLOCK_WORDS.search(text))):
            continue
        found = _kind_of(token, design, before.split(" ")[-1] if before else "")
        if found is None:
            continue
        kind, name = found
        if name in consumed:
            continue
        role = ""
        tail = " ".join(before.split(" ")[-4:])
        for flag, pattern in roles.items():
            # The role word must be close: "from port X", "from register X", "to the pin X".
            if re.search(rf"\b({pattern})\s+(?:\w+\s+){{0,2}}$", tail + " "):
                role = flag
        if not role:  # "make _329_/D ... and report the worst path to it": the pronoun's role
            later = re.search(r"\b((?:\w+\s+){0,2})(?:it|them)\b", text[m.end():].lower())
            role = next((flag for flag, pattern in roles.items() if flag != "none" and later
                         and re.search(rf"\b({pattern})\s+$", later.group(1))), "")
        said = bool(role)  # the words say it (a bare port's role below is only a guess)
        if role == "none":  # "a load applied to all count[*] ports": the constraint's object
            role = ""
        elif not role and kind == "port" and design is not None:
            # A bare port in a path request: inputs start paths, outputs end them.
            bits = [p for p in design.ports if tcl_pattern(name).match(p)]
            if bits and all(b in design.outputs for b in bits):
                role = "-to"
            elif bits and all(b in design.inputs for b in bits) and name not in design.clocks:
                role = "-from"
        earlier = next((i for i, o in enumerate(out) if o.name == name), None)
        if earlier is not None and said and not out[earlier].stated:  # the words, not the guess
            out[earlier] = Mention(name, kind, role, out[earlier].times, True)
        if earlier is None:
            times = len(re.findall(rf"(?<![\w/]){re.escape(token)}(?![\w/])", text))
            times += bool(_BACK_REFERENCE.search(text, m.end()))  # "... then report paths to that pin"
            out.append(Mention(name, kind, role, times, said))
    return out


# "a proc setup_slack {pin}", "a procedure named count_cells", "proc `wns_at`"
_PROC_NAME = re.compile(r"\bproc(?:edure)?\s+(?:named\s+|called\s+)?`?([A-Za-z_][\w:]*)`?(?=[\s{(`,]|$)")


_NOT_NAMES = {"that", "which", "to", "for", "returning", "named", "called", "the", "a", "an", "with",
              "taking", "accepting", "in", "of", "and", "first", "then", "so", "is", "whose"}


def _as_patterns(text: str) -> str:
    """"names starting with NAND" -> "NAND*", "ending with _reg" -> "*_reg": glob patterns
    the design can be matched against."""
    text = re.sub(r"\b(start(?:s|ing)?|begin(?:s|ning)?) with ([A-Za-z_][\w]*)\b(?![*\[/])", r"\1 with \2*", text)
    return re.sub(r"\b(end(?:s|ing)?) (with|in) ([A-Za-z_][\w]*)\b(?![*\[/])", r"\1 \2 *\3", text)


_BIT_RANGE = re.compile(r"\b([A-Za-z_]\w*)\[(\d+)\] (?:to|through|thru|\.\.|-) \1\[(\d+)\]")
_NAME_RANGE = re.compile(r"(?<![\w/])_(\d+)_ (?:to|through|thru|\.\.|-) _(\d+)_(?![\w/])")
MAX_RANGE = 32


def expand_ranges(text: str) -> str:
    """"count[0] to count[3]" and "_325_ through _332_" become the lists they stand for
    ("count[0], count[1], count[2] and count[3]"), so each object is a mention."""
    def listed(names: list[str]) -> str:
        return ", ".join(names[:-1]) + " and " + names[-1]

    def bits(m: re.Match) -> str:
        lo, hi = int(m.group(2)), int(m.group(3))
        if not 0 < hi - lo <= MAX_RANGE:
            return m.group(0)
        return listed([f"{m.group(1)}[{i}]" for i in range(lo, hi + 1)])

    def names(m: re.Match) -> str:
        lo, hi = int(m.group(1)), int(m.group(2))
        width = len(m.group(1))
        if not 0 < hi - lo <= MAX_RANGE or len(m.group(2)) != width:
            return m.group(0)
        return listed([f"_{i:0{width}d}_" for i in range(lo, hi + 1)])

    return _NAME_RANGE.sub(names, _BIT_RANGE.sub(bits, text))


def analyse_request(text: str, tool: str, design: DesignFacts | None) -> RequestFacts:
    text = expand_ranges(text)
    lexicon = load_lexicon(tool)
    lowered = text.lower()
    wants = {key: bool(re.search(lexicon.get(key, r"$^"), lowered))
             for key in ("count", "sorted", "undo", "each", "virtual", "file", "sorted_by_value", "reverse_sorted", "all_clocks",
                         "skip_start", "again")}
    wants["change"] = bool(re.search(lexicon.get("change", r"$^"),
                                     re.sub(lexicon.get("not_change", r"$^"), " ", lowered)))
    prune = set(lexicon.get("prune", [])) | {flag for flag, keep in lexicon.get("prune_unless", {}).items()
                                             if not re.search(keep, lowered)}
    constraint_prune = {flag for flag, keep in lexicon.get("constraint_prune_unless", {}).items()
                        if not re.search(keep, lowered)}
    mentions = object_mentions(_as_patterns(text), design, lexicon.get("roles", {}), wants["change"],
                               lexicon.get("clock_pins", []))
    names = " ".join(m.name for m in mentions)
    # Numbers of the request, not of its names (`req_a[3]`) nor decimal counts ("3 decimals").
    numbers = [n for n in re.findall(r"(?<![\w.\[/])-?\d+(?:\.\d+)?(?![\w\]])(?!\s*(?:decimals?|decimal places)\b)", text)
               if not re.search(rf"(?<![\d.]){re.escape(n)}(?![\d.])", names)]
    commands = command_hints(text, lexicon)
    named = {c for group in commands for c in group}
    hints = flag_hints(text, lexicon)
    return RequestFacts(
        hints=_per_endpoint([h for h in hints if h.flag], mentions),
        unflag=[h for h in hints if not h.flag], mentions=mentions, numbers=numbers, prune=frozenset(prune),
        constraint_prune=frozenset(constraint_prune), wants_change=wants["change"], commands=commands,
        role_commands=frozenset(lexicon.get("role_commands", [])),
        wants_count=wants["count"], wants_sorted=wants["sorted"], wants_undo=wants["undo"], wants_each=wants["each"],
        wants_virtual=wants["virtual"], wants_file=wants["file"],
        templates=templates(text, lexicon.get("placeholders", []), lexicon.get("text_placeholders", [])),
        summaries=lexicon.get("summaries", {}),
        sorted_by_value=wants["sorted_by_value"], reverse_sorted=wants["reverse_sorted"],
        wants_all_clocks=wants["all_clocks"],
        skip_start=wants["skip_start"], read_again=wants["again"],
        repeated=frozenset(w for w, n in Counter(re.findall(r"\b[A-Za-z_]\w*\b", text)).items() if n > 1),
        words=frozenset(re.findall(r"(?<![\w-])[A-Za-z_]\w*(?![\w-])", text)),
        thresholds=[(op, m.group(m.lastindex)) for op, pattern in lexicon.get("thresholds", {}).items()
                    for m in re.finditer(pattern, lowered)],
        proc_name=next((n for n in _PROC_NAME.findall(text) if n.lower() not in _NOT_NAMES), ""),
        aliases=lexicon.get("aliases", {}),
        unnamed=frozenset(c for rule in lexicon.get("command", []) for c in rule["commands"] if c not in named),
        unnamed_objects=frozenset(c for rule in lexicon.get("command", []) if rule["group"] == "objects"
                                  for c in rule["commands"] if c not in named),
        number_lists=number_lists(text),
        design_objects=_objects(design),
        verdict=next((m.groups() for m in re.finditer(lexicon.get("verdict", r"$^"), text)), ()),
        pin_direction=next((g for m in re.finditer(lexicon.get("pin_direction", r"$^"), lowered)
                            for g in m.groups() if g), ""))


def _objects(design: DesignFacts | None) -> frozenset[str]:
    if design is None:
        return frozenset()
    return frozenset(design.cells + design.nets + design.pins + design.ports) - set(design.clocks)