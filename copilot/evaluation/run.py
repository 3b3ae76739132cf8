"""Wire the script benchmark: the copilot pipeline and the baseline on the same tasks."""

from __future__ import annotations

import json
from dataclasses import replace
from collections import Counter
from pathlib import Path
from typing import Callable

from copilot.context import AppContext


def with_lora(app: AppContext, lora: str) -> AppContext:
    return replace(app, settings=replace(app.settings, lora=lora),
                   sources={**app.sources, "lora": "eval --compare-lora"})


def run_script_eval(app: AppContext, tasks_path: Path, setup: str, limit: int | None = None,
                    baseline: bool = True, speed: bool = True, out: Path | None = None,
                    progress: Callable[[str], None] = lambda s: None,
                    compare_lora: Path | None = None) -> dict:
    """pass@1 by level and median seconds for the copilot, the model's own first script inside
    it, and the baseline, plus speed. With `compare_lora`, the same again with that adapter
    on the model (the settings' own `lora` is left out of the first run), in the same run."""
    from copilot.evaluation.scripts import compare, load_tasks

    tasks = load_tasks(tasks_path)[:limit]
    runs = [("", app)]
    if compare_lora is not None:
        runs = [("", with_lora(app, "")), (f" + {compare_lora.name}", with_lora(app, str(compare_lora)))]
    reports, result = [], {}
    for suffix, run_app in runs:
        found, measured = _one_model(run_app, tasks, setup, baseline, speed and not suffix, progress, suffix)
        reports += found
        result = result or measured
    result["systems"] = [r.summary() for r in reports]
    if compare_lora is not None:
        half = len(reports) // 2
        result["compare_lora"] = {"adapter": str(compare_lora),
                                  **{reports[i].name: compare(reports[i], reports[half + i]) for i in range(half)}}
    if out is not None:
        with out.open("w", encoding="utf-8") as handle:
            for r in reports:
                for o in r.outcomes:
                    handle.write(json.dumps({"system": r.name, **o.__dict__}) + "\n")
    return result


def _one_model(app: AppContext, tasks: list[dict], setup: str, baseline: bool, speed: bool,
               progress: Callable[[str], None], suffix: str = "") -> tuple[list, dict]:
    from copilot.commands.common import resolve_setup
    from copilot.evaluation.scripts import baseline_solver, judge_all, judge_many
    from copilot.generate.service import ScriptService
    from copilot.shells.profile import load_profile

    profile = load_profile(app.settings.tool)
    setup_path = resolve_setup(setup, profile)
    service = ScriptService(app, profile.name, setup_path)
    try:
        generator, model = service.generator, service.model

        def solve(request: str) -> dict[str, str]:
            result = generator.generate(request)
            return {"copilot" + suffix: result.script, "model's first script" + suffix: result.model_script}

        reports = judge_many(tasks, solve, profile, setup_path, progress)
        if baseline:
            reports.append(judge_all("baseline (plain few-shot)" + suffix, tasks,
                                     baseline_solver(model, app.settings.max_tokens),
                                     profile, setup_path, progress))
        result = {"tasks": len(tasks), "model": model.name,
                  "levels": dict(Counter(t.get("level", "easy") for t in tasks))}
        if speed and hasattr(model, "llm"):
            from copilot import prompts
            from copilot.evaluation.speed import measure

            prompt = prompts.render("script_fewshot.j2", **generator.prompt_values(tasks[0]["request"]))
            result["speed"] = measure(model, prompt)
    finally:
        service.close()
    return reports, result
