"""`copilot explain`: what a Tcl/SDC (or Python) script does, line by line, with sources."""

from __future__ import annotations

import json
import sys
import textwrap

import click

from copilot.commands.common import INPUT_MAX_BYTES, file_input_command


@click.command()
@file_input_command(
    json_help='Print {"summary", "lines": [{"line", "code", "explanation", "sources"}], "diagnostics"}.',
    no_model_help="Leave out the model's sentences (only the catalog, notes and checks).")
def explain(file: str, tool: str | None, as_json: bool, no_model: bool, **model_flags) -> None:
    """Explain FILE (a Tcl/SDC or Python script; - reads stdin) command by command.

    Each command gets what it does and what each of its flags means, from the tool's own
    usage (the catalog), the shipped command notes and, when indexed, the docs; a short
    model sentence is added where a block (proc, loop) benefits, marked as unverified. The
    checks' findings (syntax errors, unknown commands or flags, version gaps, commands that
    reach the operating system) are listed with line numbers.
    """
    from copilot.context import AppContext
    from copilot.explain import build_explainer
    from copilot.input_files import read_text_input

    app = AppContext.build({"tool": tool, **model_flags})
    source = read_text_input(file, what="Tcl, SDC or Python script", max_bytes=INPUT_MAX_BYTES)
    explainer = build_explainer(app, app.settings.tool, use_model=not no_model)

    def progress(number: int, total: int, first: int, last: int) -> None:
        if total > 1:
            click.echo(f"explain: section {number}/{total} (lines {first}-{last})", err=True)

    result = explainer.explain(source, on_progress=progress)
    if as_json:
        click.echo(json.dumps(result.to_json(), indent=2))
        return
    _print_text(result)


def _print_text(result) -> None:
    wrap = textwrap.TextWrapper(width=100, initial_indent="    ", subsequent_indent="    ")
    click.echo(textwrap.fill(result.summary, width=100))
    sections = {s.first: s for s in result.sections}
    for entry in result.lines:
        section = sections.pop(entry.line, None) if not entry.nested else None
        if section is not None:
            click.echo(f"\n== lines {section.first}-{section.last}: {section.overview}")
        click.echo()
        code = entry.code.split("\n")
        click.echo(f"{entry.line:>4}  {code[0]}" + (" ..." if len(code) > 1 else ""))
        click.echo(wrap.fill(entry.explanation))
        if entry.sources:
            click.echo("    sources: " + "; ".join(entry.sources))
    if result.diagnostics:
        click.echo("\nProblems:")
        for d in result.diagnostics:
            click.echo(f"  {d}")
    click.echo(f"\n# {len(result.lines)} lines explained, {result.model_calls} model call(s), "
               f"{result.seconds:.1f} s", file=sys.stderr)
