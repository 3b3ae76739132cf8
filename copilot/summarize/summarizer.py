"""Thread -> summary: chunk, summarize each chunk, merge the summaries until one remains.

Each chunk gets its key points by extractive scoring and one model sentence written from
those points (never from the raw chunk, which a 4k context and a 270M model cannot hold
well). Merging repeats the same step over groups of chunk sentences, so a thread of any
length ends in one gist. Versions, commands, errors, frames and the resolution come from
the whole thread, not from the model, so they are always in the technical summary.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Callable

from copilot import prompts
from copilot.grounding import coverage, grounded
from copilot.model.base import TextModel
from copilot.summarize.aliases import Aliases
from copilot.summarize.extract import (ThreadFacts, Unit, command_pattern, gather_facts, problem_statement, score_units,
                                      split_units, top_units)
from copilot.summarize.thread import Thread
from copilot.summarize.triage import Assignment, Managerial, assign_area, managerial

CHUNK_CHARS = 8000  # thread text per chunk; the model sees only its key points
KEY_POINTS = 5
MODEL_POINTS = 4  # the best key points the model reads (prompt evaluation dominates the cost)
GROUP = 6  # sentences merged per step
NOTE_CHARS = 180
MAX_TOKENS = 48
MIN_COVERAGE = 0.75  # a sentence must be mostly made of the notes' own words
Progress = Callable[[str, int, int], None]


@dataclass
class ChunkSummary:
    """One chunk (level 0) or one merge step (level 1+)."""

    index: int
    level: int
    posts: tuple[int, int]
    chars: int
    key_points: list[str]
    summary: str

    def to_json(self) -> dict:
        return {"index": self.index, "level": self.level, "posts": list(self.posts), "chars": self.chars,
                "key_points": self.key_points, "summary": self.summary}


@dataclass
class BugSummary:
    title: str
    technical: str
    managerial: Managerial
    assignment: Assignment
    chunks: list[ChunkSummary]
    facts: ThreadFacts
    model_calls: int = 0
    seconds: float = 0.0
    chars: int = 0

    def to_json(self) -> dict:
        """Exactly {"technical", "managerial", "assignment", "chunks"}."""
        return {"technical": self.technical, "managerial": self.managerial.to_json(),
                "assignment": self.assignment.to_json(), "chunks": [c.to_json() for c in self.chunks]}


def chunk_units(units: list[Unit], limit: int = CHUNK_CHARS) -> list[list[Unit]]:
    """Consecutive units in runs of about `limit` characters, cut at post starts when possible."""
    chunks: list[list[Unit]] = []
    current: list[Unit] = []
    size = 0
    for unit in units:
        new_post = current and unit.post != current[-1].post
        if current and (size >= limit or (new_post and size >= limit * 0.6)):
            chunks.append(current)
            current, size = [], 0
        current.append(unit)
        size += len(unit.text) + 1
    if current:
        chunks.append(current)
    return chunks


def attributed_right(sentence: str, notes: list[str], authors: set[str]) -> bool:
    """A sentence that names a poster must say what that poster's own notes say.

    The model swaps people freely ("Wei Zhang is running the workaround" when Priya wrote it);
    words alone cannot catch that, authors can.
    """
    by_author: dict[str, list[str]] = {}
    for item in notes:
        author, sep, said = item.partition(": ")
        if sep and author in authors:
            by_author.setdefault(author, []).append(said)
    for author, said in by_author.items():
        if re.search(rf"(?<!\w){re.escape(author)}(?!\w)", sentence):
            rest = re.sub(rf"(?<!\w){re.escape(author)}(?!\w)", "", sentence)
            if coverage(rest, "\n".join(said)) < MIN_COVERAGE:
                return False
    return True


def note(unit: Unit) -> str:
    text = unit.text if len(unit.text) <= NOTE_CHARS else unit.text[:NOTE_CHARS - 3] + "..."
    return f"{unit.author}: {text}" if unit.kind == "sentence" and unit.author else text


@dataclass
class Summarizer:
    """Summarizes bug threads of one tool; the model is optional and loaded on first use."""

    commands: set[str]
    tool_title: str
    model_factory: Callable[[], TextModel] | None = None
    _model: TextModel | None = field(default=None, repr=False)
    _authors: set[str] = field(default_factory=set, repr=False)
    calls: int = 0

    def _sentence(self, notes: list[str], aliases: Aliases) -> str:
        """One model sentence over `notes` ('' without a model or when it is not grounded)."""
        if self.model_factory is None or not notes:
            return ""
        if self._model is None:
            self._model = self.model_factory()
        text = aliases.apply("\n".join(f"- {n}" for n in notes))
        prompt = prompts.render("summarize_chunk.j2", tool_title=self.tool_title, notes=text).rstrip()
        completion = self._model.complete(prompt, max_tokens=MAX_TOKENS, temperature=0.0, stop=["\n"])
        self.calls += 1
        sentence = grounded(completion.text, text, min_coverage=MIN_COVERAGE, markers=("Notes:", "Summary:"))
        if sentence and not attributed_right(sentence, notes, self._authors):
            sentence = None
        return aliases.restore(sentence) + "." if sentence else ""

    def summarize(self, thread: Thread, on_progress: Progress | None = None) -> BugSummary:
        began = time.monotonic()
        flat = thread.flatten()
        aliases = Aliases.for_text(flat)
        self._authors = {p.author for p in thread.posts if p.author}
        pattern = command_pattern(self.commands)
        units = score_units(split_units(thread), pattern, len(thread.posts) - 1)
        chunks = chunk_units(units)
        records: list[ChunkSummary] = []
        layer: list[tuple[str, Unit | None]] = []  # (sentence, best unit) per chunk
        problem = problem_statement(units)
        for n, chunk in enumerate(chunks, start=1):
            if on_progress:
                on_progress("chunk", n, len(chunks))
            points = top_units(chunk, KEY_POINTS, must=problem if problem in chunk else None)
            for_model = sorted(sorted(points, key=lambda u: -u.score)[:MODEL_POINTS], key=lambda u: u.order)
            sentence = self._sentence([note(u) for u in for_model], aliases)
            posts = (chunk[0].post + 1, chunk[-1].post + 1)
            records.append(ChunkSummary(n, 0, posts, sum(len(u.text) + 1 for u in chunk),
                                        [note(u) for u in points], sentence))
            best = max(points, key=lambda u: u.score) if points else None
            layer.append((sentence, best))
        gist = self._merge(layer, records, aliases, on_progress)
        facts = gather_facts(units, pattern)
        assignment = assign_area(units)
        manager = managerial(thread, units, assignment.area, facts.references)
        technical = self._technical(thread, gist, facts, units)
        return BugSummary(thread.title, technical, manager, assignment, records, facts, self.calls,
                          time.monotonic() - began, len(flat))

    def _merge(self, layer: list[tuple[str, Unit | None]], records: list[ChunkSummary], aliases: Aliases,
               on_progress: Progress | None) -> str:
        """Merge chunk sentences GROUP at a time until one remains; that one is the gist."""
        level = 0
        items = [s or (note(u) if u else "") for s, u in layer]
        while len(items) > 1:
            level += 1
            groups = [items[i:i + GROUP] for i in range(0, len(items), GROUP)]
            merged = []
            for g, group in enumerate(groups, start=1):
                if on_progress:
                    on_progress(f"merge level {level}", g, len(groups))
                notes = [i for i in group if i]
                sentence = self._sentence(notes, aliases)
                records.append(ChunkSummary(len(records) + 1, level, (0, 0), sum(map(len, notes)), notes, sentence))
                merged.append(sentence or (notes[0] if notes else ""))
            items = merged
        return items[0] if items else ""

    def _technical(self, thread: Thread, gist: str, facts: ThreadFacts, units: list[Unit]) -> str:
        lines = [f"{thread.title}" if thread.title else "Bug report"]
        problem = problem_statement(units)
        if gist:
            lines.append(gist if self.calls else f"Reported: {note(problem)}" if problem else gist)
        lines += facts.lines()
        key = top_units(units, 6, must=problem)
        if key:
            lines.append("Key points:")
            lines += [f"- {note(u)}" for u in key]
        return "\n".join(lines)


def looks_like_a_bug_thread(text: str) -> bool:
    """Very short inputs with no sentence are not worth a summary."""
    return bool(re.search(r"[A-Za-z]{3,}", text))
