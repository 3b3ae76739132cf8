"""`copilot ask`: retrieve passages, and let the model answer from them with citations.

The passages are put in front of the model as quoted, numbered excerpts; nothing in them
is run. When the best passage is not similar enough to the question, the model is not
called at all and the answer says so, so a small model never answers from thin air.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from copilot import prompts
from copilot.context import AppContext
from copilot.docs.keyword_index import doc_tokens
from copilot.docs.retrieval import Hit, Retriever
from copilot.model.base import OnToken

PASSAGE_CHARS = 1200  # per excerpt in the prompt: four fit a 270M model's context with room
ANSWER_PREFIX = "According to ["  # starts the model off citing; part of the answer shown
STOP = ("\n", "Question:")  # one paragraph: past it, small base models ramble or repeat
_CITATION = re.compile(r"\[(\d{1,2})\]")


@dataclass
class Answer:
    """The answer text and the passages it was given (ref n is sources[n-1])."""

    text: str
    sources: list[Hit] = field(default_factory=list)
    known: bool = True

    def cited(self) -> list[int]:
        """Refs the answer cites that point at a given passage, in order of first use."""
        refs = [int(n) for n in _CITATION.findall(self.text)]
        return list(dict.fromkeys(n for n in refs if 1 <= n <= len(self.sources)))

    def to_json(self) -> dict:
        """The public shape: {"answer", "sources": [{"ref", "text", "source", "title", "page", "score"}]}."""
        return {"answer": self.text,
                "sources": [{"ref": n, **hit.passage.to_json(hit.score)}
                            for n, hit in enumerate(self.sources, start=1)]}


def where(hit: Hit) -> str:
    page = f", page {hit.passage.page}" if hit.passage.page else ""
    return f"{hit.passage.source.rsplit('/', 1)[-1]}{page}"


def dont_know(best: float, floor: float) -> str:
    return (f"I don't know: nothing in the indexed documentation is close to this question "
            f"(best match {best:.2f}, needs {floor:.2f}). Index the manual that covers it with "
            f"`copilot index PATH`, or rephrase with the command's name.")


def key_line(question: str, hit: Hit, weights: dict[str, float]) -> str:
    """The passage line that shares the rarest words with the question ("" if none does).

    Shown under each source, so the evidence is on screen whatever the model wrote.
    """
    wanted = set(doc_tokens(question))
    best, best_score = "", 0.0
    for line in hit.passage.text.split("\n")[1:]:
        score = sum(weights.get(t, 0.0) for t in wanted & set(doc_tokens(line)))
        if score > best_score:
            best, best_score = " ".join(line.split()), score
    return best


def render_prompt(question: str, hits: list[Hit]) -> str:
    passages = []
    for n, hit in enumerate(hits, start=1):
        body = hit.passage.text.split("\n", 1)[-1] if "\n" in hit.passage.text else hit.passage.text
        passages.append({"ref": n, "title": hit.passage.title, "where": where(hit),
                         "text": body[:PASSAGE_CHARS].strip()})
    # the best passage goes last, nearest the question: small models weigh recent text most
    return prompts.render("ask.j2", passages=passages[::-1], question=question.strip(),
                          answer_prefix=ANSWER_PREFIX).rstrip(" \n")


def ask(app: AppContext, retriever: Retriever, question: str, model=None,
        on_token: OnToken | None = None) -> Answer:
    """Answer `question` from the store; `model` defaults to the configured one."""
    hits, best = retriever.search_with_relevance(question, k=app.settings.ask_passages)
    if not hits or best < app.settings.min_relevance:
        text = dont_know(best, app.settings.min_relevance)
        if on_token:
            on_token(text)
        return Answer(text, [], known=False)
    if model is None:
        from copilot.model.registry import load_model

        model = load_model(app)
    if on_token:
        on_token(ANSWER_PREFIX)
    completion = model.complete(render_prompt(question, hits), max_tokens=app.settings.max_tokens,
                                temperature=0.0, stop=list(STOP), seed=app.settings.seed,
                                on_token=on_token)
    return Answer((ANSWER_PREFIX + completion.text).strip(), hits)
