"""Turn raw model text into a script: cut at the end marker, drop fences and chatter."""

from __future__ import annotations

import re

END_MARKERS = ("# End", "# Request:", "```\n\n", "<end_of_turn>")
MAX_LINES = 40
_FENCE = re.compile(r"^```[\w-]*\s*$")


def extract_script(text: str) -> str:
    """The script part of a completion (for chat models: the first fenced block if any)."""
    fenced = re.search(r"```[\w-]*\n(.*?)(```|$)", text, re.S)
    if fenced and fenced.group(1).strip():
        text = fenced.group(1)
    for marker in END_MARKERS:
        cut = text.find(marker)
        if cut >= 0:
            text = text[:cut]
    lines = [line.rstrip() for line in text.split("\n") if not _FENCE.match(line.strip())]
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines[:MAX_LINES]) + ("\n" if lines else "")
