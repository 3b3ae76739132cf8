"""A tiny OpenAI-compatible HTTP server for backend edge cases (bad key, 503s, cut streams...).

It answers /v1/models, /v1/completions and /v1/chat/completions (streamed or not) with
scripted pieces, records every request body, and can be told to misbehave.
"""

from __future__ import annotations

import json
import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@dataclass
class Behaviour:
    models: list[str] = field(default_factory=lambda: ["stub-model"])
    owned_by: str = "stub"
    key: str = ""  # required Bearer key, when set
    pieces: list[str] = field(default_factory=lambda: ["report_checks", "\n", "# End"])
    finish: str | None = "stop"  # None: the stream ends with [DONE] but no finish reason
    delay: float = 0.0  # seconds before each streamed piece
    unavailable: int = 0  # answer this many requests with 503 first
    requests: list[dict] = field(default_factory=list)
    disconnected: threading.Event = field(default_factory=threading.Event)


def _handler(behaviour: Behaviour):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # quiet
            pass

        def _json(self, status: int, data) -> None:
            body = json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _allowed(self) -> bool:
            if behaviour.key and self.headers.get("Authorization") != f"Bearer {behaviour.key}":
                self._json(401, {"error": {"message": "Invalid API key", "type": "auth"}})
                return False
            if behaviour.unavailable > 0:
                behaviour.unavailable -= 1
                self._json(503, {"error": {"message": "busy"}})
                return False
            return True

        def do_GET(self) -> None:
            if self.path == "/v1/models" and self._allowed():
                self._json(200, {"object": "list", "data": [{"id": m, "object": "model", "owned_by": behaviour.owned_by}
                                                            for m in behaviour.models]})
            elif self.path != "/v1/models":
                self._json(404, {"detail": "Not Found"})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length) or b"{}")
            if self.path not in ("/v1/completions", "/v1/chat/completions"):
                self._json(404, {"detail": "Not Found"})
                return
            if not self._allowed():
                return
            behaviour.requests.append({"path": self.path, **body})
            chat = self.path.endswith("chat/completions")

            def choice(piece: str, finish):
                return ({"index": 0, "delta": {"content": piece}, "finish_reason": finish} if chat
                        else {"index": 0, "text": piece, "finish_reason": finish})

            if not body.get("stream"):
                text = "".join(behaviour.pieces)
                message = {"message": {"role": "assistant", "content": text}} if chat else {"text": text}
                self._json(200, {"choices": [{"index": 0, **message, "finish_reason": behaviour.finish}]})
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            try:
                for n, piece in enumerate(behaviour.pieces):
                    time.sleep(behaviour.delay)
                    last = n == len(behaviour.pieces) - 1
                    event = {"choices": [choice(piece, behaviour.finish if last else None)]}
                    self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
                    self.wfile.flush()
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                behaviour.disconnected.set()
            self.close_connection = True

    return Handler


class StubServer:
    """`with StubServer(Behaviour(...)) as url:` serves on a free 127.0.0.1 port."""

    def __init__(self, behaviour: Behaviour, certificate: tuple[Path, Path] | None = None) -> None:
        self.behaviour = behaviour
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(behaviour))
        self.httpd.daemon_threads = True
        scheme = "http"
        if certificate is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(str(certificate[0]), str(certificate[1]))
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
            scheme = "https"
        self.url = f"{scheme}://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self) -> str:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self.url

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
