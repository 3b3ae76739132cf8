"""Extractive steps: split a thread into sentences and log lines, score them, pull out facts.

A 270M base model cannot be trusted to keep a version number or an error line intact, so
what a summary must mention (versions, commands, errors, stack frames, the resolution) is
picked here by simple scoring; the model only writes short connective sentences around it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from copilot.summarize.thread import Thread

TOOL_VERSION = re.compile(
    r"\b(?:OpenSTA|OpenROAD|Yosys|OpenLane|sta|Tcl|gcc|GCC|clang|CMake|cmake|Ubuntu|Debian|CentOS|RHEL|Rocky|"
    r"Python|swig|SWIG|Boost|Eigen|KLayout|Magic|Verilator|Icarus)\s+(?:version\s+|v)?\d+(?:\.\d+)+[\w.\-+~]*")
VERSION = re.compile(r"\b(?:v|version\s+)?\d+\.\d+(?:\.\d+)+(?:-\w+)?\b")
ERROR = re.compile(r"\b(?:Error|ERROR|error:|FATAL|Fatal error|fatal|Segmentation fault|segfault|SIGSEGV|SIGABRT|"
                   r"SIGBUS|core dumped|Assertion|assertion|Abort(?:ed)?|abort(?:ed)?|terminate called|"
                   r"Traceback|panic|invalid command name|std::bad_alloc|Killed)\b")
WARNING = re.compile(r"\bWarning:|\bWARNING\b|\[WARN")
FRAME = re.compile(r"^\s*(?:#\d+\s+(?:0x[0-9a-fA-F]+\s+in\s+)?\S+|File \".*\", line \d+|at \S+\(.*\))")
RESOLUTION = re.compile(r"\b(?:fixed in|fixed by|fix(?:ed)? (?:is|was) (?:merged|pushed)|merged|resolved|closing|"
                        r"root cause|workaround|work-around|duplicate of|won'?t fix|wontfix|cannot reproduce|"
                        r"can'?t reproduce|not a bug|works as intended|released in|will be in|confirmed fixed|"
                        r"verified|the fix)\b", re.I)
REPRO = re.compile(r"\b(?:reproduce[sd]?|repro|testcase|test case|steps to|minimal example)\b", re.I)
IMPACT = re.compile(r"\b(?:block(?:s|ing|er|ed)?|tapes? ?-?out|taping out|deadline|customers?|production|sign-?off|"
                    r"regression|wrong|incorrect|mismatch|hangs?|crash(?:es|ed)?|slow(?:er|down)?|out of memory|OOM|"
                    r"every run|all designs|no longer \w+|false violations|worse)\b", re.I)
EXPECTATION = re.compile(r"\b(?:expected|I expect|instead of|should (?:not )?\w+|but \w+ (?:still|reports?|shows?)|"
                         r"no longer|went from|got worse)\b", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\[`])")
_LOGISH = re.compile(r"^\s*(?:\$ |% |> |OpenSTA> |sta> |openroad> |Error|ERROR|Warning|WARNING|\[|#\d+\s|\d+\s+\S|"
                     r"File \"|Traceback|at \S+\(|Segmentation|Startpoint|Endpoint|slack|\S+\.(?:cc|cpp|h|tcl|py):\d+)")


@dataclass(frozen=True)
class Unit:
    """A sentence of prose or a line of a log, with its place in the thread and its score."""

    text: str
    post: int
    author: str
    kind: str  # "sentence" | "log"
    order: int
    score: float = 0.0


def _prose_sentences(paragraph: str) -> list[str]:
    flat = " ".join(part.strip() for part in paragraph.split("\n"))
    return [s.strip() for s in _SENTENCE_END.split(flat) if s.strip()]


def split_units(thread: Thread) -> list[Unit]:
    """Every post cut into sentences (prose) and lines (code blocks, logs, traces)."""
    units: list[Unit] = []
    order = 0
    for n, post in enumerate(thread.posts):
        fenced = False
        paragraph: list[str] = []

        def flush():
            nonlocal order
            if paragraph:
                for sentence in _prose_sentences("\n".join(paragraph)):
                    units.append(Unit(sentence, n, post.author, "sentence", order))
                    order += 1
                paragraph.clear()

        for line in post.body.split("\n"):
            if line.strip().startswith(("```", "~~~")):
                flush()
                fenced = not fenced
                continue
            if fenced or line.startswith(("    ", "\t")) or _LOGISH.match(line):
                flush()
                if line.strip():
                    units.append(Unit(line.strip(), n, post.author, "log", order))
                    order += 1
            elif not line.strip() or line.lstrip().startswith(("- ", "* ", "> ")):
                flush()
                if line.strip():
                    paragraph.append(line.strip().lstrip("-*> ").strip())
                    flush()
            else:
                paragraph.append(line)
        flush()
    return units


@dataclass(frozen=True)
class CommandMatcher:
    """Finds tool commands in text; plain-word ones (source, help) only inside logs and code."""

    named: re.Pattern[str] | None
    plain: re.Pattern[str] | None

    def find(self, unit: Unit) -> list[str]:
        found = [m.group(0) for m in self.named.finditer(unit.text)] if self.named else []
        if self.plain and unit.kind == "log":
            found += [m.group(0) for m in self.plain.finditer(unit.text)]
        return found


def _alternation(names: list[str]) -> re.Pattern[str] | None:
    if not names:
        return None
    names = sorted(names, key=len, reverse=True)
    return re.compile(r"(?<![\w:])(?:" + "|".join(re.escape(n) for n in names) + r")(?![\w])")


def command_pattern(commands: set[str]) -> CommandMatcher | None:
    if not commands:
        return None
    return CommandMatcher(_alternation([c for c in commands if "_" in c or "::" in c]),
                          _alternation([c for c in commands if "_" not in c and "::" not in c]))


def score_units(units: list[Unit], commands: CommandMatcher | None, last_post: int) -> list[Unit]:
    """Units with scores: versions, errors, frames, commands, resolution, repro, impact."""
    scored, seen = [], set()
    for unit in units:
        text = unit.text
        key = re.sub(r"\d+", "0", text.lower())
        if key in seen or len(text) < 8 or "Copyright" in text:
            scored.append(unit)  # kept for chunking and facts, never a key point
            continue
        seen.add(key)
        score = 0.0
        score += 3 * bool(TOOL_VERSION.search(text)) + 1 * bool(VERSION.search(text))
        score += 4 * bool(ERROR.search(text)) + 1 * bool(WARNING.search(text))
        frame = FRAME.match(text)
        if frame:
            depth = re.match(r"\s*#(\d+)", text)
            score += 3 if depth is None or int(depth.group(1)) <= 2 else 0.5
        if commands is not None and commands.find(unit):
            score += 2
        score += 5 * bool(RESOLUTION.search(text)) + 2 * bool(REPRO.search(text)) + 2 * bool(IMPACT.search(text))
        score += 2 * bool(EXPECTATION.search(text))
        score += 0.5 * (unit.post == 0) + 0.5 * (unit.post >= last_post - 1)
        if len(text) < 25:
            score -= 1
        if len(text) > 300:
            score -= 1.5
        scored.append(Unit(text, unit.post, unit.author, unit.kind, unit.order, score))
    return scored


def _similar(a: Unit, b: Unit) -> bool:
    wa, wb = set(re.findall(r"[a-z]{3,}", a.text.lower())), set(re.findall(r"[a-z]{3,}", b.text.lower()))
    return bool(wa and wb) and len(wa & wb) / len(wa | wb) > 0.6


def top_units(units: list[Unit], k: int, must: Unit | None = None) -> list[Unit]:
    """The k best-scoring units (score > 0, no near-repeats), back in thread order."""
    chosen: list[Unit] = [must] if must is not None else []
    for unit in sorted((u for u in units if u.score > 0), key=lambda u: (-u.score, u.order)):
        if len(chosen) >= k:
            break
        if not any(unit is c or _similar(unit, c) for c in chosen):
            chosen.append(unit)
    return sorted(chosen, key=lambda u: u.order)


def problem_statement(units: list[Unit]) -> Unit | None:
    """The report's best sentence: what the reporter says goes wrong."""
    first = [u for u in units if u.post == 0 and u.kind == "sentence" and u.score > 0]
    return max(first, key=lambda u: (u.score + 2 * bool(EXPECTATION.search(u.text)), -u.order), default=None)


@dataclass
class ThreadFacts:
    """Reference points found anywhere in the thread, in order of first appearance."""

    versions: list[str]
    commands: list[str]
    errors: list[str]
    frames: list[str]
    resolution: list[str]
    references: list[str]
    mentioned: list[str]

    def lines(self) -> list[str]:
        out = []
        if self.versions:
            out.append("Versions: " + ", ".join(self.versions))
        if self.commands:
            out.append("Commands: " + ", ".join(self.commands))
        if self.errors:
            out.append("Errors: " + " | ".join(self.errors))
        if self.frames:
            out.append("Stack (top frames): " + " <- ".join(self.frames))
        if self.references:
            out.append("Fix references: " + ", ".join(self.references))
        if self.mentioned:
            out.append("Commits and PRs mentioned: " + ", ".join(self.mentioned))
        if self.resolution:
            out.append("Resolution: " + " ".join(self.resolution))
        return out


def _unique(items, limit: int) -> list[str]:
    return list(dict.fromkeys(items))[:limit]


def frame_text(line: str) -> str:
    """A stack frame shortened to 'function at file:line' (arguments dropped)."""
    python = re.match(r'\s*File "(?P<file>[^"]+)", line (?P<line>\d+)(?:, in (?P<func>\S+))?', line)
    if python:
        return f"{python.group('func') or '?'} ({python.group('file').rsplit('/', 1)[-1]}:{python.group('line')})"
    body = re.sub(r"^\s*#\d+\s+(?:0x[0-9a-fA-F]+\s+in\s+)?", "", line)
    func = re.split(r"\s*\(", body, maxsplit=1)[0].strip()
    where = re.search(r"\bat\s+(\S+:\d+)", body)
    return f"{func} at {where.group(1).rsplit('/', 1)[-1]}" if where else func[:120]


_FIX = re.compile(r"\b(?:fixed in|fixed by|fix(?:ed)? (?:is|was|has been) (?:merged|pushed|released)|merged|"
                  r"released in|will be in|confirmed fixed)\b", re.I)
_CAUSE = re.compile(r"\broot cause\b", re.I)
_COMMIT = re.compile(r"\b(?:commit\s+[0-9a-f]{7,40}|PR\s*#\d+|pull request\s*#?\d+|[0-9a-f]{40})\b")


def gather_facts(units: list[Unit], commands: CommandMatcher | None) -> ThreadFacts:
    """Versions, commands, error lines, top stack frames, resolution statements, fix references."""
    text = "\n".join(u.text for u in units)
    versions = _unique((m.group(0).rstrip(".,;:") for m in TOOL_VERSION.finditer(text)), 8)
    counts: dict[str, int] = {}
    if commands is not None:
        for unit in units:
            for name in commands.find(unit):
                counts[name] = counts.get(name, 0) + 1
    top_commands = sorted(counts, key=lambda c: -counts[c])[:8]
    errors = _unique((u.text[:200] for u in units if u.kind == "log" and ERROR.search(u.text)
                      and not FRAME.match(u.text)), 4)
    if not errors:
        errors = _unique((u.text[:200] for u in units if ERROR.search(u.text)), 3)
    frames = _unique((frame_text(u.text) for u in units if FRAME.match(u.text)), 3)
    sentences = [u for u in units if u.kind == "sentence"]
    cause = [u for u in sentences if _CAUSE.search(u.text)][:1]
    fixes = [u for u in sentences if _FIX.search(u.text)]
    decisive = [u for u in sentences if RESOLUTION.search(u.text)][-1:]
    resolution = _unique((u.text[:250] for u in cause + fixes[-2:] + decisive), 4)
    references = _unique((m.group(0) for u in fixes for m in re.finditer(
        r"\b(?:commit\s+[0-9a-f]{7,40}|PR\s*#\d+|pull request\s*#?\d+|#\d{2,}|[0-9a-f]{7,40}|v?\d+\.\d+(?:\.\d+)+)\b",
        u.text)), 4)
    mentioned = _unique((m.group(0) for u in sentences for m in _COMMIT.finditer(u.text)
                         if not any(m.group(0) in r or r in m.group(0) for r in references)), 4)
    return ThreadFacts(versions, top_commands, errors, frames, resolution, references, mentioned)
