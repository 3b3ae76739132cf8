"""Wire the script benchmark: the copilot pipeline and the baseline on the same tasks."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Callable

from copilot.context import AppContext


def run_script_eval(app: AppContext, tasks_path: Path, setup: str, limit: int | None = None,
                    baseline: bool = True, speed: bool = True, out: Path | None = None,
                    progress: Callable[[str], None] = lambda s: None) -> dict:
    """pass@1 by level and median seconds for the copilot (and the baseline), plus speed."""
    from copilot.commands.common import resolve_setup
    from copilot.evaluation.scripts import baseline_solver, judge_all, load_tasks
    from copilot.generate.service import ScriptService
    from copilot.shells.profile import load_profile

    tasks = load_tasks(tasks_path)[:limit]
    profile = load_profile(app.settings.tool)
    setup_path = resolve_setup(setup, profile)
    service = ScriptService(app, profile.name, setup_path)
    try:
        generator, model = service.generator, service.model
        reports = [judge_all("copilot", tasks, lambda r: generator.generate(r).script,
                             profile, setup_path, progress)]
        if baseline:
            reports.append(judge_all("baseline (plain few-shot)", tasks,
                                     baseline_solver(model, app.settings.max_tokens),
                                     profile, setup_path, progress))
        result = {"tasks": len(tasks), "model": model.name,
                  "levels": dict(Counter(t.get("level", "easy") for t in tasks)),
                  "systems": [r.summary() for r in reports]}
        if speed and hasattr(model, "llm"):
            from copilot import prompts
            from copilot.evaluation.speed import measure

            prompt = prompts.render("script_fewshot.j2", **generator.prompt_values(tasks[0]["request"]))
            result["speed"] = measure(model, prompt)
    finally:
        service.close()
    if out is not None:
        with out.open("w", encoding="utf-8") as handle:
            for r in reports:
                for o in r.outcomes:
                    handle.write(json.dumps({"system": r.name, **o.__dict__}) + "\n")
    return result
