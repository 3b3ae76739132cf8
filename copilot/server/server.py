"""The `copilot serve` process: a Unix socket and a 127.0.0.1 port, one JSON line per message."""

from __future__ import annotations

import hmac
import os
import socket
import socketserver
import sys
import threading
import traceback

from copilot import __version__
from copilot.errors import CopilotError, ServerError, UsageError
from copilot.server.operations import Operations
from copilot.server.protocol import (ALLOWED_HOSTS, HELLO_TIMEOUT, IDLE_TIMEOUT, MAX_CLIENTS, MAX_LINE,
                                     PROTOCOL, ServerFiles, decode, encode, error_reply)


class _Handler(socketserver.StreamRequestHandler):
    """One client connection: a hello (with the token over TCP), then requests until EOF."""

    timeout = IDLE_TIMEOUT
    server: "_Listener"

    def handle(self) -> None:
        slots = self.server.owner.slots
        if not slots.acquire(blocking=False):
            self._send(error_reply("server", f"{MAX_CLIENTS} clients are connected already; "
                                             f"close one or try again later."))
            return
        try:
            self._converse()
        finally:
            slots.release()

    def _converse(self) -> None:
        self.connection.settimeout(HELLO_TIMEOUT)
        hello = self._next()
        if hello is None:
            return
        problem = self.server.owner.check_hello(hello, needs_token=self.server.needs_token)
        if problem:
            self._send(error_reply("server", problem))
            return
        self.connection.settimeout(IDLE_TIMEOUT)
        self._send({"ok": True, "op": "hello", "protocol": PROTOCOL, "version": __version__,
                    "tool": self.server.owner.operations.tool})
        while (message := self._next()) is not None:
            self._send(self.server.owner.answer(message))

    def _next(self) -> dict | None:
        """The next valid message (bad ones are answered here); None at EOF or when idle."""
        while True:
            try:
                line = self.rfile.readline(MAX_LINE + 1)
                if len(line) > MAX_LINE:
                    while line and not line.endswith(b"\n"):  # drop the rest of it
                        line = self.rfile.readline(MAX_LINE)
                    self._send(error_reply("server", f"request longer than {MAX_LINE} bytes; "
                                                     f"send a shorter one."))
                    continue
            except (OSError, socket.timeout):
                return None
            if not line:
                return None
            try:
                return decode(line)
            except ServerError as exc:
                self._send(error_reply(exc.title, exc.message))

    def _send(self, reply: dict) -> None:
        try:
            self.wfile.write(encode(reply))
            self.wfile.flush()
        except OSError:
            pass


class _Listener(socketserver.ThreadingMixIn, socketserver.BaseServer):
    daemon_threads = True
    owner: "CopilotServer"
    needs_token: bool


class _UnixListener(_Listener, socketserver.UnixStreamServer):
    pass


class _TcpListener(_Listener, socketserver.TCPServer):
    allow_reuse_address = True


class CopilotServer:
    """Listens locally and answers requests with warm Operations."""

    def __init__(self, operations: Operations, files: ServerFiles, host: str = "127.0.0.1",
                 port: int = 0, tcp: bool = True) -> None:
        if host not in ALLOWED_HOSTS:
            raise UsageError(f"copilot serve listens only on this machine; --host must be one of "
                             f"{', '.join(ALLOWED_HOSTS)}, not '{host}'.")
        self.operations = operations
        self.files = files
        self.host, self.port, self.tcp = host, port, tcp
        self.token = ""
        self.slots = threading.BoundedSemaphore(MAX_CLIENTS)  # shared by both listeners
        self._listeners: list[_Listener] = []

    def check_hello(self, hello: dict, needs_token: bool) -> str:
        """Why a client may not go on (empty when it may)."""
        if hello.get("op") != "hello":
            return "the first message must be {\"op\": \"hello\", \"protocol\": 1, ...}."
        if hello.get("protocol") != PROTOCOL:
            client = hello.get("client", "the client")
            return (f"{client} speaks protocol {hello.get('protocol')}, this server (copilot "
                    f"{__version__}) speaks {PROTOCOL}; use the plugin shipped with this copilot "
                    f"(copilot serve --plugin-path).")
        if needs_token and not hmac.compare_digest(str(hello.get("token", "")), self.token):
            return f"wrong or missing token; read it from {self.files.token} (owner-only)."
        return ""

    def answer(self, message: dict) -> dict:
        op = message.get("op")
        try:
            return {"ok": True, "op": op, **self.operations.run(message)}
        except CopilotError as exc:
            return error_reply(exc.title, exc.message)
        except Exception as exc:  # a bug must not end the server or hang the client
            traceback.print_exc(file=sys.stderr)
            return error_reply("internal", f"{type(exc).__name__}: {exc} (see the server's log)")

    def bind(self) -> dict[str, object]:
        """Open the Unix socket (and the TCP port) and write the token and endpoint files."""
        self.files.prepare()
        self.files.socket.unlink(missing_ok=True)
        self.token = self.files.write_token()
        unix = _UnixListener(str(self.files.socket), _Handler)
        os.chmod(self.files.socket, 0o600)
        unix.needs_token = False  # the socket is owner-only, in an owner-only folder
        self._listeners.append(unix)
        endpoint: dict[str, object] = {"pid": os.getpid(), "protocol": PROTOCOL,
                                       "version": __version__, "socket": self.files.socket}
        if self.tcp:
            family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
            _TcpListener.address_family = family
            try:
                tcp = _TcpListener((self.host, self.port), _Handler)
            except OSError as exc:
                unix.server_close()
                raise ServerError(f"cannot listen on {self.host}:{self.port} ({exc.strerror}); "
                                  f"pick another --port or 0 for any free one.") from None
            tcp.needs_token = True
            self._listeners.append(tcp)
            endpoint["port"] = tcp.server_address[1]
            endpoint["host"] = self.host
        for listener in self._listeners:
            listener.owner = self
        self.files.write_endpoint(endpoint)
        return endpoint

    def serve(self, stop: threading.Event) -> None:
        """Answer clients until `stop` is set, then close everything and remove the files."""
        threads = [threading.Thread(target=l.serve_forever, kwargs={"poll_interval": 0.2},
                                    daemon=True) for l in self._listeners]
        for t in threads:
            t.start()
        try:
            while not stop.wait(0.5):
                pass
        finally:
            for listener in self._listeners:
                listener.shutdown()
                listener.server_close()
            self.files.remove()
            self.operations.close()
