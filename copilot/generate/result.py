"""What `copilot generate` returns; to_json() is the fixed public contract."""

from __future__ import annotations

from dataclasses import dataclass, field

from copilot.diagnostics import Diagnostic


@dataclass
class Attempt:
    """One candidate the pipeline tried, with why it was or was not accepted."""

    script: str
    diagnostics: list[Diagnostic]
    ran: bool = False
    output: str = ""
    safety: str = "read-only"
    source: str = "model"  # model | model repair | example <id>
    score: float = 0.0  # how well it expressed the request (grounding.coverage)

    def rank(self) -> tuple[int, int, int]:
        """Lower is better: no errors, then ran, then fewest warnings."""
        errors = sum(d.severity == "error" for d in self.diagnostics)
        warnings = sum(d.severity == "warning" for d in self.diagnostics)
        return (errors, 0 if self.ran else 1, warnings)

    @property
    def accepted(self) -> bool:
        return self.rank()[0] == 0 and self.rank()[2] == 0 and bool(self.script.strip())


@dataclass
class GenerationResult:
    script: str
    language: str
    valid: bool
    diagnostics: list[Diagnostic]
    ran: bool
    output: str
    attempts: int
    seconds: float
    safety: str = "read-only"
    history: list[Attempt] = field(default_factory=list)
    model_script: str = ""  # the model's own first script, before adaptation (for evaluation)

    def to_json(self) -> dict:
        """{"script","language","valid","diagnostics","ran","output","attempts","seconds"}."""
        return {
            "script": self.script,
            "language": self.language,
            "valid": self.valid,
            "diagnostics": [{"line": d.line, "severity": d.severity, "message": d.message}
                            for d in self.diagnostics],
            "ran": self.ran,
            "output": self.output,
            "attempts": self.attempts,
            "seconds": round(self.seconds, 3),
        }
