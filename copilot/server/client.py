"""Talk to a running `copilot serve` (Unix socket), or learn that none is running."""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Callable

from copilot import __version__
from copilot.errors import ServerError
from copilot.server.protocol import MAX_LINE, PROTOCOL, ServerFiles, decode, encode

CONNECT_TIMEOUT = 5.0


def _pid_alive(pid: str) -> bool:
    """The process runs (a zombie, ended but not yet reaped by its parent, does not)."""
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{int(pid)}/stat").read_text()
    except OSError:
        return True
    return stat.rpartition(")")[2].split()[:1] != ["Z"]


class ServerClient:
    """One connection to the server, after a successful hello."""

    def __init__(self, sock: socket.socket, hello: dict, timeout: float) -> None:
        self._sock = sock
        self._file = sock.makefile("rb")
        self.hello = hello
        self.timeout = timeout

    @classmethod
    def connect(cls, server_dir: Path, timeout: float = 300.0,
                client: str = f"copilot/{__version__}", protocol: int = PROTOCOL) -> "ServerClient | None":
        """Connect and say hello; None when no server is running (or its files are stale)."""
        endpoint = ServerFiles(server_dir).read_endpoint()
        if not endpoint or not _pid_alive(endpoint.get("pid", "")):
            return None
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(CONNECT_TIMEOUT)
        try:
            sock.connect(endpoint.get("socket", ""))
        except OSError:
            sock.close()
            return None
        made = cls(sock, {}, timeout)
        reply = made._exchange({"op": "hello", "protocol": protocol, "client": client}, CONNECT_TIMEOUT)
        if not reply.get("ok"):
            made.close()
            raise ServerError(reply.get("error", {}).get("message", "the server refused the hello"))
        made.hello = reply
        return made

    def call(self, op: str, **fields) -> dict:
        """Send one request; the reply's fields, or the server's error raised as a ServerError."""
        reply = self._exchange({"op": op, **{k: v for k, v in fields.items() if v is not None}},
                               self.timeout)
        if not reply.get("ok"):
            error = reply.get("error", {})
            exc = ServerError(error.get("message", "the server failed"))
            exc.title = error.get("title", "server")
            raise exc
        return reply

    def _exchange(self, message: dict, timeout: float) -> dict:
        self._sock.settimeout(timeout)
        try:
            self._sock.sendall(encode(message))
            line = self._file.readline(MAX_LINE * 8)
        except socket.timeout:
            raise ServerError(f"copilot serve did not answer within {timeout:g} s; "
                              f"check it with `copilot serve --status`.") from None
        except OSError as exc:
            raise ServerError(f"lost the connection to copilot serve ({exc}).") from None
        if not line:
            raise ServerError("copilot serve closed the connection; see its log.")
        return decode(line)

    def close(self) -> None:
        self._file.close()
        self._sock.close()

    def __enter__(self) -> "ServerClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def generate_via_server(app, request: str, tool: str, setup: Path | None,
                        warn: Callable[[str], None] | None = None):
    """A GenerationResult from a running server, or None when none runs (or it cannot serve)."""
    from copilot.server.protocol import result_from_wire

    if not app.settings.use_server:
        return None
    try:
        client = ServerClient.connect(app.locations.server_dir, app.settings.server_timeout)
    except ServerError as exc:
        if warn:
            warn(f"not using copilot serve: {exc.message}")
        return None
    if client is None:
        return None
    with client:
        reply = client.call("generate", request=request, tool=tool,
                            setup=str(setup.resolve()) if setup else None)
    return result_from_wire(reply["result"])
