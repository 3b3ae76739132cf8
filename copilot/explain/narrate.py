"""The model's short sentences, kept only when they stay grounded in the code they describe.

A 270M base model copies the few-shot format well and the meaning less well: it names ports
the script never mentions. Blocks get the verified example scripts nearest to them as
few-shot examples (their requests are plain descriptions of what the code does), and a
sentence that names an identifier missing from the code, or a word only the examples use,
is dropped: what the user reads is either grounded or absent.
"""

from __future__ import annotations

import time
from typing import Callable

from copilot import prompts
from copilot.generate.examples import Example, ExampleBank
from copilot.grounding import grounded
from copilot.model.base import TextModel
from copilot.retrieval.bm25 import BM25, tokens

MAX_TOKENS = 40
MAX_CODE_CHARS = 700
MAX_EXAMPLE_CHARS = 400
# Used when a tool ships no example bank.
DEFAULT_EXAMPLES = [
    Example("d1", "print the full name of every output port", "foreach p [all_outputs] {\n  puts [get_full_name $p]\n}"),
    Example("d2", "a proc that reports the n worst hold paths",
            "proc hold_paths {n} {\n  report_checks -path_delay min -group_count $n\n}"),
]


class Narrator:
    """Asks the model for one sentence at a time; loads the model only when first asked."""

    def __init__(self, model_factory: Callable[[], TextModel], tool_title: str,
                 bank: ExampleBank | None = None) -> None:
        self._factory = model_factory
        self._model: TextModel | None = None
        self.tool_title = tool_title
        self.bank = bank
        self._index: BM25 | None = None
        self.calls = 0
        self.kept = 0
        self.seconds = 0.0

    @property
    def name(self) -> str:
        return self._model.name if self._model is not None else "model"

    def _complete(self, template: str, evidence: str, shown: str, **values) -> str | None:
        if self._model is None:
            self._model = self._factory()
        began = time.monotonic()
        prompt = prompts.render(template, tool_title=self.tool_title, **values).rstrip()  # end on the cue
        completion = self._model.complete(prompt,
                                          max_tokens=MAX_TOKENS, temperature=0.0, stop=["\n"])
        self.seconds += time.monotonic() - began
        self.calls += 1
        sentence = grounded(completion.text, evidence, shown)
        self.kept += sentence is not None
        return sentence

    def nearest(self, code: str, k: int = 3) -> list[Example]:
        """The k verified examples whose scripts are closest to `code`, nearest last."""
        usable = [e for e in (self.bank.examples if self.bank else []) if len(e.script) <= MAX_EXAMPLE_CHARS]
        if not usable:
            return list(DEFAULT_EXAMPLES)
        if self._index is None:
            self._index = BM25([tokens(e.script) for e in usable])
            self._usable = usable
        return [self._usable[i] for i, _ in self._index.top(tokens(code), k)][::-1]

    def block(self, code: str) -> str | None:
        """What a block of code (a proc, a loop, a short script) does, in plain words."""
        code = code[:MAX_CODE_CHARS].rstrip()
        examples = self.nearest(code)
        shown = "\n".join(e.script for e in examples)
        return self._complete("explain_block.j2", code, shown, code=code, examples=examples)
