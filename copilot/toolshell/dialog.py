"""The `??` dialog: generate, show the script and its checks, then run / edit / explain / abort.

Runs in the user's cooked terminal between two tool prompts. A script reaches the user's
live tool only through `run` (a callable of the shell), and only as copilot/checks/gate.py
decides: `--yes` skips confirmation for valid read-only scripts, `--allow-modify` also for
scripts that change the design (otherwise they need a typed `yes`); a blocked script (it
reaches the operating system) is never run. Any failure of the copilot ends the request,
never the tool.
"""

from __future__ import annotations

import shlex
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from copilot.checks.gate import ASK_TYPED, REFUSE, RUN, decide, static_safety, stricter
from copilot.diagnostics import Diagnostic
from copilot.errors import CopilotError
from copilot.shells.result import RunResult
from copilot.toolshell.history import ShellHistory

TAG = "[copilot]"


@dataclass
class Candidate:
    """The script on offer, with what the checks (and a scratch run) said about it."""

    script: str
    diagnostics: list[Diagnostic]
    safety: str
    valid: bool
    note: str


def _why(c: Candidate) -> str:
    """The first safety error of a candidate, for the line that says it will not run."""
    return next((d.message for d in c.diagnostics if d.source == "safety" and d.severity == "error"),
                f"the script is {c.safety}")


class RequestDialog:
    """One request at a time; the model and scratch session load on the first one."""

    def __init__(self, app, profile, setup: Path | None, history: ShellHistory,
                 run: Callable[[str], RunResult], yes: bool = False, allow_modify: bool = False,
                 read: Callable[[str], str] = input, say: Callable[[str], None] = print) -> None:
        self.app, self.profile, self.setup = app, profile, setup
        self.history, self.run = history, run
        self.yes, self.allow_modify = yes, allow_modify
        self.read, self.say = read, say
        self._service = None
        self._pending: list[str] = []

    def _read(self, prompt: str, prefill: str = "") -> str:
        """The next answer: a line typed ahead if any, else one read (pre-filled) from the user."""
        if self._pending:
            line = self._pending.pop(0)
            self.say(prompt + line)
            return line
        if prefill:
            try:
                import readline

                readline.set_startup_hook(lambda: readline.insert_text(prefill))
            except ImportError:
                return prefill + self.read(prompt + prefill)
            try:
                return self.read(prompt)
            finally:
                readline.set_startup_hook(None)
        return self.read(prompt)

    @property
    def service(self):
        if self._service is None:
            from copilot.generate.service import ScriptService

            self.say(f"{TAG} loading the model" + (" and a scratch copy of the design" if self.setup else "")
                     + " (once per session) ...")
            self._service = ScriptService(self.app, self.profile.name, self.setup)
            self._service.generator
        return self._service

    def ask(self, prefix: str, typed: str = "") -> None:
        """Read a request after the prefix and see it through; never raises.

        `typed` is what came in with the prefix (a paste, or fast typing): complete lines
        in it answer the request and the questions that follow, in order.
        """
        *lines, partial = typed.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        self._pending = lines
        try:
            request = self._read(prefix, partial).strip()
            if request:
                self.history.add("request", text=request)
                self._converse(request)
        except (KeyboardInterrupt, EOFError):
            self.say(f"\n{TAG} aborted.")
            self.history.add("abort")
        except CopilotError as exc:
            self.say(f"{TAG} {exc.title}: {exc.message}")
            self.history.add("error", message=exc.message)
        except Exception as exc:  # a copilot bug must never end the user's tool session
            log = self._log_failure()
            self.say(f"{TAG} internal error ({type(exc).__name__}: {exc}); your "
                     f"{self.profile.name} session is untouched. Details: {log}")
            self.history.add("error", message=f"{type(exc).__name__}: {exc}", internal=True)

    def _log_failure(self) -> Path:
        """Append the current exception's traceback to the shell's log; its path."""
        import traceback

        log = self.app.locations.logs_dir / "shell.log"
        try:
            log.parent.mkdir(parents=True, exist_ok=True)
            with log.open("a", encoding="utf-8") as f:
                f.write(f"--- {time.strftime('%Y-%m-%d %H:%M:%S')}\n{traceback.format_exc()}")
        except OSError:
            pass
        return log

    def close(self) -> None:
        if self._service is not None:
            self._service.close()

    def _converse(self, request: str) -> None:
        candidate = self._generate(request)
        while True:
            self._show(candidate)
            choice = self._choose(candidate)
            if choice == "abort":
                self.history.add("abort", script=candidate.script)
                return
            if choice == "explain":
                self._explain(candidate)
            elif choice == "edit":
                candidate = self._edit(candidate)
            elif choice == "run" and self._confirm(candidate):
                result = self.run(candidate.script)
                self.history.add("run", script=candidate.script, status=result.status,
                                 diagnostics=[d.to_json() for d in result.diagnostics])
                if result.clean:
                    self.say(f"{TAG} ran cleanly ({result.seconds:.2f} s).")
                    return
                for d in result.diagnostics:
                    self.say(f"{TAG}   line {d.line}: {d.severity}: {d.message}")
                answer = self._read(f"{TAG} [f]ix: ask for a repaired script; Enter: back to "
                                   f"{self.profile.name} > ").strip().lower()
                if not answer.startswith("f"):
                    return
                from copilot.generate.result import Attempt

                failed = Attempt(candidate.script, result.diagnostics, ran=True, output=result.output)
                candidate = self._generate(request, repair=failed)

    def _generate(self, request: str, repair=None) -> Candidate:
        service = self.service
        began = time.monotonic()
        self.say(f"{TAG} {'repairing the script' if repair else 'writing a script'} ...")
        result = service.generate(request, repair=repair)
        note = (f"tried in a scratch copy of the design" if result.ran else "not tried (no --setup)")
        self.history.add("script", request=request, script=result.script, valid=result.valid,
                         safety=result.safety, repair=repair is not None)
        self.say(f"{TAG} {result.attempts} attempt(s), {time.monotonic() - began:.1f} s")
        return Candidate(result.script, result.diagnostics, result.safety, result.valid, note)

    def _show(self, c: Candidate) -> None:
        verdict = "valid" if c.valid else "NOT valid"
        self.say(f"--- script: {verdict}; {c.note}; {c.safety} ---")
        for n, line in enumerate(c.script.rstrip("\n").split("\n"), 1):
            self.say(f"{n:>4}  {line}")
        problems = [d for d in c.diagnostics if d.severity != "info"]
        notes = [d for d in c.diagnostics if d.severity == "info"]
        for d in problems + notes:
            self.say(f"  line {d.line}: {d.severity}: {d.message}")
        self.say("---")

    def _choose(self, c: Candidate) -> str:
        action = decide(c.safety, c.valid, self.yes, self.allow_modify)
        if action == REFUSE:
            self.say(f"{TAG} blocked: {_why(c)}; it will not run.")
        elif action == RUN:
            self.say(f"{TAG} --yes: running it.")
            return "run"
        options = {"e": "edit", "x": "explain", "a": "abort"}
        menu = "[e]dit  e[x]plain  [a]bort > "
        if action != REFUSE:
            options["r"] = "run"
            menu = "[r]un  " + menu
        while True:
            answer = self._read(menu).strip().lower()[:1]
            if answer in options:
                return options[answer]

    def _confirm(self, c: Candidate) -> bool:
        """The last check before the live tool: the exact text again, then the user's word."""
        level = stricter(c.safety, static_safety(c.script, self.profile).level)
        action = decide(level, c.valid, self.yes, self.allow_modify)
        if action == REFUSE:
            self.say(f"{TAG} blocked: the script is {level}; it will not run.")
            return False
        if action == ASK_TYPED:
            answer = self._read(f"{TAG} this script CHANGES the design or writes files in your "
                                f"live {self.profile.name}. Type yes to run it: ").strip().lower()
            return answer == "yes"
        return True  # read-only: choosing [r]un (or --yes) was the confirmation

    def _explain(self, c: Candidate) -> None:
        from copilot.server.operations import explain_script, explanation_text

        try:
            self.say(explanation_text(explain_script(self.app, self.profile.name, c.script)).rstrip())
        except CopilotError as exc:
            self.say(f"{TAG} explain is not available: {exc.message}")
        self.history.add("explain", script=c.script)

    def _edit(self, c: Candidate) -> Candidate:
        suffix = ".py" if self.profile.language == "python" else ".tcl"
        with tempfile.NamedTemporaryFile("w", suffix=suffix, delete=False, encoding="utf-8") as f:
            f.write(c.script)
            path = Path(f.name)
        env = self.app.environ
        editor = self.app.settings.editor or env.get("VISUAL") or env.get("EDITOR") or "vi"
        try:
            subprocess.run([*shlex.split(editor), str(path)], check=False)
            script = path.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            self.say(f"{TAG} cannot run the editor '{editor}' ({exc.strerror}); set `editor` in the config.")
            return c
        finally:
            path.unlink(missing_ok=True)
        report = self.service.check(script)
        self.history.add("edit", script=script)
        return Candidate(script, report.diagnostics, report.safety.level, not report.errors,
                         "edited, checked, not tried")
