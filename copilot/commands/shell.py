"""`copilot shell`: the user's tool in their terminal, with the copilot one `??` away."""

from __future__ import annotations

import click

from copilot.commands.common import model_options, tool_option


@click.command(context_settings={"ignore_unknown_options": True})
@tool_option
@click.option("--setup", "setup", metavar="FILE|demo",
              help="Script loaded into the tool at start (and replayed after a restart).")
@click.option("--yes", is_flag=True, help="Run valid read-only scripts without asking.")
@click.option("--allow-modify", "allow_modify", is_flag=True, default=None,
              help="With --yes, also run scripts that change the design without asking.")
@click.argument("tool_args", nargs=-1, type=click.UNPROCESSED, metavar="[-- TOOL ARGS]")
@model_options
def shell(tool: str | None, setup: str | None, yes: bool, allow_modify: bool | None,
          tool_args: tuple[str, ...], **model_flags) -> None:
    """Run the tool with the copilot inside: type ?? and a request at its prompt.

    Everything else goes to the tool as typed (its own line editing, history and output).
    The copilot writes a script, shows it with its checks, and offers [r]un / [e]dit /
    e[x]plain / [a]bort; run sends it into this live session, and errors can be fed back
    for a repaired script. TOOL ARGS after -- replace the profile's arguments.
    """
    import tempfile
    from pathlib import Path

    from copilot.commands.common import resolve_setup
    from copilot.context import AppContext
    from copilot.shells.base import find_executable
    from copilot.shells.profile import load_profile
    from copilot.toolshell.dialog import RequestDialog
    from copilot.toolshell.history import ShellHistory
    from copilot.toolshell.live_tool import LiveTool
    from copilot.toolshell.session import ShellSession, history_path, tool_env
    from copilot.toolshell.terminal import Terminal

    app = AppContext.build({"tool": tool, "setup": setup, "allow_modify": allow_modify, **model_flags})
    settings = app.settings
    profile = load_profile(settings.tool, app.locations)
    setup_path = resolve_setup(settings.setup, profile)
    find_executable(profile, profile.executable_for(settings))  # a missing tool says so first
    terminal = Terminal()
    args = list(tool_args) if tool_args else list(profile.interactive_args())
    app.locations.sessions_dir.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f"shell-{profile.name}-", dir=app.locations.sessions_dir))
    live = LiveTool(profile, profile.executable_for(settings), args,
                    tool_env(app.environ, profile.env), scratch, settings.timeout, terminal.size())
    history = ShellHistory(history_path(app.locations, profile.name))
    history.add("start", tool=profile.name, args=args, setup=str(setup_path or ""))

    def dialog(run):
        return RequestDialog(app, profile, setup_path, history, run, yes=yes,
                             allow_modify=settings.allow_modify)

    session = ShellSession(live, terminal, history, dialog, settings.request_prefix)
    raise SystemExit(session.run(setup_path))
