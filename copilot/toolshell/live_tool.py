"""The user's tool under a pty: start it, load the copilot runtime, run scripts in it.

Scripts from the copilot go in through a file and the same runtime the adapters use, so
their output streams to the terminal with the runtime's markers removed, and errors and
warnings come back tied to script lines. Tools without a Tcl prompt (yosys's `yosys>`) get
the file through their source command and are judged by their error lines only.
"""

from __future__ import annotations

import codecs
import os
import re
import secrets
import select
import signal
import time
from pathlib import Path
from typing import Callable

from copilot import resources
from copilot.diagnostics import Diagnostic
from copilot.errors import ToolError
from copilot.shells.base import START_TIMEOUT, find_executable
from copilot.shells.profile import ToolProfile
from copilot.shells.result import RunResult, parse_marked_output

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]")


class LiveTool:
    """One tool process the user works in; restarted (setup replayed) when it dies."""

    def __init__(self, profile: ToolProfile, executable: str, args: list[str], env: dict[str, str],
                 scratch: Path, timeout: float, size: tuple[int, int]) -> None:
        self.profile = profile
        self.exe = find_executable(profile, executable)
        self.args, self.env, self.scratch = args, env, scratch
        self.timeout = timeout
        self.size = size
        self.setups: list[Path] = []
        self.child = None
        self.prompt = profile.prompt_pattern()
        self._counter = 0

    # -- life cycle -------------------------------------------------------------------
    def start(self) -> tuple[str, str]:
        """Start the tool, load the runtime; the banner and the prompt to show the user."""
        import pexpect

        self.scratch.mkdir(parents=True, exist_ok=True)
        try:
            self.child = pexpect.spawn(self.exe, self.args, env=self.env, dimensions=self.size,
                                       timeout=START_TIMEOUT)
            self.child.delaybeforesend = None
            self.child.expect(self.prompt.pattern.encode())
        except (pexpect.EOF, pexpect.TIMEOUT) as exc:
            shown = (self.child.before or b"").decode("utf-8", "replace").strip()[-300:]
            raise ToolError(f"'{self.exe}' did not show its prompt {self.profile.prompt!r} "
                            f"({type(exc).__name__}); it printed: {shown or 'nothing'}.") from None
        banner = self.child.before.decode("utf-8", "replace")
        for line in self._runtime_lines():
            self.child.sendline(line)
            self.child.expect(self.prompt.pattern.encode())
        return banner, self.child.after.decode("utf-8", "replace")

    def restart(self) -> list[RunResult]:
        """Kill the tool if needed, start it again and replay the setups (their results)."""
        self.kill()
        self.start()
        return [self.run_file(path) for path in self.setups]

    def kill(self) -> None:
        if self.child is not None and self.child.isalive():
            self.child.kill(signal.SIGKILL)
        if self.child is not None:
            self.child.close(force=True)

    @property
    def alive(self) -> bool:
        return self.child is not None and self.child.isalive()

    def resize(self, rows: int, cols: int) -> None:
        self.size = (rows, cols)
        if self.alive:
            self.child.setwinsize(rows, cols)

    # -- how scripts get in -----------------------------------------------------------
    def _runtime_lines(self) -> list[str]:
        if self.profile.session == "tcl-batch":
            runtime = resources.data_file("adapters", "tcl_runtime.tcl")
            lines = [f"{self.profile.source_command} {runtime}"]
            prelude = self.profile.folder / "prelude.tcl"
            return lines + ([f"{self.profile.source_command} {prelude}"] if prelude.is_file() else [])
        return [self._helper().runtime_line()]

    def _run_line(self, path: Path, tag: str) -> str:
        if self.profile.session == "tcl-batch":  # the prompt is not Tcl: run a one-line runner
            runner = path.with_suffix(".run.tcl")
            runner.write_text(f"::copilot_rt::run {{{path}}} {tag}\n", encoding="utf-8")
            return f"{self.profile.source_command} {runner}"
        return self._helper().run_line(path, tag)

    def _helper(self):
        from copilot.shells.factory import session_class

        return session_class(self.profile)(self.profile, self.scratch)

    # -- running ------------------------------------------------------------------------
    def load_setup(self, path: Path, show: Callable[[str], None] | None = None) -> RunResult:
        result = self.run_file(Path(path).resolve(), show)
        if result.status == "ok":
            self.setups.append(Path(path).resolve())
        return result

    def run_script(self, text: str, show: Callable[[str], None] | None = None,
                   keys: Callable[[bytes], str | None] | None = None) -> RunResult:
        """Run a script in the live tool, streaming its output; see run_file."""
        self._counter += 1
        suffix = ".py" if self.profile.language == "python" else ".tcl"
        path = self.scratch / f"copilot-{self._counter}{suffix}"
        path.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        try:
            return self.run_file(path, show, keys)
        finally:
            path.unlink(missing_ok=True)
            path.with_suffix(".run.tcl").unlink(missing_ok=True)

    def run_file(self, path: Path, show: Callable[[str], None] | None = None,
                 keys: Callable[[bytes], str | None] | None = None) -> RunResult:
        """Run a file through the runtime; `keys` sees what the user types meanwhile and may
        answer 'interrupt' (Ctrl-C) to stop it."""
        tag = secrets.token_hex(6)
        stream = MarkedStream(tag, show)
        began = time.monotonic()
        self.child.send((self._run_line(path, tag) + "\r").encode())
        decoder = codecs.getincrementaldecoder("utf-8")("replace")
        raw, status = "", None
        deadline = began + self.timeout
        while status is None:
            fds = [self.child.child_fd] + ([0] if keys else [])
            ready = select.select(fds, [], [], 0.1)[0]
            if 0 in ready and keys(os.read(0, 1024)) == "interrupt":
                status = "interrupted"
                break
            if self.child.child_fd in ready:
                try:
                    data = os.read(self.child.child_fd, 65536)
                except OSError:
                    data = b""
                if not data:
                    status = "crashed"
                    break
                text = decoder.decode(data)
                raw += text
                stream.feed(text)
            status = self._finished(raw, tag)
            if status is None and time.monotonic() > deadline:
                status = "timeout"
        return self._result(raw, tag, status, time.monotonic() - began)

    def _finished(self, raw: str, tag: str) -> str | None:
        """ok/error once the end marker and the next prompt are in; None while running."""
        end = raw.find(f"<<{tag}:END ")
        if end >= 0:
            code = raw[end + len(f"<<{tag}:END "):][:1]
            return ("ok" if code == "0" else "error") if self.at_prompt(raw[end:]) else None
        begin = raw.find(f"<<{tag}:BEGIN>>")
        if begin >= 0 and self.at_prompt(raw[begin:]):
            return "error"  # back at the prompt with no end marker: the tool aborted the script
        return None

    def at_prompt(self, text: str) -> bool:
        """The text ends with the tool's prompt (terminal escape sequences ignored)."""
        last = _ANSI.sub("", text).replace("\r", "").rsplit("\n", 1)[-1]
        return bool(self.prompt.fullmatch(last))

    def _result(self, raw: str, tag: str, status: str, seconds: float) -> RunResult:
        errors, warnings = self.profile.error_regexes(), self.profile.warning_regexes()
        text, diags, line = parse_marked_output(raw, tag, errors, warnings)
        if status == "error" and not any(d.severity == "error" for d in diags):
            diags.append(Diagnostic(line, "error", f"{self.profile.name} stopped the script", "tool"))
        if status in ("crashed", "timeout", "interrupted"):
            what = {"crashed": "ended (crashed)", "timeout": f"did not finish within {self.timeout:g} s",
                    "interrupted": "was interrupted (Ctrl-C)"}[status]
            diags.append(Diagnostic(line, "error", f"{self.profile.name} {what}", "tool"))
        return RunResult(text, diags, status, seconds)

    def interrupt(self) -> bool:
        """Stop the running command; True when the tool survived (else it must be restarted)."""
        if self.profile.interrupt != "signal" or not self.alive:
            return False
        self.child.sendintr()
        try:
            self.child.expect(self.prompt.pattern.encode(), timeout=5)
            return True
        except Exception:
            return False


class MarkedStream:
    """Pass a run's output to `show` as it arrives, without the echo and the markers."""

    def __init__(self, tag: str, show: Callable[[str], None] | None) -> None:
        self.marker = re.compile(rf"<<{re.escape(tag)}:(BEGIN|END|LINE|ERROR) ?\d*>>")
        self.tag, self.show = tag, show
        self.began = self.ended = False
        self.pending = ""

    def feed(self, text: str) -> None:
        if self.show is None or self.ended:
            return
        self.pending += text.replace("\r", "")
        *lines, self.pending = self.pending.split("\n")
        out = []
        for line in lines:
            m = self.marker.search(line)
            if not self.began:
                self.began = bool(m and m.group(1) == "BEGIN")
                continue
            if m:
                if line[:m.start()]:
                    out.append(line[:m.start()])
                if m.group(1) == "END":
                    self.ended = True
                    break
                continue
            out.append(line)
        if out:
            self.show("\n".join(out) + "\n")
