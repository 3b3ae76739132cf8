"""`copilot explain`: a script explained command by command, with sources and the checks' findings."""

from __future__ import annotations

from copilot.context import AppContext


def build_explainer(app: AppContext, tool: str | None = None, *, use_model: bool = True,
                    use_docs: bool = True):
    """An Explainer for `tool` (default: the `tool` setting) with its catalog, notes and checks."""
    from copilot.explain.citations import DocsCitations
    from copilot.explain.explainer import Explainer
    from copilot.explain.narrate import Narrator
    from copilot.explain.notes import load_notes
    from copilot.shells.profile import load_profile

    profile = load_profile(tool or app.settings.tool)
    title = profile.description.split()[0]
    bench = None
    if profile.language == "tcl":
        from copilot.generate.workbench import open_workbench

        bench = open_workbench(app, profile.name, None)
    narrator = None
    if use_model:
        from copilot.generate.examples import ExampleBank
        from copilot.model.registry import load_model

        narrator = Narrator(lambda: load_model(app), title, ExampleBank.for_tool(profile.name))
    docs = DocsCitations.open(app) if use_docs and bench is not None else None
    return Explainer(bench, load_notes(profile.name, profile.language), title, narrator, docs)
