"""Request -> script: retrieve, prompt, decode, check, try in the tool, repair."""

from __future__ import annotations

import time
from dataclasses import dataclass

from copilot import prompts
from copilot.diagnostics import Diagnostic
from copilot.errors import UsageError
from copilot.generate.examples import ExampleBank
from copilot.generate.extract import extract_script
from copilot.generate.result import Attempt, GenerationResult
from copilot.generate.workbench import Workbench
from copilot.model.base import OnToken, TextModel
from copilot.settings import Settings

MAX_REQUEST = 2000
MAX_SCRIPT_LINES = 30


def looping(text: str) -> bool:
    """The model is rambling: too many lines, or the same line over and over."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if len(lines) > MAX_SCRIPT_LINES or (lines and len(lines[-1]) > 400):
        return True
    return len(lines) >= 4 and len(set(lines[-4:])) == 1
STOPS = ["# End", "# Request:", "\n\n\n"]


def validate_request(request: str) -> str:
    text = " ".join(request.split())
    if not text:
        raise UsageError("the request is empty; say what the script should do, e.g. "
                         "copilot generate \"report the 5 worst setup paths\".")
    if len(text) > MAX_REQUEST:
        raise UsageError(f"the request is {len(text)} characters; keep it under {MAX_REQUEST}.")
    return text


@dataclass
class Generator:
    """One tool's generation pipeline around a model."""

    model: TextModel
    bank: ExampleBank
    bench: Workbench
    settings: Settings
    tool_title: str = "OpenSTA 2.0"
    examples_k: int = 4

    def prompt_values(self, request: str) -> dict:
        examples = self.bank.nearest(request, self.examples_k)
        examples.reverse()  # nearest last: base models copy what is closest to the request
        design = None
        if self.bench.design is not None:
            design = {"design": self.bench.design.design,
                      "ports": self.bench.design.port_summary(),
                      "clocks": " ".join(self.bench.design.clocks) or "none"}
        return {"tool_title": self.tool_title, "design": design, "commands": [],
                "examples": examples, "request": request}

    def generate(self, request: str, on_token: OnToken | None = None,
                 repair: Attempt | None = None) -> GenerationResult:
        """Write, check and try scripts until one is accepted or attempts run out.

        `repair` is a script that already failed (e.g. in the user's own session): the first
        prompt then asks the model to fix it, using its first error.
        """
        began = time.monotonic()
        request = validate_request(request)
        values = self.prompt_values(request)
        attempts: list[Attempt] = []
        for n in range(max(1, self.settings.attempts)):
            if n == 0 and repair is None:
                prompt = prompts.render("script_fewshot.j2", **values)
            else:
                worst = attempts[-1] if attempts else repair
                error = next((d.message for d in worst.diagnostics if d.severity != "info"), "")
                prompt = prompts.render("script_repair.j2", failed=worst.script or "(empty)",
                                        error=f"Error: {error}", **values)
            completion = self.model.complete(
                prompt, max_tokens=self.settings.max_tokens,
                temperature=0.0 if n == 0 else self.settings.temperature,
                stop=STOPS, seed=self.settings.seed + n, on_token=on_token, until=looping)
            attempt = self.try_script(extract_script(completion.text))
            attempts.append(attempt)
            if attempt.accepted:
                break
        best = min(attempts, key=lambda a: a.rank())
        # The tool often only warns on real mistakes (a port that is not there): a warning
        # from the tool makes the script not valid; a lint style warning does not.
        bad = any(d.severity == "error" or (d.severity == "warning" and d.source == "tool")
                  for d in best.diagnostics)
        return GenerationResult(best.script, "tcl", not bad and bool(best.script.strip()),
                                best.diagnostics, best.ran, best.output, len(attempts),
                                time.monotonic() - began, best.safety, attempts)

    def try_script(self, script: str) -> Attempt:
        """Check a script; if it is clean and safe, run it in the scratch session."""
        if not script.strip():
            return Attempt(script, [Diagnostic(0, "error", "the model produced no script", "model")])
        report = self.bench.check(script)
        attempt = Attempt(script, report.diagnostics, safety=report.safety.level)
        if report.errors or report.safety.blocked:
            return attempt
        result = self.bench.trial(script, modifying=report.safety.level == "modifying")
        if result is not None:
            attempt.ran = True
            attempt.output = result.output
            attempt.diagnostics = sorted(report.diagnostics + result.diagnostics, key=lambda d: d.line)
        return attempt
