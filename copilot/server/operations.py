"""What the server does for each request, with warm services (one model shared by all tools)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from copilot.context import AppContext
from copilot.errors import ServerError, UsageError
from copilot.server.protocol import result_to_wire

MAX_SERVICES = 4  # warm (tool, setup) pairs; the oldest is closed when one more is needed


class Operations:
    """Generate, check and explain for clients; model work is serialized by one lock."""

    def __init__(self, app: AppContext, tool: str | None = None, setup: Path | None = None,
                 wait: float = 300.0) -> None:
        self.app = app
        self.tool = tool or app.settings.tool
        self.setup = setup
        self.wait = wait
        self.requests = 0
        self.started = time.time()
        self._lock = threading.Lock()
        self._services: dict[tuple[str, str], object] = {}
        self._model = None

    def service(self, tool: str | None = None, setup: str | Path | None = None):
        """The warm ScriptService for (tool, setup); the defaults are the server's own."""
        from copilot.commands.common import resolve_setup
        from copilot.generate.service import ScriptService
        from copilot.shells.profile import load_profile

        profile = load_profile(tool or self.tool, self.app.locations)
        if setup is None and profile.name == self.tool:
            path = self.setup
        else:
            path = resolve_setup(str(setup), profile) if setup else None
        key = (profile.name, str(path.resolve()) if path else "")
        if key not in self._services:
            if len(self._services) >= MAX_SERVICES:
                oldest = next(iter(self._services))
                self._services.pop(oldest).close()
            service = ScriptService(self.app, profile.name, path, model=self._model)
            service.generator  # start the scratch session and load the model now
            self._model = service.model
            self._services[key] = service
        return self._services[key]

    def warm(self) -> None:
        """Start the default service and decode once: the first real request is then fast."""
        with self._lock:
            self.service()
            self._model.complete("# OpenSTA\n", max_tokens=2)

    def run(self, message: dict) -> dict:
        """Answer one request (`op` plus its fields) with the reply's fields."""
        op = message.get("op")
        handler = {"generate": self._generate, "check": self._check, "explain": self._explain,
                   "status": self._status}.get(op) if isinstance(op, str) else None
        if handler is None:
            raise UsageError(f"unknown op {op!r}; known: generate, check, explain, status.")
        if op == "status":
            return handler(message)
        if not self._lock.acquire(timeout=self.wait):
            raise ServerError(f"the server is busy with another request for over {self.wait:g} s; "
                              f"try again later.")
        try:
            self.requests += 1
            return handler(message)
        finally:
            self._lock.release()

    def _generate(self, message: dict) -> dict:
        request = _text(message, "request")
        service = self.service(_optional(message, "tool"), _optional(message, "setup"))
        return {"result": result_to_wire(service.generate(request))}

    def _check(self, message: dict) -> dict:
        script = _text(message, "script")
        report = self.service(_optional(message, "tool")).check(script)
        return {"result": {"diagnostics": [d.to_json() for d in report.diagnostics],
                           "safety": report.safety.level}}

    def _explain(self, message: dict) -> dict:
        script = _text(message, "script")
        explanation = explain_script(self.app, _optional(message, "tool") or self.tool, script)
        return {"result": {"text": explanation_text(explanation), **explanation.to_json()}}

    def _status(self, message: dict) -> dict:
        from copilot import __version__

        return {"result": {"version": __version__, "tool": self.tool, "requests": self.requests,
                           "uptime": round(time.time() - self.started, 1),
                           "warm": [f"{t}:{s or '-'}" for t, s in self._services]}}

    def close(self) -> None:
        for service in self._services.values():
            service.close()
        self._services.clear()


def _text(message: dict, key: str) -> str:
    value = message.get(key)
    if not isinstance(value, str) or not value.strip():
        raise UsageError(f"'{key}' must be a non-empty string.")
    return value


def _optional(message: dict, key: str) -> str | None:
    """A field that may be left out, or must be a string."""
    value = message.get(key)
    if value is not None and not isinstance(value, str):
        raise UsageError(f"'{key}' must be a string when given, not {type(value).__name__}.")
    return value or None


def explain_script(app: AppContext, tool: str, script: str):
    """Explain a script with `copilot explain`'s explainer (catalog and notes, no model)."""
    try:
        from copilot.explain import build_explainer
        from copilot.input_files import InputText
    except ImportError:
        raise ServerError("explain is not available in this copilot version.") from None
    explainer = build_explainer(app, tool, use_model=False, use_docs=False)
    # The explainer finds no command in text without a final newline (`info body p` has none).
    return explainer.explain(InputText("<script>", script if script.endswith("\n") else script + "\n"))


def explanation_text(explanation) -> str:
    """An explanation as plain text: the summary, then each command and what it does."""
    lines = [explanation.summary, ""]
    for entry in explanation.lines:
        code = entry.code.split("\n")[0]
        lines.append(f"{entry.line:>4}  {code}")
        lines.append(f"      {entry.explanation}")
    for d in explanation.diagnostics:
        lines.append(f"  {d}")
    return "\n".join(lines).rstrip() + "\n"
