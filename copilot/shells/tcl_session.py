"""A live Tcl tool (sta, tclsh...) under pexpect, driven through the copilot runtime."""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

from copilot import resources
from copilot.diagnostics import Diagnostic
from copilot.errors import SetupError, ToolError
from copilot.shells.base import OnOutput, SessionMixin, find_executable, first_error
from copilot.shells.profile import ToolProfile
from copilot.shells.result import RunResult, parse_marked_output

START_TIMEOUT = 30.0
PTY_SIZE = (50, 4000)  # wide, so long echoed lines are not scrolled
STREAM_POLL = 0.1  # seconds between looks at the output when it is streamed


class TclSession(SessionMixin):
    """One running tool process; scripts go through a file and the runtime's markers."""

    def __init__(
        self,
        profile: ToolProfile,
        workdir: Path,
        executable: str | None = None,
        timeout: float = 60.0,
    ) -> None:
        self.profile = profile
        self.workdir = Path(workdir)
        self.executable = executable or profile.executable
        self.timeout = timeout
        self.setups: list[Path] = []
        self.restarts = 0
        self._child = None
        self._counter = 0

    # -- life cycle -------------------------------------------------------------------
    def start(self) -> "TclSession":
        """Start the tool, wait for its prompt, and load the copilot runtime."""
        import pexpect

        exe = find_executable(self.profile, self.executable)
        self.workdir.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, **self.profile.env)
        try:
            self._child = pexpect.spawn(
                exe, list(self.profile.args), cwd=str(self.workdir), env=env,
                encoding="utf-8", codec_errors="replace", dimensions=PTY_SIZE,
                timeout=START_TIMEOUT, maxread=65536, searchwindowsize=4096,
            )
            self._child.delaybeforesend = None  # pexpect sleeps 50 ms per send otherwise
            self._expect_prompt(START_TIMEOUT)
        except (pexpect.EOF, pexpect.TIMEOUT, OSError) as exc:
            raise ToolError(
                f"'{exe}' did not start or show its prompt {self.profile.prompt!r} "
                f"({type(exc).__name__}); run it by hand to see why."
            ) from None
        for command in self.profile.init_commands:
            self._send_line(command)
        self._send_line(self.runtime_line())
        return self

    # The two lines that differ between languages (see PythonSession); `copilot shell`
    # sends the same lines into the user's own tool.
    suffix = ".tcl"

    def runtime_line(self) -> str:
        runtime = resources.data_file("adapters", "tcl_runtime.tcl")
        return f"{self.profile.source_command} {{{runtime}}}"

    def run_line(self, path: Path, tag: str) -> str:
        return f"::copilot_rt::run {{{path}}} {tag}"

    def close(self) -> None:
        """End the tool process (it holds no user state worth saving)."""
        if self._child is not None:
            self._child.close(force=True)
            self._child = None

    def restart(self) -> None:
        """Kill the tool, start it again, and replay every setup loaded so far."""
        self.close()
        self.restarts += 1
        self.start()
        for setup in list(self.setups):
            result = self._run_file(setup)
            if not result.status == "ok":
                raise SetupError(f"setup {setup} failed again after a restart: {first_error(result)}")

    @property
    def alive(self) -> bool:
        return self._child is not None and self._child.isalive()

    # -- running ----------------------------------------------------------------------
    def load_setup(self, path: Path) -> RunResult:
        """Run a setup script (loads the design); any tool error makes it a SetupError."""
        path = Path(path).absolute()  # the tool runs in its own working folder
        result = self._run_file(path)
        if result.status != "ok" or any(d.severity == "error" for d in result.diagnostics):
            raise SetupError(
                f"setup script {path} failed in {self.profile.name}: {first_error(result)}; "
                f"fix the script or run it in the tool by hand."
            )
        self.setups.append(path.resolve())
        return result

    def run_script(self, text: str, on_output: OnOutput | None = None) -> RunResult:
        """Run Tcl text in the live tool and tie its output and findings to script lines.

        With `on_output`, complete output lines (each ending in a newline) are passed on as
        the tool prints them, before the result is returned.
        """
        self._counter += 1
        path = self.workdir / f"script-{os.getpid()}-{self._counter}{self.suffix}"
        path.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        try:
            return self._run_file(path, on_output=on_output)
        finally:
            path.unlink(missing_ok=True)

    def version(self) -> str:
        return self.evaluate(self.profile.version_command).strip() if self.profile.version_command else ""

    def _run_file(self, path: Path, retry: bool = True, on_output: OnOutput | None = None) -> RunResult:
        import pexpect

        if not self.alive:
            self.restart()
        tag = secrets.token_hex(6)
        began = time.monotonic()
        self._child.sendline(self.run_line(path, tag))
        end = f"<<{tag}:END "
        errors, warnings = self.profile.error_regexes(), self.profile.warning_regexes()
        try:
            self._expect_end(end, tag, on_output)
            raw = self._child.before
            self._child.expect(r"\d>>")
            status = "ok" if self._child.after.startswith("0") else "error"
            self._expect_prompt(START_TIMEOUT)
        except (pexpect.TIMEOUT, pexpect.EOF) as exc:
            raw = self._child.before or ""
            timed_out = isinstance(exc, pexpect.TIMEOUT)
            if not timed_out and retry and f"<<{tag}:BEGIN>>" not in raw:
                # The tool died before this script started (killed or crashed earlier):
                # start it again and run the script once more.
                self.restart()
                return self._run_file(path, retry=False, on_output=on_output)
            text, diags, line = parse_marked_output(raw, tag, errors, warnings)
            what = (f"did not finish within {self.timeout:g} s" if timed_out
                    else "crashed (the process ended)")
            restarts = self.restarts
            if timed_out:
                self.interrupt()  # SIGINT where the tool survives it (state kept), else restart
            else:
                self.restart()
            done = ("it was restarted and the setup replayed" if self.restarts > restarts
                    else "it was interrupted; the session state is kept")
            diags.append(Diagnostic(line, "error", f"{self.profile.name} {what}; {done}", "tool"))
            return RunResult(text, diags, "timeout" if timed_out else "crashed",
                             time.monotonic() - began)
        text, diags, _ = parse_marked_output(raw, tag, errors, warnings)
        return RunResult(text, diags, status, time.monotonic() - began)

    def _expect_end(self, end: str, tag: str, on_output: OnOutput | None) -> None:
        """Wait for a run's end marker; with `on_output`, pass output lines on as they arrive."""
        import pexpect

        if on_output is None:
            self._child.expect_exact(end, timeout=self.timeout)
            return
        deadline = time.monotonic() + self.timeout
        shown = 0
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise pexpect.TIMEOUT(f"no end marker within {self.timeout:g} s")
            index = self._child.expect_exact([end, pexpect.TIMEOUT], timeout=min(STREAM_POLL, left))
            raw = self._child.before  # everything since the run began, markers included
            if index == 1:
                raw = raw[:raw.rfind("\n") + 1]  # complete lines only
            text = parse_marked_output(raw, tag, [], [])[0]
            lines = text.split("\n") if text else []
            if len(lines) > shown:
                on_output("\n".join(lines[shown:]) + "\n")
                shown = len(lines)
            if index == 0:
                return

    def _send_line(self, line: str) -> None:
        self._child.sendline(line)
        self._expect_prompt(START_TIMEOUT)

    def _expect_prompt(self, timeout: float) -> None:
        if self.profile.prompt_regex:
            self._child.expect(self.profile.prompt_regex, timeout=timeout)
        else:
            self._child.expect_exact(self.profile.prompt, timeout=timeout)

    def interrupt(self) -> None:
        """Stop the running command: SIGINT where the tool survives it, else a restart."""
        import pexpect

        if not self.alive:
            return
        if self.profile.interrupt == "signal":
            self._child.sendintr()
            try:
                self._expect_prompt(5.0)
                return
            except (pexpect.TIMEOUT, pexpect.EOF):
                pass
        self.restart()
