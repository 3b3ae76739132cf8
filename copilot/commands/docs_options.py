"""Options shared by `index`, `search` and `ask`, and the first-use offer to index (no heavy imports)."""

from __future__ import annotations

import sys

import click


def store_options(func):
    """--store DIR and --chroma-url URL: which docs store the command uses."""
    func = click.option("--chroma-url", "chroma_url", metavar="URL",
                        help="Shared Chroma server (`chroma run`) instead of the local store.")(func)
    func = click.option("--store", metavar="DIR", help="Folder of the local docs store (default: the data dir's).")(func)
    return func


def open_retriever(app, interactive: bool):
    """A Retriever over the configured store; on first use, offer to index the defaults."""
    from copilot.docs.retrieval import EMPTY, Retriever
    from copilot.docs.store import open_store
    from copilot.errors import StoreError

    store = open_store(app)
    if store is None or not store.entries():
        where = app.settings.chroma_url or str(app.settings.store_path(app.locations))
        if not (interactive and sys.stdin.isatty() and sys.stderr.isatty()) or not click.confirm(
                f"The docs index at {where} is empty. Index the Tcl man pages and the "
                f"{app.settings.tool} command catalog now (about a minute)?", err=True):
            raise StoreError(EMPTY.format(where=where))
        from copilot.commands.index import index_defaults

        index_defaults(app)
        store = open_store(app)
    return Retriever(store, app.locations.docs_cache_dir)
