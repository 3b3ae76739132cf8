"""`copilot train`: domain adaptation steps, each a readable script in tools/.

Every subcommand's options are the fields of its script's Config dataclass, so
`copilot train sft --epochs 1` and `python tools/train_sft.py --epochs 1` are the same run;
`--config FILE` (YAML/JSON) supplies defaults that flags override.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import click

# subcommand -> (script in tools/, one-line help); the scripts import heavy libraries in main().
STEPS = {
    "corpus": ("train_corpus.py", "Build a cleaned, deduplicated training corpus with provenance."),
    "tokenizer": ("train_tokenizer.py", "Add domain tokens to the base tokenizer and resize the model."),
    "dapt": ("train_dapt.py", "Continued pretraining on the corpus (full fine-tuning or LoRA)."),
    "sft": ("train_sft.py", "Instruction tuning on the example bank, in the copilot's own prompt."),
    "retriever": ("train_retriever.py", "Fine-tune the docs embedding model; report hit@k before/after."),
    "export": ("train_export.py", "Write GGUF (full model or LoRA adapter), check it, register it."),
}


def load_script(step: str):
    """Import tools/<script> as a module (from the checkout or the installed wheel)."""
    from copilot import resources

    path = resources.data_file("tools", STEPS[step][0])
    spec = importlib.util.spec_from_file_location(f"copilot_tools_{step}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def config_command(step: str) -> click.Command:
    """A click command whose options are the script's Config fields."""
    from copilot.training import options

    module = load_script(step)
    cls = module.Config

    def callback(config_file: Path | None, **values):
        config = options.build(cls, config_file, values)
        module.main(config)

    params: list[click.Parameter] = [click.Option(["--config", "config_file"], type=click.Path(path_type=Path),
                                                  help="YAML or JSON file of options (flags override it).")]
    for f in options.fields(cls):
        kind = options.field_kind(cls, f.name)
        flag = f.name.replace("_", "-")
        help_text = f"{f.metadata.get('help', '')} [default: {options.default(f)!r}]"
        if kind is bool:
            params.append(click.Option([f"--{flag}/--no-{flag}", f.name], default=None, help=help_text))
        elif kind is list:
            params.append(click.Option([f"--{flag}", f.name], multiple=True, help=help_text + " (repeatable)"))
        else:
            params.append(click.Option([f"--{flag}", f.name], type=kind, default=None, help=help_text))
    doc = (module.__doc__ or STEPS[step][1]).strip()
    return click.Command(step, callback=callback, params=params, help=doc, short_help=STEPS[step][1])


class TrainGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(STEPS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return config_command(name) if name in STEPS else None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Steps"):
            formatter.write_dl([(name, STEPS[name][1]) for name in STEPS])


@click.group(cls=TrainGroup)
def train() -> None:
    """Adapt the model to your tools and documents (ChipNeMo-style), and serve the result.

    Steps, in order: corpus -> tokenizer -> dapt -> sft -> export (and retriever for the
    docs index). Each saves config.yaml, run.json (inputs' sha256, metrics) and log.jsonl
    next to its outputs; rerunning a step resumes from its newest checkpoint.
    """
