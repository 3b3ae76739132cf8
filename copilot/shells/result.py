"""What running a script in a tool returned, and how its marked output is read."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from copilot.diagnostics import Diagnostic

MAX_OUTPUT = 200_000  # characters kept from one run; the rest is cut with a notice


@dataclass
class RunResult:
    """Output and findings of one script run in a live tool."""

    output: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    status: str = "ok"  # ok | error | timeout | crashed
    seconds: float = 0.0

    @property
    def clean(self) -> bool:
        """True when the tool raised no error and printed no warning."""
        return self.status == "ok" and not self.diagnostics


def parse_marked_output(
    raw: str,
    tag: str,
    errors: list[re.Pattern[str]],
    warnings: list[re.Pattern[str]],
) -> tuple[str, list[Diagnostic], int]:
    """Split runtime-marked output into plain text, diagnostics and the last line seen."""
    # A marker may follow output on the same line (after `puts -nonewline`).
    marker = re.compile(rf"<<{re.escape(tag)}:(BEGIN|END|LINE|ERROR) ?(\d*)>>$")
    out: list[str] = []
    diags: list[Diagnostic] = []
    current = 0
    error_at: int | None = None
    error_text: list[str] = []
    began = False
    lines: list[str] = []
    pending = ""  # text printed without a newline, continued by the next output line
    for line in raw.replace("\r", "").split("\n"):
        m = marker.search(line)
        if m:
            pending += line[:m.start()]
            lines.append(line[m.start():])
        else:
            lines.append(pending + line)
            pending = ""
    if pending:
        lines.append(pending)
    for line in lines:
        m = marker.match(line)
        if m:
            kind, num = m.group(1), m.group(2)
            began = began or kind == "BEGIN"
            if kind == "LINE":
                current = int(num)
            elif kind == "ERROR":
                error_at = int(num)
            continue
        if not began:  # the tool's echo of the calling line
            continue
        if error_at is not None:
            error_text.append(line)
            continue
        out.append(line)
        for severity, patterns in (("error", errors), ("warning", warnings)):
            hit = next((p.match(line) for p in patterns if p.match(line)), None)
            if hit:
                message = hit.groupdict().get("message") or line
                diags.append(Diagnostic(current, severity, message.strip(), "tool"))
                break
    if error_at is not None:
        first = next((t for t in error_text if t.strip()), "error").strip()
        hit = next((p.match(first) for p in errors if p.match(first)), None)
        message = (hit.groupdict().get("message") or first) if hit else first
        diags.append(Diagnostic(error_at, "error", message.strip(), "tool"))
        current = error_at
    text = "\n".join(out).strip("\n")
    if len(text) > MAX_OUTPUT:
        text = text[:MAX_OUTPUT] + f"\n[... output cut at {MAX_OUTPUT} characters ...]"
    return text, diags, current
