"""`copilot eval`: script pass@1 (with the plain baseline) or retrieval hit@k on a QA set."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from copilot.commands.common import model_options, tool_option


@click.command("eval")
@click.argument("tasks", type=click.Path(path_type=Path), required=False)
@click.option("--qa", "qa_file", type=click.Path(path_type=Path), help="QA set: report hit@1, hit@8 and MRR.")
@tool_option
@click.option("--setup", default="demo", show_default=True, help="Design the tasks run on.")
@click.option("--limit", type=int, help="Only the first N tasks.")
@click.option("--no-baseline", is_flag=True, help="Skip the plain llama.cpp baseline.")
@click.option("--no-speed", is_flag=True, help="Skip the decoding speed comparison.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--out", type=click.Path(path_type=Path), help="Also write per-task outcomes (JSONL).")
@click.option("--compare-lora", type=click.Path(path_type=Path),
              help="Also run everything with this GGUF LoRA adapter on the model, in the same run, "
                   "and list the tasks it gains and loses.")
@model_options
def evaluate(tasks: Path | None, qa_file: Path | None, tool: str | None, setup: str,
             limit: int | None, no_baseline: bool, no_speed: bool, as_json: bool,
             out: Path | None, compare_lora: Path | None, **model_flags) -> None:
    """Run the dev benchmark TASKS (JSONL of id, level, request, reference)."""
    from copilot.context import AppContext
    from copilot.errors import InputError, UsageError

    app = AppContext.build({"tool": tool, **model_flags})
    if qa_file is not None:
        from copilot.docs.qa_eval import format_qa_report, run_qa_eval

        if not qa_file.is_file():
            raise InputError(f"QA file {qa_file} does not exist.")
        report = run_qa_eval(app, qa_file)
        click.echo(json.dumps(report, indent=2) if as_json else format_qa_report(report))
        return
    if tasks is None:
        raise UsageError("give a TASKS.jsonl file, or --qa FILE for a QA set.")
    if not tasks.is_file():
        raise InputError(f"tasks file {tasks} does not exist.")
    if compare_lora is not None and not compare_lora.is_file():
        raise InputError(f"LoRA adapter {compare_lora} does not exist; give the GGUF adapter file "
                         "(copilot train export writes one).")
    from copilot.evaluation.run import run_script_eval

    report = run_script_eval(app, tasks, setup, limit=limit, baseline=not no_baseline,
                             speed=not no_speed, out=out, compare_lora=compare_lora,
                             progress=lambda line: click.echo(line, file=sys.stderr))
    click.echo(json.dumps(report, indent=2) if as_json else format_script_report(report))


def format_script_report(report: dict) -> str:
    width = max([22] + [len(row["name"]) for row in report["systems"]])
    lines = [f"tasks: {report['tasks']} ({', '.join(f'{k}: {v}' for k, v in report['levels'].items())})",
             f"{'system':<{width}} {'easy':>7} {'medium':>7} {'all':>7} {'median s':>9}"]
    for row in report["systems"]:
        p = row["pass_at_1"]
        lines.append(f"{row['name']:<{width}} {p.get('easy', 0):>7.1%} {p.get('medium', 0):>7.1%} "
                     f"{p['all']:>7.1%} {row['median_seconds']:>9.2f}")
    if "speed" in report:
        s = report["speed"]
        lines.append(f"decoding ({s['threads']} threads, prompt {s['prompt_tokens']} tokens): "
                     f"plain llama-cpp-python {s['plain']['tokens_per_second']} tok/s, "
                     f"copilot {s['copilot']['tokens_per_second']} tok/s; first token "
                     f"{s['plain']['first_token_seconds']} s vs {s['copilot']['first_token_seconds']} s")
        if "copilot_grammar" in s:
            lines.append(f"  with grammar: {s['copilot_grammar']['tokens_per_second']} tok/s, first "
                         f"token {s['copilot_grammar']['first_token_seconds']} s")
    for system, change in report.get("compare_lora", {}).items():
        if system != "adapter":
            lines.append(f"{system} with the adapter: gained {', '.join(change['gained']) or 'none'}; "
                         f"lost {', '.join(change['lost']) or 'none'}")
    return "\n".join(lines)
