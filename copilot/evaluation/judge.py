"""Judge a script by running it in a fresh tool session and comparing outputs."""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from copilot.shells.profile import ToolProfile
from copilot.shells.result import RunResult
from copilot.shells.tcl_session import TclSession


def run_fresh(profile: ToolProfile, setup: Path | None, script: str,
              executable: str | None = None, timeout: float = 30.0) -> RunResult:
    """Run `script` in a new tool process with only `setup` loaded, then end it."""
    with tempfile.TemporaryDirectory(prefix="copilot-judge-") as work:
        with TclSession(profile, Path(work), executable, timeout) as session:
            if setup is not None:
                session.load_setup(setup)
            return session.run_script(script)


_NUM = re.compile(r"-?\d+\.\d+(?:[eE][-+]?\d+)?")


def _round(match: re.Match[str]) -> str:
    text = f"{float(match.group(0)):.4f}"
    return "0.0000" if text == "-0.0000" else text


def normalise_output(text: str) -> str:
    """Output in a comparable form: no blank-line or trailing-space noise, numbers to 4 digits."""
    lines = [" ".join(line.split()) for line in text.replace("\r", "").split("\n")]
    text = "\n".join(line for line in lines if line)
    return _NUM.sub(_round, text)


@dataclass(frozen=True)
class Verdict:
    """Whether a candidate matched the reference, and why not."""

    passed: bool
    reason: str


def same_behaviour(reference: RunResult, candidate: RunResult) -> Verdict:
    """A candidate passes when it runs cleanly and prints what the reference prints."""
    if not candidate.clean:
        first = candidate.diagnostics[0].message if candidate.diagnostics else candidate.status
        return Verdict(False, f"candidate did not run cleanly: {first}")
    if not normalise_output(candidate.output):
        return Verdict(False, "candidate printed nothing")
    if normalise_output(reference.output) != normalise_output(candidate.output):
        return Verdict(False, "output differs from the reference")
    return Verdict(True, "same output")
