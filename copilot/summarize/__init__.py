"""`copilot summarize`: long bug threads as technical and managerial summaries with an owner area."""

from __future__ import annotations

from copilot.context import AppContext


def build_summarizer(app: AppContext, tool: str | None = None, *, use_model: bool = True):
    """A Summarizer that knows `tool`'s command names (from its catalog) and, optionally, the model."""
    from copilot.shells.profile import load_profile
    from copilot.summarize.summarizer import Summarizer

    profile = load_profile(tool or app.settings.tool)
    commands: set[str] = set()
    if profile.language == "tcl":
        from copilot.catalog import load_catalog

        catalog = load_catalog(app, profile.name)
        commands = {c.name for c in catalog.documented()} | set(catalog.missing)
    factory = None
    if use_model:
        from copilot.model.registry import load_model

        factory = lambda: load_model(app)  # noqa: E731 - loaded only when a sentence is asked for
    return Summarizer(commands, profile.description.split()[0], factory)
