"""`copilot ask`: a streamed answer from the indexed documentation, with numbered citations."""

from __future__ import annotations

import json

import click

from copilot.commands.common import model_options
from copilot.commands.docs_options import open_retriever, store_options


@click.command()
@click.argument("question", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True,
              help='Print one JSON object {"answer", "sources": [...]} instead of streaming.')
@click.option("-k", "passages", type=click.IntRange(1, 10), help="Passages given to the model (default 4).")
@store_options
@model_options
def ask(question: tuple[str, ...], as_json: bool, passages: int | None, store: str | None,
        chroma_url: str | None, **model_flags) -> None:
    """Answer QUESTION from the indexed documentation, citing passages as [1], [2]...

    The answer streams as it is written; the sources follow, each with its file and
    page. When nothing indexed is close to the question, it says it does not know
    instead of guessing.
    """
    from copilot.context import AppContext
    from copilot.docs.answering import ask as answer_question
    from copilot.docs.answering import key_line, where
    from copilot.errors import UsageError

    text = " ".join(question).strip()
    if not text:
        raise UsageError("the question is empty; ask something, e.g. `copilot ask how do I set an input delay`.")
    app = AppContext.build({"store": store, "chroma_url": chroma_url, "ask_passages": passages, **model_flags})
    retriever = open_retriever(app, interactive=not as_json)

    def stream(piece: str) -> None:
        click.echo(piece, nl=False)

    answer = answer_question(app, retriever, text, on_token=None if as_json else stream)
    if as_json:
        click.echo(json.dumps(answer.to_json(), indent=2))
        return
    click.echo()
    if not answer.sources:
        return
    cited = answer.cited()
    weights = retriever.refresh().bm25.idf
    click.echo("\nSources:")
    for n, hit in enumerate(answer.sources, start=1):
        mark = "" if n in cited or not cited else "  (not cited)"
        click.echo(f"[{n}] {where(hit)} — {hit.passage.title}{mark}")
        line = key_line(text, hit, weights)
        if line:
            click.echo(f"    > {line[:160]}")
