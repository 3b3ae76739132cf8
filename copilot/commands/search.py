"""`copilot search`: the documentation passages that best match a query (no model)."""

from __future__ import annotations

import json

import click

from copilot.commands.docs_options import open_retriever, store_options


def _where(hit) -> str:
    page = f", page {hit.passage.page}" if hit.passage.page else ""
    return f"{hit.passage.source}{page}"


@click.command()
@click.argument("query", nargs=-1, required=True)
@click.option("-k", "k", type=click.IntRange(1, 100), default=8, show_default=True, help="How many passages.")
@click.option("--mode", type=click.Choice(["hybrid", "dense", "keyword"]), default="hybrid",
              show_default=True, help="Ranking: BM25 + embeddings fused, embeddings only, or BM25 only.")
@click.option("--json", "as_json", is_flag=True,
              help='Print a JSON list of {"text", "source", "title", "page", "score"}, best first.')
@store_options
def search(query: tuple[str, ...], k: int, mode: str, as_json: bool, store: str | None,
           chroma_url: str | None) -> None:
    """Find the indexed documentation passages that best match QUERY."""
    from copilot.context import AppContext
    from copilot.errors import UsageError

    text = " ".join(query).strip()
    if not text:
        raise UsageError("the query is empty; say what to look for, e.g. `copilot search create_clock -waveform`.")
    app = AppContext.build({"store": store, "chroma_url": chroma_url})
    hits = open_retriever(app, interactive=not as_json).search(text, k=k, mode=mode)
    if as_json:
        click.echo(json.dumps([h.passage.to_json(h.score) for h in hits], indent=2))
        return
    if not hits:
        click.echo("no passage matches; try other words, or index more documentation.")
    for n, hit in enumerate(hits, start=1):
        click.echo(f"[{n}] {hit.passage.title}  ({_where(hit)})  score {hit.score:.4f}")
        body = [line for line in hit.passage.text.split("\n")[1:] if line.strip()][:4]
        for line in body:
            click.echo(f"    {line[:110]}")
        click.echo()
