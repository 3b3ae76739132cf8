"""What `copilot explain` produces: a summary, explained lines with sources, diagnostics."""

from __future__ import annotations

from dataclasses import dataclass, field

from copilot.diagnostics import Diagnostic


@dataclass
class ExplainedLine:
    """One command (or Python statement) of the script and what it does."""

    line: int
    code: str
    explanation: str
    sources: list[str]
    end_line: int = 0
    nested: bool = False

    def to_json(self) -> dict:
        return {"line": self.line, "code": self.code, "explanation": self.explanation,
                "sources": list(self.sources)}


@dataclass
class Section:
    """A run of lines of a long script, explained together."""

    first: int
    last: int
    overview: str


@dataclass
class Explanation:
    """The whole answer for one script."""

    name: str
    language: str
    summary: str
    lines: list[ExplainedLine]
    diagnostics: list[Diagnostic]
    sections: list[Section] = field(default_factory=list)
    model_calls: int = 0
    seconds: float = 0.0

    def to_json(self) -> dict:
        """Exactly {"summary", "lines", "diagnostics"}; diagnostics as {"line","severity","message"}."""
        return {"summary": self.summary, "lines": [l.to_json() for l in self.lines],
                "diagnostics": [{"line": d.line, "severity": d.severity, "message": d.message}
                                for d in self.diagnostics]}
