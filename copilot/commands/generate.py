"""`copilot generate`: a checked, tried script for a plain-English request."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from copilot.commands.common import model_options, resolve_setup, tool_option


@click.command()
@click.argument("request", nargs=-1)
@tool_option
@click.option("--setup", "setup", metavar="FILE|demo",
              help="Tcl script that loads the design before the script is tried ('demo' for the bundled design).")
@click.option("--attempts", type=int, help="Most candidates (first try plus repairs).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object to stdout.")
@model_options
def generate(request: tuple[str, ...], tool: str | None, setup: str | None, attempts: int | None,
             as_json: bool, **model_flags) -> None:
    """Write a tool script for REQUEST, check it, and try it in the live tool.

    The script is checked (Tcl syntax, the tool's own commands and flags, objects of the
    loaded design, safety) and, with --setup, run in a scratch session of the tool, never
    in yours. Repairs use the tool's errors.
    """
    from copilot.context import AppContext
    from copilot.generate.pipeline import validate_request
    from copilot.generate.service import ScriptService
    from copilot.shells.profile import load_profile

    app = AppContext.build({"tool": tool, "setup": setup, "attempts": attempts, **model_flags})
    text = validate_request(" ".join(request))
    profile = load_profile(app.settings.tool, app.locations)
    setup_path = resolve_setup(app.settings.setup, profile)
    result = None
    if attempts is None and not any(model_flags.values()):  # the server's model would differ
        from copilot.server.client import generate_via_server

        result = generate_via_server(app, text, profile.name, setup_path,
                                     warn=lambda note: click.echo(f"copilot: {note}", err=True))
    if result is None:
        service = ScriptService(app, profile.name, setup_path)
        try:
            result = service.generate(text)
        finally:
            service.close()
    if as_json:
        click.echo(json.dumps(result.to_json(), indent=2))
        return
    click.echo(result.script.rstrip())
    err = sys.stderr
    verdict = "valid" if result.valid else "NOT valid"
    ran = "ran in " + profile.name if result.ran else "not run"
    click.echo(f"\n# {verdict}; {ran}; safety: {result.safety}; {result.attempts} attempt(s); "
               f"{result.seconds:.1f} s", file=err)
    for d in result.diagnostics:
        click.echo(f"#   {d}", file=err)
    if result.ran:
        click.echo(f"# --- {profile.name} output ---", file=err)
        click.echo(result.output.rstrip(), file=err)
