"""The passthrough loop of `copilot shell`: the tool owns the terminal until `??` is typed.

Keystrokes go to the tool (its readline does editing and history); output streams back
unchanged. Ctrl-C: a tool that survives SIGINT (python3, pt_shell) gets it. One that dies on
it (sta, tclsh) never does: at the prompt, Ctrl-C clears the line; while a command runs, a
first Ctrl-C warns, a second within 2 s kills the tool, which restarts with the setup
replayed. A tool that crashes is restarted the same way; `exit` ends the shell.
"""

from __future__ import annotations

import codecs
import os
import re
import signal
import time
import tty
from contextlib import contextmanager
from pathlib import Path

from copilot.shells.result import RunResult
from copilot.toolshell.dialog import TAG, RequestDialog
from copilot.toolshell.history import ShellHistory
from copilot.toolshell.keys import INTERRUPT, REQUEST, LineTracker
from copilot.toolshell.live_tool import LiveTool
from copilot.toolshell.terminal import Terminal

DOUBLE_CTRL_C = 2.0  # seconds within which a second Ctrl-C kills a busy tool


class ShellSession:
    """Wires the terminal, the live tool, the key tracker and the request dialog together."""

    def __init__(self, tool: LiveTool, terminal: Terminal, history: ShellHistory,
                 dialog_factory, prefix: str) -> None:
        self.tool, self.term, self.history = tool, terminal, history
        self.keys = LineTracker(prefix)
        self.prefix = prefix
        self.dialog: RequestDialog = dialog_factory(self.run_in_tool)
        self.busy = False
        self._tail = ""
        self._last_ctrl_c = 0.0
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._pid = os.getpid()
        self._killed = False

    # -- the main loop ----------------------------------------------------------------
    def run(self, setup: Path | None) -> int:
        banner, prompt = self.tool.start()
        self.term.write(banner)
        if setup is not None:
            self._load_setup(setup)
        signal.signal(signal.SIGWINCH, self._on_resize)
        self.term.write(f"{TAG} type {self.prefix} and a request at the prompt; history: "
                        f"{self.history.path}\n{prompt}")
        try:
            while True:
                child = self.tool.child
                child.interact(escape_character=None, input_filter=self._on_input,
                               output_filter=self._on_output)
                if self.tool.child is not child:
                    continue  # restarted inside a filter: go on with the new process
                child.close()
                if child.signalstatus is None:  # the user ended it (exit, ^D)
                    self.history.add("exit", status=child.exitstatus)
                    return child.exitstatus or 0
                why = ("stopped by your second Ctrl-C" if self._killed
                       else f"ended (signal {child.signalstatus})")
                self._killed = False
                self._restart(f"{self.tool.profile.name} {why}")
        finally:
            self.dialog.close()
            self.tool.kill()

    def _on_resize(self, *_: object) -> None:
        # pexpect forks before exec and sets the new pty's size, which sends SIGWINCH to the
        # forked child while it still runs this handler: only the shell itself may act.
        if os.getpid() != self._pid:
            return
        try:
            self.tool.resize(*self.term.size())
        except Exception:
            pass

    def _load_setup(self, setup: Path) -> None:
        result = self.tool.load_setup(setup)
        warnings = sum(d.severity == "warning" for d in result.diagnostics)
        if result.status == "ok":
            self.term.write(f"{TAG} setup {setup} loaded ({warnings} warning(s)).\n")
        else:
            first = next((f"line {d.line}: {d.message}" for d in result.diagnostics
                          if d.severity == "error"), result.status)
            self.term.write(f"{TAG} setup {setup} failed ({first}); the tool runs without it.\n")
        self.history.add("setup", path=str(setup), status=result.status)

    def _restart(self, why: str) -> None:
        self.history.add("restart", reason=why)
        self.term.write(f"\n{TAG} {why}; restarting it"
                        + (" and replaying the setup" if self.tool.setups else "")
                        + f" (what you typed is in {self.history.path}).\n")
        results = self.tool.restart()
        if any(r.status != "ok" for r in results):
            self.term.write(f"{TAG} the setup failed on replay; the tool runs without it.\n")
        self.busy = False
        self.keys.reset()
        self.tool.child.send(b"\r")

    # -- filters (called by pexpect's interact, terminal in raw mode) -----------------------
    def _on_output(self, data: bytes) -> bytes:
        try:
            self._tail = (self._tail + data.decode("utf-8", "replace"))[-400:]
            if self.tool.at_prompt(self._tail):
                self.busy = False
        except Exception:  # the tool's output always reaches the user
            pass
        return data

    def _on_input(self, data: bytes) -> bytes:
        try:
            return self._handle_input(data)
        except Exception as exc:  # a copilot bug must not end interact(), which ends the tool
            self.term.write(f"\r\n{TAG} internal error ({type(exc).__name__}: {exc}); your "
                            f"{self.tool.profile.name} session is untouched.\r\n")
            self.keys.reset()
            return b"\r"

    def _handle_input(self, data: bytes) -> bytes:
        text = self._decoder.decode(data)
        out = []
        while text:
            forward, event, text = self.keys.feed(text)
            out.append(forward)
            for line, exact in self.keys.drain():
                self.history.add("typed", text=line, exact=exact)
                self.busy = self.busy or bool(line.strip()) or not exact
            if event == INTERRUPT:
                out.append(self._ctrl_c())
            elif event == REQUEST:
                self._send("".join(out))
                out = []
                # Keys that came in the same read as the prefix belong to the request.
                typed, text = text, ""
                with self.term.cooked_mode():
                    self.dialog.ask(self.prefix, typed)
                self.keys.reset()
                out.append("\r")  # the tool prints a fresh prompt
        return "".join(out).encode()

    def _send(self, text: str) -> None:
        if text and self.tool.alive:
            self.tool.child.send(text.encode())

    def _ctrl_c(self) -> str:
        """What Ctrl-C sends to the tool (see the module docstring)."""
        self.history.add("ctrl-c", busy=self.busy)
        if self.keys.line:  # a line given up on is still something the user typed
            self.history.add("typed", text=self.keys.line, exact=self.keys.exact, cancelled=True)
        if self.tool.profile.interrupt == "signal":
            return "\x03"
        self.keys.reset()
        if not self.busy:
            return "\x05\x15\r"  # end of line, kill it, Enter: an empty line and a new prompt
        now = time.monotonic()
        if now - self._last_ctrl_c > DOUBLE_CTRL_C:
            self._last_ctrl_c = now
            self.term.write(f"\r\n{TAG} {self.tool.profile.name} would exit on Ctrl-C; press it "
                            f"again within {DOUBLE_CTRL_C:g} s to kill and restart it.\r\n")
            return ""
        self._killed = True
        self.tool.kill()  # interact sees the end; run() restarts it
        return ""

    # -- running a generated script in the live tool -------------------------------------
    def run_in_tool(self, script: str) -> RunResult:
        """Called by the dialog (cooked mode): raw mode while the tool runs the script."""
        with self._raw():
            result = self.tool.run_script(script, show=self.term.write, keys=self._keys_while_running)
            name = self.tool.profile.name
            if result.status in ("interrupted", "timeout") and not self.tool.interrupt():
                self._restart(f"{name} cannot be interrupted without ending it")
            elif result.status == "crashed":
                self._restart(f"{name} crashed")
        return result

    def _keys_while_running(self, data: bytes) -> str | None:
        if b"\x03" in data:
            return "interrupt"
        self.history.add("typed-ahead", text=data.decode("utf-8", "replace"))
        self._send(data.decode("utf-8", "replace"))  # type-ahead: the tool reads it later
        return None

    @contextmanager
    def _raw(self):
        with self.term.cooked_mode():  # remember the dialog's mode and come back to it
            tty.setraw(self.term.fd_in)
            yield


def tool_env(environ: dict[str, str], profile_env: dict[str, str]) -> dict[str, str]:
    """The tool's environment: the profile's, but the user's own TERM (readline needs it)."""
    env = dict(environ, **profile_env)
    if environ.get("TERM"):
        env["TERM"] = environ["TERM"]
    return env


def history_path(locations, tool: str) -> Path:
    return locations.shell_history_dir / f"{re.sub(r'[^A-Za-z0-9_.-]', '_', tool)}.jsonl"
