"""Everything the TUI talks to (model, script service, the user's tool session, the docs),
loaded lazily and safely from worker threads. No Textual here: the app's workers call these
blocking methods and post what they return as messages.
"""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path
from typing import Callable

from copilot.context import AppContext
from copilot.errors import StoreError

OnText = Callable[[str], None]
ShouldStop = Callable[[], bool]


def streams(session) -> bool:
    """Whether the session's run_script can pass output on as it comes (on_output=)."""
    import inspect

    return "on_output" in inspect.signature(session.run_script).parameters


class Cancelled(Exception):
    """Raised from inside a model's token callback to end a generation the user cancelled."""


def stoppable(on_token: OnText | None, should_stop: ShouldStop | None) -> OnText:
    """A token callback that ends decoding (by raising) once `should_stop()` turns true."""
    def piece(text: str) -> None:
        if should_stop is not None and should_stop():
            raise Cancelled()
        if on_token is not None:
            on_token(text)
    return piece


class Workspace:
    """One tool (and setup) with a warm model, script service, live session and docs store.

    The model is used by one request at a time (llama.cpp contexts are not thread-safe), and
    the user's tool session by one script at a time; each has its own lock.
    """

    def __init__(self, app: AppContext, tool: str | None = None, setup: Path | None = None,
                 model=None) -> None:
        from copilot.shells.profile import load_profile

        self.app = app
        self.profile = load_profile(tool or app.settings.tool, app.locations)
        self.setup = setup
        self._model = model
        self._service = None
        self._session = None
        self._retriever = None
        # One lock per resource, so a slow tool start never holds up the model or the docs.
        self._loading = {name: threading.Lock() for name in ("model", "service", "session", "docs")}
        self.model_lock = threading.Lock()
        self.tool_lock = threading.Lock()
        self.closed = False

    # -- loading (each safe to call from any thread, any number of times) ----------------
    @property
    def model_loaded(self) -> bool:
        return self._model is not None

    def busy(self) -> bool:
        """Something is loading or running in a worker thread right now."""
        locks = [*self._loading.values(), self.model_lock, self.tool_lock]
        return any(lock.locked() for lock in locks)

    def _keep(self, resource):
        """A resource finished starting; if the workspace closed meanwhile, stop it at once."""
        if self.closed:
            resource.close()
            raise Cancelled()
        return resource

    def model(self):
        with self._loading["model"]:
            if self._model is None:
                from copilot.model.registry import load_model

                self._model = load_model(self.app)
            return self._model

    def service(self):
        """The script service with its scratch session and catalog ready."""
        model = self.model()
        with self._loading["service"]:
            if self._service is None:
                from copilot.generate.service import ScriptService

                service = ScriptService(self.app, self.profile.name, self.setup, model=model)
                service.generator  # opens the scratch session and reads the catalog now
                self._service = self._keep(service)
            return self._service

    def session(self):
        """The user's own live tool session, with the setup loaded."""
        with self._loading["session"]:
            if self._session is None:
                self._session = self._keep(self._open_session())
            return self._session

    def _open_session(self):
        from copilot.shells.factory import open_session

        sessions = self.app.locations.sessions_dir
        sessions.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f"tui-{self.profile.name}-", dir=sessions))
        session = open_session(self.app, self.profile, work)
        if self.setup is not None:
            try:
                session.load_setup(self.setup)
            except Exception:
                session.close()
                raise
        return session

    def retriever(self):
        """A retriever over the docs store; StoreError says how to build one when it is empty."""
        with self._loading["docs"]:
            if self._retriever is None:
                from copilot.docs.retrieval import EMPTY, Retriever
                from copilot.docs.store import open_store

                store = open_store(self.app)
                if store is None or not store.entries():
                    where = self.app.settings.chroma_url or str(self.app.settings.store_path(self.app.locations))
                    raise StoreError(EMPTY.format(where=where))
                retriever = Retriever(store, self.app.locations.docs_cache_dir)
                retriever.refresh()  # builds or loads the keyword index now, not on the first question
                self._retriever = retriever
            return self._retriever

    # -- work ------------------------------------------------------------------------------
    def ask(self, question: str, on_token: OnText | None = None, should_stop: ShouldStop | None = None):
        """A docs answer (copilot.docs.answering.Answer) with numbered sources."""
        from copilot.docs.answering import ask

        retriever = self.retriever()
        model = self.model()
        with self.model_lock:
            return ask(self.app, retriever, question, model=model,
                       on_token=stoppable(on_token, should_stop))

    def generate(self, request: str, on_token: OnText | None = None,
                 should_stop: ShouldStop | None = None, repair=None):
        """A checked, tried script; `repair` is a failed Attempt whose errors the model fixes."""
        service = self.service()
        with self.model_lock:
            return service.generate(request, on_token=stoppable(on_token, should_stop), repair=repair)

    def check(self, script: str):
        """Static findings (syntax, lint, safety) for a script the user edited."""
        return self.service().check(script)

    def run(self, script: str, on_output: OnText | None = None):
        """Run a script in the user's session; output lines go to `on_output` as they come."""
        session = self.session()
        with self.tool_lock:
            if on_output is not None and streams(session):
                return session.run_script(script, on_output=on_output)
            result = session.run_script(script)
        if on_output is not None and result.output:
            on_output(result.output + "\n")  # adapters that cannot stream show it all at the end
        return result

    def restart_tool(self) -> None:
        with self.tool_lock:
            self.session().restart()

    def close(self) -> None:
        """Stop the tool processes (scratch and the user's); any still starting stop when up."""
        self.closed = True
        if self._service is not None:
            self._service.close()
            self._service = None
        if self._session is not None:
            self._session.close()
            self._session = None
