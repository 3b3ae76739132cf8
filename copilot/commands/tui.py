"""`copilot tui` (and `copilot` alone): the workspace for Q&A, scripts and the live tool."""

from __future__ import annotations

import click

from copilot.commands.common import model_options, resolve_setup, tool_option


@click.command()
@tool_option
@click.option("--setup", "setup", metavar="FILE|demo",
              help="Tcl script that loads your design into the tool pane's session "
                   "(default: the tool's bundled demo design).")
@model_options
def tui(tool: str | None, setup: str | None, **model_flags) -> None:
    """Open the workspace: ask about the docs, generate and check scripts, run them in your tool.

    The tool pane is your own live session (OpenSTA with the demo design unless --setup
    says otherwise); a script runs there only after you confirm. F1 lists every key.
    """
    from copilot.context import AppContext
    from copilot.shells.profile import load_profile

    app = AppContext.build({"tool": tool, "setup": setup, **model_flags})
    profile = load_profile(app.settings.tool, app.locations)
    setup_path = resolve_setup(app.settings.setup or ("demo" if profile.demo_setup else ""), profile)

    from copilot.tui.app import run_app

    run_app(app, tool=profile.name, setup=setup_path)
