"""`copilot eval TASKS`: execution-judged pass@1 for the copilot, the model's own first script
and the plain baseline; --compare-lora runs it all again with an adapter in the same run."""

from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner

from conftest import needs_sta
from copilot.cli import cli


def tasks_file(tmp_path):
    tasks = tmp_path / "tasks.jsonl"
    tasks.write_text(
        json.dumps({"id": "t-1", "level": "easy", "request": "report the worst setup path",
                    "reference": "report_checks -path_delay max"}) + "\n"
        + json.dumps({"id": "t-2", "level": "medium", "request": "report the worst hold path",
                      "reference": "report_checks -path_delay min"}) + "\n")
    return tasks


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False, standalone_mode=False)


@needs_sta
def test_eval_judges_the_copilot_the_models_first_script_and_the_baseline(fake_model, tmp_path):
    fake_model(["report_checks -path_delay max\n# End\n"])
    out = tmp_path / "outcomes.jsonl"
    result = invoke("eval", str(tasks_file(tmp_path)), "--no-speed", "--json", "--out", str(out))
    report = json.loads(result.stdout)
    systems = {s["name"]: s["pass_at_1"] for s in report["systems"]}
    assert set(systems) == {"copilot", "model's first script", "baseline (plain few-shot)"}
    # The model always writes the setup report: right for t-1 only, whatever the pipeline adds.
    assert systems["model's first script"] == {"easy": 1.0, "medium": 0.0, "all": 0.5}
    assert systems["baseline (plain few-shot)"]["all"] == 0.5
    assert systems["copilot"]["easy"] == 1.0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert {r["system"] for r in rows} == set(systems) and len(rows) == 6
    assert "compare_lora" not in report


def test_compare_lora_needs_an_existing_adapter(tmp_path):
    result = subprocess.run([sys.executable, "-m", "copilot", "eval", str(tasks_file(tmp_path)),
                             "--compare-lora", str(tmp_path / "missing.gguf")], capture_output=True, text=True)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "missing.gguf does not exist" in result.stderr
