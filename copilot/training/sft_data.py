"""Instruction pairs for SFT, each rendered with the copilot's own prompt templates.

Script pairs are what matters most: for each bank example the prompt is built exactly as
`copilot generate` builds it (nearest *other* examples, then the request), and the answer is
the script plus "# End", so the model learns to adapt retrieved examples, not to recall them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from copilot import prompts
from copilot.errors import TrainingError
from copilot.generate.examples import Example, ExampleBank


@dataclass(frozen=True)
class Pair:
    """One training record: the loss is taken on `answer` only."""

    kind: str
    id: str
    prompt: str
    answer: str


class LeaveOneOut:
    """The bank as seen while training on one of its examples: that example is hidden."""

    def __init__(self, bank: ExampleBank, hidden: set[str]) -> None:
        self.bank = bank
        self.hidden = hidden

    def nearest(self, request: str, k: int = 4) -> list[Example]:
        found = self.bank.nearest(request, k + len(self.hidden))
        return [e for e in found if e.id not in self.hidden][:k]


def normalise(text: str) -> str:
    return " ".join(text.lower().split())


def held_out_filter(examples: list[Example], dev_tasks: Path | None) -> tuple[list[Example], int]:
    """Drop bank examples whose request or script equals a dev task's (never train on dev)."""
    if dev_tasks is None or not dev_tasks.is_file():
        return examples, 0
    dev = [json.loads(line) for line in dev_tasks.read_text(encoding="utf-8").splitlines() if line.strip()]
    banned = {normalise(t.get("request", "")) for t in dev} | {normalise(t.get("reference", "")) for t in dev}
    kept = [e for e in examples if normalise(e.request) not in banned and normalise(e.script) not in banned]
    return kept, len(examples) - len(kept)


def script_pairs(bank: ExampleBank, generator, examples: list[Example]) -> list[Pair]:
    """Prompt from the nearest other examples (through the live Generator), answer = script."""
    pairs = []
    full = generator.bank
    try:
        for example in examples:
            generator.bank = LeaveOneOut(bank, {example.id})
            prompt = prompts.render("script_fewshot.j2", **generator.prompt_values(example.request))
            pairs.append(Pair("script", example.id, prompt, example.script.rstrip() + "\n# End"))
    finally:
        generator.bank = full
    return pairs


def explain_pairs(bank: ExampleBank, examples: list[Example], tool_title: str) -> list[Pair]:
    """Explain-this-script pairs in `copilot explain`'s block prompt: code -> its request.

    The few-shot examples are the ones the explainer itself would pick (nearest scripts),
    with the example being explained hidden.
    """
    from copilot.explain.narrate import Narrator

    narrator = Narrator(lambda: None, tool_title, bank)
    pairs = []
    for example in examples:
        shown = [e for e in narrator.nearest(example.script, 4) if e.id != example.id][-3:]
        prompt = prompts.render("explain_block.j2", tool_title=tool_title, code=example.script.rstrip(),
                                examples=shown)
        pairs.append(Pair("explain", example.id, prompt, " " + example.request.strip()))
    return pairs


def qa_pairs(path: Path) -> list[Pair]:
    """Grounded Q&A: JSONL of {question, answer, passages: [{title, where, text}]}."""
    pairs = []
    for n, record in enumerate(read_jsonl(path)):
        try:
            passages = [{"ref": i + 1, "title": p.get("title", ""), "where": p.get("where", ""),
                         "text": p["text"]} for i, p in enumerate(record.get("passages", []))]
            prompt = prompts.render("ask.j2", passages=passages, question=record["question"])
            pairs.append(Pair("qa", record.get("id", f"qa-{n}"), prompt, " " + record["answer"].strip()))
        except (KeyError, TypeError, AttributeError):
            raise TrainingError(f"{path} line {n + 1}: a Q&A record needs question, answer and "
                                "passages (each with text).") from None
    return pairs


def general_pairs(path: Path) -> list[Pair]:
    """General instruction data a team supplies: JSONL of {prompt, answer}."""
    pairs = []
    for n, record in enumerate(read_jsonl(path)):
        if not isinstance(record, dict) or not {"prompt", "answer"} <= set(record):
            raise TrainingError(f"{path} line {n + 1}: a general record needs prompt and answer.")
        pairs.append(Pair("general", record.get("id", f"general-{n}"), record["prompt"], record["answer"]))
    return pairs


def read_jsonl(path: Path) -> list:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise TrainingError(f"{path} is not UTF-8 text; convert it (e.g. iconv -t utf-8).") from None
    except OSError as exc:
        raise TrainingError(f"cannot read {path}: {exc.strerror}.") from None
    records = []
    for n, line in enumerate(text.splitlines()):
        if line.strip():
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise TrainingError(f"{path} line {n + 1} is not JSON ({exc.msg}).") from None
    return records


def tokenize_pair(tokenizer, pair: Pair, max_length: int) -> dict | None:
    """Prompt ids (with BOS, as llama.cpp sees them) + answer ids; labels on the answer only.

    Long prompts are cut from the left so the request and the answer survive; a pair whose
    answer alone does not fit is skipped (None).
    """
    prompt = tokenizer(pair.prompt, add_special_tokens=True)["input_ids"]
    answer = tokenizer(pair.answer, add_special_tokens=False)["input_ids"]
    if len(answer) >= max_length // 2:
        return None
    if len(prompt) + len(answer) > max_length:
        keep = max_length - len(answer)
        prompt = prompt[:1] + prompt[len(prompt) - keep + 1:]
    return {"input_ids": prompt + answer, "labels": [-100] * len(prompt) + answer}
