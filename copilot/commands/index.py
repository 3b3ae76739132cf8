"""`copilot index`: add documentation to the docs store (incremental, resumable)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from copilot.commands.docs_options import store_options


def _run(app, sources: list, prune: set[str]):
    """Index `sources` with a progress bar on stderr; returns the IndexReport."""
    from copilot.docs.indexer import run_index
    from copilot.docs.retrieval import Retriever
    from copilot.docs.store import open_store

    store = open_store(app, create=True)
    with click.progressbar(length=len(sources), label="indexing", file=sys.stderr, show_pos=True,
                           hidden=not sys.stderr.isatty()) as bar:
        report = run_index(store, sources, prune, progress=bar.update)
    if store.entries():
        Retriever(store, app.locations.docs_cache_dir).refresh()  # the first search starts warm
    return report


def index_defaults(app):
    """Index the Tcl man pages and the configured tool's catalog (first-use offer)."""
    from copilot.docs.planning import requested_sources

    sources, prune = requested_sources(app, [], [], defaults=True)
    report = _run(app, sources, prune)
    click.echo(f"copilot: indexed the defaults: {report.summary()}", err=True)
    return report


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--tool", "tools", multiple=True, metavar="NAME",
              help="Also index the live command catalog of this tool (e.g. opensta); repeatable.")
@click.option("--defaults", is_flag=True,
              help="Index what this machine has: Tcl man pages (tcl8.6-doc) and the tool's command catalog.")
@click.option("--rebuild", is_flag=True,
              help="Delete the store and index again (after a model or version change).")
@click.option("--json", "as_json", is_flag=True, help="Print the run's summary as one JSON object.")
@store_options
def index(paths: tuple[Path, ...], tools: tuple[str, ...], defaults: bool, rebuild: bool,
          as_json: bool, store: str | None, chroma_url: str | None) -> None:
    """Index documentation files and folders for `copilot search` and `copilot ask`.

    Reads PDF (page numbers kept), Markdown, RST, HTML, text, man pages (also .gz), and
    Tcl/SDC/Python scripts as examples. Unchanged files are skipped, deleted ones removed,
    and an interrupted run picks up where it stopped. With no PATH, everything already in
    the store is refreshed.

    \b
    Examples:
      copilot index --defaults                 # Tcl man pages + the tool's command catalog
      copilot index ~/docs/OpenSTA.pdf team-notes/
      copilot index --chroma-url http://127.0.0.1:8000 docs/   # a shared team index
    """
    from copilot.context import AppContext
    from copilot.docs.planning import refresh_sources, requested_sources
    from copilot.docs.store import delete_store, read_manifest

    app = AppContext.build({"store": store, "chroma_url": chroma_url})
    # sources are worked out before anything is deleted: a bad PATH leaves the store alone
    if paths or tools or defaults:
        sources, prune = requested_sources(app, list(paths), list(tools), defaults)
    else:
        sources, prune = refresh_sources(app, read_manifest(app))
    if rebuild:
        delete_store(app)
    report = _run(app, sources, prune)
    for path, reason in report.skipped:
        click.echo(f"copilot: skipped {path}: {reason}", err=True)
    if as_json:
        click.echo(json.dumps({"added": report.added, "updated": report.updated,
                               "unchanged": report.unchanged, "removed": report.removed,
                               "passages": report.passages, "seconds": round(report.seconds, 2),
                               "skipped": [{"source": p, "reason": r} for p, r in report.skipped]}))
    else:
        click.echo(report.summary())
