"""A Tcl tool with no interactive Tcl prompt (Yosys 0.23): one batch process per script.

Each run writes a runner file that loads the copilot runtime (and the profile's prelude),
replays the setup scripts, then runs the script between markers; the tool runs it with the
profile's args (`{script}` is the runner) and exits. Nothing but the setup persists between
scripts. A tool that exits on an error (yosys ERROR) is reported at the line that was running.
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

from copilot import resources
from copilot.diagnostics import Diagnostic
from copilot.errors import SetupError
from copilot.shells.base import SessionMixin, find_executable, first_error
from copilot.shells.profile import ToolProfile
from copilot.shells.result import RunResult, parse_marked_output

PTY_SIZE = (50, 4000)


class BatchTclSession(SessionMixin):
    """Runs each script in a fresh tool process with the setups replayed first."""

    def __init__(self, profile: ToolProfile, workdir: Path, executable: str | None = None,
                 timeout: float = 60.0) -> None:
        self.profile = profile
        self.workdir = Path(workdir)
        self.executable = executable or profile.executable
        self.timeout = timeout
        self.setups: list[Path] = []
        self.restarts = 0
        self._exe: str | None = None
        self._child = None
        self._counter = 0

    def start(self) -> "BatchTclSession":
        """Check the tool is installed (there is no process to keep between scripts)."""
        self._exe = find_executable(self.profile, self.executable)
        self.workdir.mkdir(parents=True, exist_ok=True)
        return self

    @property
    def alive(self) -> bool:
        return self._exe is not None

    def close(self) -> None:
        self.interrupt()
        self._exe = None

    def interrupt(self) -> None:
        """Kill the process of the script that is running, if any."""
        child = self._child
        if child is not None and child.isalive():
            child.terminate(force=True)

    def restart(self) -> None:
        """Nothing to restart: the next script gets a fresh process (counted for callers)."""
        self.restarts += 1

    def load_setup(self, path: Path) -> RunResult:
        path = Path(path).resolve()
        result = self._run(path.read_text(encoding="utf-8"))
        if result.status != "ok" or any(d.severity == "error" for d in result.diagnostics):
            raise SetupError(f"setup script {path} failed in {self.profile.name}: "
                             f"{first_error(result)}; fix the script or run it in the tool by hand.")
        self.setups.append(path)
        return result

    def run_script(self, text: str) -> RunResult:
        return self._run(text)

    def version(self) -> str:
        """The tool's version line, from `version_args` (e.g. yosys -V) or `version_command`."""
        if self.profile.version_args:
            import subprocess

            if self._exe is None:
                self.start()
            done = subprocess.run([self._exe, *self.profile.version_args], capture_output=True,
                                  text=True, errors="replace", timeout=self.timeout)
            return (done.stdout.strip() or done.stderr.strip()).split("\n")[0]
        if not self.profile.version_command:
            return ""
        return self.evaluate(self.profile.version_command).strip().split("\n")[0]

    def _runner(self, script: Path, tag: str) -> str:
        lines = [f"source {{{resources.data_file('adapters', 'tcl_runtime.tcl')}}}"]
        prelude = self.profile.folder / "prelude.tcl"
        if prelude.is_file():
            lines.append(f"source {{{prelude}}}")
        for n, setup in enumerate(self.setups):
            lines.append(f"::copilot_rt::run {{{setup}}} setup{n}{tag}")
        lines.append(f"::copilot_rt::run {{{script}}} {tag}")
        return "\n".join(lines) + "\n"

    def _run(self, text: str) -> RunResult:
        import pexpect

        if self._exe is None:
            self.start()
        self._counter += 1
        tag = secrets.token_hex(6)
        stem = self.workdir / f"script-{os.getpid()}-{self._counter}"
        script, runner = stem.with_suffix(".tcl"), stem.with_suffix(".run.tcl")
        script.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        runner.write_text(self._runner(script, tag), encoding="utf-8")
        args = [a.replace("{script}", str(runner)) for a in self.profile.args]
        began = time.monotonic()
        try:
            self._child = pexpect.spawn(
                self._exe, args, cwd=str(self.workdir), env=dict(os.environ, **self.profile.env),
                encoding="utf-8", codec_errors="replace", dimensions=PTY_SIZE, timeout=self.timeout)
            timed_out = self._child.expect([pexpect.EOF, pexpect.TIMEOUT]) == 1
            raw = self._child.before or ""
            self._child.close(force=True)
            code = self._child.exitstatus
        finally:
            self._child = None
            script.unlink(missing_ok=True)
            runner.unlink(missing_ok=True)
        return self._result(raw, tag, timed_out, code, time.monotonic() - began)

    def _result(self, raw: str, tag: str, timed_out: bool, code: int | None,
                seconds: float) -> RunResult:
        errors, warnings = self.profile.error_regexes(), self.profile.warning_regexes()
        text, diags, line = parse_marked_output(raw, tag, errors, warnings)
        end = f"<<{tag}:END "
        if end in raw and not timed_out:
            ok = raw[raw.index(end) + len(end)] == "0"
            return RunResult(text, diags, "ok" if ok else "error", seconds)
        if f"<<{tag}:BEGIN>>" not in raw:  # a setup failed before the script began
            diags = [Diagnostic(0, "error", "the setup failed before the script ran: "
                                + _last_error(raw, errors), "tool")]
            return RunResult(text, diags, "error", seconds)
        if timed_out:
            diags.append(Diagnostic(line, "error", f"{self.profile.name} did not finish within "
                                                   f"{self.timeout:g} s; it was stopped", "tool"))
            return RunResult(text, diags, "timeout", seconds)
        if not any(d.severity == "error" for d in diags):
            diags.append(Diagnostic(line, "error", f"{self.profile.name} exited (status {code}) "
                                                   f"before the script finished", "tool"))
        return RunResult(text, diags, "error", seconds)


def _last_error(raw: str, errors) -> str:
    for text in reversed(raw.replace("\r", "").split("\n")):
        for pattern in errors:
            m = pattern.match(text)
            if m:
                return (m.groupdict().get("message") or text).strip()
    return "no error message"
