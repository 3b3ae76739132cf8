"""The app's thread workers: each calls the Workspace (blocking) and only posts messages.

Model jobs share the "model" group, so Esc cancels them as one; the token callback sees the
cancel and raises, which ends decoding at the next token.
"""

from __future__ import annotations

from textual import work
from textual.worker import get_current_worker

from copilot.errors import CopilotError
from copilot.tui import messages as m
from copilot.tui.workspace import Cancelled


def describe(exc: BaseException) -> str:
    """A user-facing line: a CopilotError's own message, else the exception's type and text."""
    if isinstance(exc, CopilotError):
        return exc.message
    return f"{type(exc).__name__}: {exc} (unexpected; see `copilot doctor`)"


class Workers:
    """Mixed into the App: the workers and the loads that run at start."""

    def load_all(self) -> None:
        self.load_worker("tool")
        self.load_worker("checks", then="docs")

    @work(thread=True, group="load")
    def load_worker(self, part: str, then: str = "") -> None:
        """Load one part; `then` loads another after it in the same thread.

        The docs store comes after the model: both imports hold the GIL for long stretches,
        and one at a time keeps the keys typed meanwhile from waiting on two.
        """
        self._load(part)
        if then:
            self._load(then)

    def _load(self, part: str) -> None:
        ws = self.workspace
        try:
            if part == "checks":
                model = ws.model()
                self.post_message(m.Loaded("model", getattr(model, "name", "")))
                ws.service()
                self.post_message(m.Loaded("checks"))
            elif part == "tool":
                session = ws.session()
                detail = f"{ws.profile.name} started in {session.workdir}"
                if ws.setup is not None:
                    detail += f"; loaded {ws.setup}"
                self.post_message(m.Loaded("tool", detail))
            elif part == "docs":
                ws.retriever()
                self.post_message(m.Loaded("docs"))
        except Exception as exc:  # reported in the UI; the other parts keep loading
            if part == "checks" and not ws.model_loaded:
                self.post_message(m.Loaded("model", error=describe(exc)))
            self.post_message(m.Loaded(part, error=describe(exc)))

    @work(thread=True, group="model")
    def ask_worker(self, question: str) -> None:
        worker = get_current_worker()
        try:
            answer = self.workspace.ask(question, lambda t: self.post_message(m.AnswerToken(t)),
                                        lambda: worker.is_cancelled)
        except Cancelled:
            self.post_message(m.AnswerDone(question, cancelled=True))
        except Exception as exc:
            self.post_message(m.AnswerDone(question, error=describe(exc)))
        else:
            self.post_message(m.AnswerDone(question, answer, cancelled=worker.is_cancelled))

    @work(thread=True, group="model")
    def generate_worker(self, request: str, repair=None) -> None:
        worker = get_current_worker()
        try:
            result = self.workspace.generate(request, lambda t: self.post_message(m.ScriptToken(t)),
                                             lambda: worker.is_cancelled, repair=repair)
        except Cancelled:
            self.post_message(m.ScriptDone(request, cancelled=True))
        except Exception as exc:
            self.post_message(m.ScriptDone(request, error=describe(exc)))
        else:
            if worker.is_cancelled:  # finished while being cancelled: the user asked to stop
                self.post_message(m.ScriptDone(request, cancelled=True))
            else:
                self.post_message(m.ScriptDone(request, result))

    @work(thread=True, group="check", exclusive=True)
    def check_worker(self, script: str) -> None:
        try:
            report = self.workspace.check(script)
        except Exception:
            return  # checks not loaded yet (or failed, reported at load): keep what is shown
        self.post_message(m.Checked(script, report.diagnostics))

    @work(thread=True, group="check-run", exclusive=True)
    def run_check_worker(self, script: str) -> None:
        """Classify a script's safety before the run dialog is shown."""
        from copilot.checks.gate import static_safety, stricter

        try:
            safety = static_safety(script, self.workspace.profile)  # the text alone, no model
            try:
                full = self.workspace.check(script).safety  # with the tool's catalog
            except Exception as exc:  # checks not loaded (the model failed): the text's level stands
                full = None
                note = f"the full checks are not loaded ({describe(exc)})"
            level = stricter(safety.level, full.level) if full is not None else safety.level
            found = [*safety.diagnostics, *(full.diagnostics if full is not None else [])]
        except Exception as exc:
            self.post_message(m.RunChecked(script, "unchecked", describe(exc)))
            return
        reason = next((d.message for d in found if d.severity == "error"), "")
        if full is None and not reason:
            reason = note
        self.post_message(m.RunChecked(script, level, reason))

    @work(thread=True, group="tool")
    def tool_worker(self, script: str, typed: bool) -> None:
        try:
            result = self.workspace.run(script, lambda t: self.post_message(m.ToolText(t)))
        except Exception as exc:
            self.post_message(m.ToolDone(script, error=describe(exc), typed=typed))
        else:
            self.post_message(m.ToolDone(script, result, typed=typed))
