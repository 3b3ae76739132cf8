"""`copilot serve`: keep the model, catalog and a scratch session warm for plugins and commands."""

from __future__ import annotations

import click

from copilot.commands.common import model_options, tool_option


@click.command()
@tool_option
@click.option("--setup", "setup", metavar="FILE|demo",
              help="Design the scratch session loads, so scripts are tried before they are returned.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address of the TCP port (this machine only: 127.0.0.1, localhost or ::1).")
@click.option("--port", type=int, help="TCP port for the Tcl plugin; 0 picks a free one.")
@click.option("--no-tcp", is_flag=True, help="Only the Unix socket (no Tcl plugin).")
@click.option("--status", "show_status", is_flag=True, help="Say whether a server runs, and stop.")
@click.option("--stop", is_flag=True, help="Stop the running server.")
@click.option("--plugin-path", is_flag=True, help="Print the path of copilot.tcl, and stop.")
@model_options
def serve(tool: str | None, setup: str | None, host: str, port: int | None, no_tcp: bool,
          show_status: bool, stop: bool, plugin_path: bool, **model_flags) -> None:
    """Serve script generation locally for the Tcl and Python plugins and other commands.

    Listens on a Unix socket in the data folder and, for Tcl tools (Tcl has no Unix sockets),
    on 127.0.0.1 with a per-user token file (mode 0600). Runs in the foreground; Ctrl-C or
    `copilot serve --stop` ends it. Inside a Tcl tool: source the file --plugin-path prints.
    """
    from copilot.context import AppContext
    from copilot.server.lifecycle import plugin_file, run_server, server_status, stop_server

    if plugin_path:
        click.echo(plugin_file())
        return
    app = AppContext.build({"tool": tool, "setup": setup, "server_port": port, **model_flags})
    if show_status:
        click.echo(server_status(app))
        return
    if stop:
        click.echo(stop_server(app))
        return
    run_server(app, host, tcp=not no_tcp, say=lambda text: click.echo(text, err=True))
