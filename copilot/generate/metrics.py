"""The design's timing metrics (WNS, TNS, worst slack) as the request asks for them: on the
analysis side it names, and as a printed value rather than a report line.

"Print the hold TNS with 3 decimals" against an example printing the setup TNS; "print the
setup WNS with 2 decimals" against an example running `report_wns -digits 2`; "the period of
clk" against an example printing its frequency.
"""

from __future__ import annotations

import re

from copilot.generate.hints import RequestFacts
from copilot.generate.printing import render

_METRIC_CALL = re.compile(r"\[(sta::(?:worst_slack|total_negative_slack|worst_negative_slack))((?:\s+-(?:min|max))?)\]")
_METRIC_REPORT = re.compile(r"^report_(wns|tns|worst_slack)((?:\s+-digits\s+\d+)?)\s*$", re.M)
# Arithmetic that turns a value into another unit, and the wording that asks for it: an
# example's "percent of cells" or "frequency in MHz" adapted to "the number" / "the period"
# keeps its conversion otherwise.
FREQUENCY_WORDS = r"freq|mhz|ghz|hz"
PICO_WORDS = r"picosec|\bps\b"
_TIMES_THOUSAND = r"\*\s*1000\b"
UNIT_CHANGES = ((r"%%|\b100(\.0*)?\s*\*", r"percent|%|share|fraction|ratio|proportion|pct"),
                (r"\b1000(\.0*)?\s*/", FREQUENCY_WORDS),
                (_TIMES_THOUSAND, PICO_WORDS))
_PER_THOUSAND = re.compile(r"\[expr \{1000(?:\.0*)? / (\$\w+|\[(?:[^\[\]]|\[[^\[\]]*\])*\])\}\]")
_FUNCTION = {"wns": "sta::worst_slack", "worst_slack": "sta::worst_slack", "tns": "sta::total_negative_slack"}


def _side(facts: RequestFacts) -> str | None:
    """"-min" or "-max" when the request names one analysis side only."""
    if facts.path_delay not in ("min", "max") or {"setup", "hold"} <= facts.said:
        return None
    return f"-{facts.path_delay}"


def metric_side(script: str, facts: RequestFacts) -> str | None:
    """The script's metric functions all take the side the request names."""
    side = _side(facts)
    calls = list(_METRIC_CALL.finditer(script))
    if side is None or not calls:
        return None
    sides = {m.group(2).strip() or "-max" for m in calls}
    if len(sides) != 1 or sides == {side}:
        return None
    return _METRIC_CALL.sub(lambda m: f"[{m.group(1)} {side}]", script)


def metric_value(script: str, facts: RequestFacts) -> str | None:
    """A request for one printed value: the script's one WNS/TNS report prints the value
    itself (its -digits as the decimals when the request gives none)."""
    temps = [t for t in facts.templates if t.slots]
    reports = list(_METRIC_REPORT.finditer(script))
    if len(temps) != 1 or len(temps[0].slots) != 1 or len(reports) != 1 or "puts" in script:
        return None
    m = reports[0]
    value = f"[{_FUNCTION[m.group(1)]} {_side(facts) or '-max'}]"
    digits = m.group(2).split()
    line = render(temps[0], [value], [f".{digits[-1]}f" if digits else "s"])
    return script[:m.start()] + line + script[m.end():]


_ONE_PATH_REPORT = re.compile(r"report_checks((?:\s+(?:-\w+(?:\s+(?!-)(?:\[[^\]]*\]|\{[^}]*\}|\S+))?))*)")
_REPORT_ONLY = re.compile(r"\s+-(?:format|fields|digits|no_line_splits)(?:\s+(?!-)(?:\{[^}]*\}|\S+))?")


def path_slack_value(script: str, facts: RequestFacts) -> str | None:
    """"Print the worst setup slack at _329_/D with 3 decimals": the one path report the
    script runs prints its path's slack instead (its -digits as the decimals when the
    request gives none)."""
    temps = [t for t in facts.templates if t.slots]
    m = _ONE_PATH_REPORT.fullmatch(script.strip())
    if len(temps) != 1 or len(temps[0].slots) != 1 or m is None or "slack" not in facts.said \
            or not re.search(r"\s-(?:from|to|through|rise_to|fall_to|rise_from|fall_from)\s", m.group(1)):
        return None
    digits = re.search(r"\s-digits\s+(\d+)", m.group(1))
    query = "find_timing_paths" + _REPORT_ONLY.sub("", m.group(1))
    value = f"[get_property [lindex [{query}] 0] slack]"
    return render(temps[0], [value], [f".{digits.group(1)}f" if digits else "s"]) + "\n"


def without_frequency(script: str, facts: RequestFacts) -> str | None:
    """`[expr {1000.0 / $period}]` (a frequency) back to the period when nobody asked for one."""
    if re.search(FREQUENCY_WORDS, " ".join(facts.said)):
        return None
    out = _PER_THOUSAND.sub(lambda m: m.group(1), script)
    return out if out != script else None


_TIME_VALUE = re.compile(r"\[(?:get_property (?:[^\[\]]|\[(?:[^\[\]]|\[[^\[\]]*\])*\])* (?:period|slack|arrival|required)"
                         r"|sta::(?:worst_slack|total_negative_slack)(?: -m(?:in|ax))?)\]")


def in_picoseconds(script: str, facts: RequestFacts) -> str | None:
    """"The period of clk in picoseconds": the tool's nanoseconds printed times 1000."""
    if not re.search(PICO_WORDS, " ".join(facts.said)) or re.search(_TIMES_THOUSAND, script):
        return None
    out = _TIME_VALUE.sub(lambda m: f"[expr {{{m.group(0)} * 1000}}]", script)
    return out if out != script else None
