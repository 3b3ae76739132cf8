"""The `copilot` command: a thin click layer; each command lives in copilot/commands/.

Commands are imported only when invoked, so `copilot --help` stays fast.
"""

from __future__ import annotations

import importlib
import sys

import click

from copilot import __version__
from copilot.errors import CopilotError

# name -> "module:attribute"; a new command is one line here and one module.
COMMANDS = {
    "generate": ("copilot.commands.generate:generate", "Write a tool script for a request, check it and try it in the live tool."),
    "config": ("copilot.commands.config:config", "Show each setting's effective value and where it came from."),
    "doctor": ("copilot.commands.doctor:doctor", "Check every component (tool, model, llama.cpp, store) and say how to fix what is missing."),
    "explain": ("copilot.commands.explain:explain", "Explain a Tcl/SDC (or Python) script command by command, with sources and problems."),
    "summarize": ("copilot.commands.summarize:summarize", "Summarize a long bug report or issue thread: technical, managerial, owner area."),
    "eval": ("copilot.commands.evaluate:evaluate", "Run a benchmark: script tasks (pass@1) or a QA set (hit@k, MRR)."),
    "train": ("copilot.commands.train:train", "Adapt the model: corpus, tokenizer, dapt, sft, retriever, export (tools/train_*.py)."),
    "index": ("copilot.commands.index:index", "Index documentation (PDF, man pages, Markdown, HTML, examples, tool catalogs) for search and ask."),
    "search": ("copilot.commands.search:search", "Find the documentation passages that best match a query (hybrid BM25 + embeddings)."),
    "ask": ("copilot.commands.ask:ask", "Answer a question from the indexed documentation, with numbered citations."),
    "shell": ("copilot.commands.shell:shell", "Run a tool (sta, tclsh, ...) with the copilot inside: type ?? and a request at its prompt."),
    "serve": ("copilot.commands.serve:serve", "Keep the model warm for the Tcl/Python plugins and other commands (local socket only)."),
    "tui": ("copilot.commands.tui:tui", "Open the workspace (also `copilot` alone): docs Q&A, scripts, your live tool session."),
}


class LazyGroup(click.Group):
    """A group whose commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        target, _ = COMMANDS[name]
        module, attr = target.split(":")
        return getattr(importlib.import_module(module), attr)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List commands from the table, without importing their modules."""
        rows = [(name, COMMANDS[name][1]) for name in sorted(COMMANDS)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="copilot")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """EDA Copilot: a private, local copilot for chip-design tool sessions.

    Run `copilot` alone for the workspace (TUI), or one of the commands below.
    """
    if ctx.invoked_subcommand is None:
        command = cli.get_command(ctx, "tui") if "tui" in COMMANDS else None
        if command is None:
            click.echo(ctx.get_help())
            return
        ctx.invoke(command)


def main() -> None:
    """Entry point: every CopilotError becomes one line on stderr and exit code 2."""
    try:
        code = cli.main(standalone_mode=False)
    except CopilotError as exc:
        click.echo(f"copilot: {exc.title}: {exc.message}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("copilot: aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2)
    except KeyboardInterrupt:
        click.echo("copilot: interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    sys.exit(code if isinstance(code, int) else 0)
