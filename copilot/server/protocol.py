"""The wire format of `copilot serve`: JSON lines, size limits, endpoint and token files.

Client -> server: {"op": "hello", "protocol": 1, "client": "copilot.tcl/0.1.0", "token": "..."}
first, then {"op": "generate"|"check"|"explain"|"status", ...} requests. Server -> client:
{"ok": true, ...} or {"ok": false, "error": {"title": "...", "message": "..."}}.
Every complete line gets one reply, whatever it holds (tools/bench_server.py fuzzes this);
at most MAX_CLIENTS connections at once, each with HELLO_TIMEOUT to say hello.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from copilot.diagnostics import Diagnostic
from copilot.errors import ServerError

PROTOCOL = 1
MAX_LINE = 256 * 1024  # bytes in one request line (a script to explain, a request)
IDLE_TIMEOUT = 120.0  # seconds a connection may stay silent before the server closes it
HELLO_TIMEOUT = 10.0  # seconds a new connection has to say hello
MAX_CLIENTS = 64  # connections at once; one more is told so and closed
ALLOWED_HOSTS = ("127.0.0.1", "localhost", "::1")


def encode(message: dict) -> bytes:
    return (json.dumps(message, ensure_ascii=False) + "\n").encode("utf-8")


def decode(line: bytes) -> dict:
    """One request or reply; a ServerError says what was wrong with it."""
    if len(line) > MAX_LINE:
        raise ServerError(f"message longer than {MAX_LINE} bytes; send a shorter request.")
    try:
        message = json.loads(line.decode("utf-8"))
    except (ValueError, RecursionError) as exc:  # bad UTF-8 or JSON, a 5,000-digit number, deep nesting
        raise ServerError(f"message is not one line of UTF-8 JSON ({str(exc)[:200]}).") from None
    if not isinstance(message, dict):
        raise ServerError("message must be a JSON object.")
    return message


def error_reply(title: str, message: str) -> dict:
    return {"ok": False, "error": {"title": title, "message": message}}


@dataclass(frozen=True)
class ServerFiles:
    """Where a running server leaves its socket, token and endpoint (all in `server_dir`)."""

    folder: Path

    @property
    def socket(self) -> Path:
        return self.folder / "server.sock"

    @property
    def token(self) -> Path:
        return self.folder / "token"

    @property
    def endpoint(self) -> Path:
        """`key value` lines (pid, protocol, version, port, socket): read by Python and Tcl."""
        return self.folder / "endpoint"

    def prepare(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        os.chmod(self.folder, 0o700)

    def write_token(self) -> str:
        token = secrets.token_hex(16)
        _write_private(self.token, token + "\n")
        return token

    def read_token(self) -> str:
        try:
            return self.token.read_text(encoding="utf-8").strip()
        except OSError:
            return ""

    def write_endpoint(self, values: dict[str, object]) -> None:
        _write_private(self.endpoint, "".join(f"{k} {v}\n" for k, v in values.items()))

    def read_endpoint(self) -> dict[str, str]:
        try:
            text = self.endpoint.read_text(encoding="utf-8")
        except OSError:
            return {}
        pairs = (line.partition(" ") for line in text.splitlines() if line.strip())
        return {k: v for k, _, v in pairs}

    def remove(self) -> None:
        for path in (self.endpoint, self.socket, self.token):
            path.unlink(missing_ok=True)


def _write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read, atomically (mkstemp creates it 0600)."""
    from copilot.atomic import write_text_atomic

    write_text_atomic(path, text, mode=0o600)


def result_to_wire(result) -> dict:
    """A GenerationResult as sent by the server: the public JSON plus safety and sources."""
    data = result.to_json()
    data["safety"] = result.safety
    data["diagnostics"] = [d.to_json() for d in result.diagnostics]
    return data


def result_from_wire(data: dict):
    """The GenerationResult a server sent back."""
    from copilot.generate.result import GenerationResult

    diags = [Diagnostic(int(d.get("line", 0)), d.get("severity", "error"), d.get("message", ""),
                        d.get("source", "check")) for d in data.get("diagnostics", [])]
    return GenerationResult(data.get("script", ""), data.get("language", "tcl"),
                            bool(data.get("valid")), diags, bool(data.get("ran")),
                            data.get("output", ""), int(data.get("attempts", 0)),
                            float(data.get("seconds", 0.0)), str(data.get("safety", "unchecked")))
