"""Start, find and stop the one `copilot serve` of a user: stale files, signals, status."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path
from typing import Callable

from copilot.context import AppContext
from copilot.errors import ServerError
from copilot.server.client import ServerClient, _pid_alive
from copilot.server.protocol import ServerFiles


def plugin_file() -> Path:
    from copilot import resources

    return resources.data_file("adapters", "copilot.tcl")


def _running(app: AppContext) -> tuple[dict[str, str], ServerClient | None]:
    """The endpoint of a server that answers (with a connected client), else ({}, None)."""
    files = ServerFiles(app.locations.server_dir)
    endpoint = files.read_endpoint()
    try:
        client = ServerClient.connect(app.locations.server_dir, timeout=10.0)
    except ServerError:
        return endpoint, None  # it runs but is of another version: still "running"
    return (endpoint, client) if client is not None else ({}, None)


def server_status(app: AppContext) -> str:
    endpoint, client = _running(app)
    if not endpoint:
        return "copilot serve: not running."
    if client is None:
        return (f"copilot serve: pid {endpoint.get('pid')} runs another version "
                f"({endpoint.get('version')}); stop it with `copilot serve --stop`.")
    with client:
        info = client.call("status")["result"]
    where = f"unix:{endpoint.get('socket')}" + (f" and {endpoint.get('host')}:{endpoint['port']}"
                                                if "port" in endpoint else "")
    return (f"copilot serve {info['version']}: pid {endpoint.get('pid')} on {where}; tool "
            f"{info['tool']}; {info['requests']} request(s); up {info['uptime']:.0f} s.")


def stop_server(app: AppContext) -> str:
    files = ServerFiles(app.locations.server_dir)
    endpoint = files.read_endpoint()
    pid = endpoint.get("pid", "")
    if not endpoint or not _pid_alive(pid):
        files.remove()
        return "copilot serve: not running."
    os.kill(int(pid), signal.SIGTERM)
    for _ in range(100):
        if not _pid_alive(pid):
            return f"copilot serve: stopped pid {pid}."
        time.sleep(0.1)
    raise ServerError(f"copilot serve (pid {pid}) did not stop within 10 s; kill it with `kill {pid}`.")


def run_server(app: AppContext, host: str, tcp: bool = True,
               say: Callable[[str], None] = print) -> None:
    """Refuse a second server, clear stale files, warm up, listen until SIGINT/SIGTERM."""
    from copilot.commands.common import resolve_setup
    from copilot.server.operations import Operations
    from copilot.server.server import CopilotServer
    from copilot.shells.profile import load_profile

    files = ServerFiles(app.locations.server_dir)
    endpoint, client = _running(app)
    if endpoint:
        if client is not None:
            client.close()
        raise ServerError(f"server already running (pid {endpoint.get('pid')}, version "
                          f"{endpoint.get('version')}); stop it with `copilot serve --stop`.")
    stale = files.read_endpoint()
    if stale or files.socket.exists():
        say(f"copilot serve: removing stale files of pid {stale.get('pid', '?')} from {files.folder}")
        files.remove()
    profile = load_profile(app.settings.tool, app.locations)
    setup = resolve_setup(app.settings.setup, profile)
    operations = Operations(app, profile.name, setup, wait=app.settings.server_timeout)
    server = CopilotServer(operations, files, host, app.settings.server_port, tcp)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    say(f"copilot serve: loading the model and {profile.name}"
        + (f" with {setup}" if setup else "") + " ...")
    try:
        operations.warm()
    except Exception:
        operations.close()
        raise
    endpoint = server.bind()
    where = f"unix:{endpoint['socket']}" + (f" and {host}:{endpoint['port']}" if tcp else "")
    say(f"copilot serve: ready on {where} (pid {os.getpid()}). In a Tcl tool: source {plugin_file()}")
    server.serve(stop)
    say("copilot serve: stopped.")
