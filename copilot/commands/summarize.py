"""`copilot summarize`: a long bug report or issue thread, summarized for engineers and managers."""

from __future__ import annotations

import json
import sys
import textwrap

import click

from copilot.commands.common import INPUT_MAX_BYTES, file_input_command


@click.command()
@file_input_command(json_help='Print {"technical", "managerial", "assignment", "chunks"}.',
                    no_model_help="Extractive summary only (no model sentences); fastest.")
def summarize(file: str, tool: str | None, as_json: bool, no_model: bool, **model_flags) -> None:
    """Summarize FILE (- reads stdin): a bug thread as plain text, Markdown or a JSON export.

    The thread is cut into chunks; each chunk's key sentences (versions, commands, errors,
    stack frames, resolution statements) are picked by scoring and the model writes one
    sentence from them; chunk sentences are merged until one remains. Long paths and hashes
    reach the model as short aliases and are restored in the output. The managerial summary
    (status, impact, next step) and the owner area come from rules that quote their evidence.
    """
    from copilot.context import AppContext
    from copilot.errors import InputError
    from copilot.input_files import read_text_input
    from copilot.summarize import build_summarizer
    from copilot.summarize.summarizer import looks_like_a_bug_thread
    from copilot.summarize.thread import read_thread

    app = AppContext.build({"tool": tool, **model_flags})
    source = read_text_input(file, what="bug report (text, Markdown or JSON)", max_bytes=INPUT_MAX_BYTES)
    if not looks_like_a_bug_thread(source.text):
        raise InputError(f"{source.name} has no words to summarize; pass a bug report or issue thread.")
    thread = read_thread(source.text, source.name)
    summarizer = build_summarizer(app, app.settings.tool, use_model=not no_model)

    def progress(stage: str, number: int, total: int) -> None:
        if total > 1 or stage != "chunk":
            click.echo(f"summarize: {stage} {number}/{total}", err=True)

    result = summarizer.summarize(thread, on_progress=progress)
    if as_json:
        click.echo(json.dumps(result.to_json(), indent=2))
        return
    _print_text(result)


def _print_text(result) -> None:
    click.echo("Technical summary")
    click.echo("-----------------")
    for line in result.technical.split("\n"):
        click.echo(textwrap.fill(line, width=100, subsequent_indent="  ") if len(line) > 100 else line)
    m = result.managerial
    click.echo("\nManagerial summary")
    click.echo("------------------")
    click.echo(textwrap.fill(f"Status: {m.status} ({m.status_reason})", width=100, subsequent_indent="  "))
    click.echo(textwrap.fill(f"Impact: {m.impact}", width=100, subsequent_indent="  "))
    click.echo(textwrap.fill(f"Next step: {m.next_step}", width=100, subsequent_indent="  "))
    a = result.assignment
    click.echo("\nSuggested owner area")
    click.echo("--------------------")
    click.echo(f"{a.area}" + (f" (runner-up: {a.runner_up})" if a.runner_up else ""))
    for reason in a.reasons:
        click.echo(f"  - {reason}")
    levels = max((c.level for c in result.chunks), default=0)
    click.echo(f"\n# {result.chars} characters, {sum(c.level == 0 for c in result.chunks)} chunk(s), "
               f"{levels} merge level(s), {result.model_calls} model call(s), {result.seconds:.1f} s",
               file=sys.stderr)
