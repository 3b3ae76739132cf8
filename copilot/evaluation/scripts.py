"""`copilot eval TASKS.jsonl`: execution-judged pass@1 for the copilot and a plain baseline.

Each task is a request and a reference script. The reference and the candidate each run in a
fresh tool session with the setup loaded; the candidate passes when it runs cleanly and
prints what the reference prints. The baseline is the same model through plain llama.cpp with
a fixed few-shot prompt (no retrieval, no checks, no repair).
"""

from __future__ import annotations

import json
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from copilot.evaluation.judge import run_fresh, same_behaviour
from copilot.generate.extract import extract_script

# The fixed prompt of the baseline: plain few-shot, the same for every task.
BASELINE_PROMPT = """# OpenSTA Tcl scripts. Each script answers the request above it and ends with "# End".

# Request: report the worst setup path
report_checks -path_delay max
# End

# Request: print the number of input ports
puts [llength [all_inputs]]
# End

# Request: set a 5 ns clock on port clk and report total negative slack
create_clock -name clk -period 5 [get_ports clk]
report_tns
# End

# Request: {request}
"""


@dataclass
class TaskOutcome:
    id: str
    level: str
    passed: bool
    reason: str
    seconds: float
    script: str


@dataclass
class EvalReport:
    name: str
    outcomes: list[TaskOutcome] = field(default_factory=list)

    def pass_rate(self, level: str | None = None) -> float:
        chosen = [o for o in self.outcomes if level is None or o.level == level]
        return sum(o.passed for o in chosen) / len(chosen) if chosen else 0.0

    def median_seconds(self) -> float:
        return statistics.median(o.seconds for o in self.outcomes) if self.outcomes else 0.0

    def summary(self) -> dict:
        levels = sorted({o.level for o in self.outcomes})
        return {"name": self.name, "tasks": len(self.outcomes),
                "pass_at_1": {lv: round(self.pass_rate(lv), 3) for lv in levels} | {"all": round(self.pass_rate(), 3)},
                "median_seconds": round(self.median_seconds(), 2)}


def load_tasks(path: Path) -> list[dict]:
    tasks = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            task = json.loads(line)
            if not {"id", "request", "reference"} <= set(task):
                raise ValueError(f"{path}: task needs id, request and reference: {line[:80]}")
            tasks.append(task)
    return tasks


def judge_all(name: str, tasks: list[dict], solve: Callable[[str], str], profile, setup: Path,
              progress: Callable[[str], None] = lambda s: None) -> EvalReport:
    """Solve each task, then judge the script against the reference in fresh sessions."""
    return judge_many(tasks, lambda request: {name: solve(request)}, profile, setup, progress)[0]


def judge_many(tasks: list[dict], solve: Callable[[str], dict[str, str]], profile, setup: Path,
               progress: Callable[[str], None] = lambda s: None) -> list[EvalReport]:
    """Like judge_all when one solve gives several systems' scripts ({system: script}, e.g.
    the copilot's answer and the model's own first script): each is judged, all take its time."""
    reports: dict[str, EvalReport] = {}
    references = {}
    for task in tasks:
        began = time.monotonic()
        scripts = solve(task["request"])
        seconds = time.monotonic() - began
        if task["id"] not in references:
            references[task["id"]] = run_fresh(profile, setup, task["reference"])
        for name, script in scripts.items():
            verdict = same_behaviour(references[task["id"]], run_fresh(profile, setup, script))
            reports.setdefault(name, EvalReport(name)).outcomes.append(TaskOutcome(
                task["id"], task.get("level", "easy"), verdict.passed, verdict.reason, seconds, script))
            progress(f"{name} {task['id']}: {'PASS' if verdict.passed else 'fail'} ({seconds:.1f} s)")
    return list(reports.values())


def compare(base: EvalReport, other: EvalReport) -> dict[str, list[str]]:
    """Task ids `other` passes and `base` fails (gained), and the reverse (lost)."""
    passed = {o.id: o.passed for o in base.outcomes}
    return {"gained": [o.id for o in other.outcomes if o.passed and not passed.get(o.id, False)],
            "lost": [o.id for o in other.outcomes if not o.passed and passed.get(o.id, False)]}


def baseline_solver(model, max_tokens: int) -> Callable[[str], str]:
    def solve(request: str) -> str:
        prompt = BASELINE_PROMPT.replace("{request}", request)
        return extract_script(model.complete(prompt, max_tokens=max_tokens, stop=["# End", "# Request:"]).text)
    return solve
