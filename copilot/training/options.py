"""Config dataclasses for the training scripts: defaults < YAML/JSON file < flags.

A script declares `@dataclass class Config` whose fields use `option(default, help)`; the
same class drives the script's own argparse (`python tools/x.py --help`), the `copilot
train x` click command, and the config.yaml saved next to the outputs. Scripts that run
the shared training loop (dapt, sft) subclass `LoopConfig` and redeclare only the options
whose defaults differ.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from copilot.errors import TrainingError


def option(default: Any, help: str) -> Any:
    """A config field with its help text (lists get a fresh copy per instance)."""
    if isinstance(default, list):
        return dataclasses.field(default_factory=lambda: list(default), metadata={"help": help})
    return dataclasses.field(default=default, metadata={"help": help})


def fields(cls: type) -> list[dataclasses.Field]:
    """The config's fields as flags and files list them: the script's own first, then the
    inherited ones (a redeclared field stays where its base class puts it)."""
    inherited = {f.name for base in cls.__mro__[1:] if dataclasses.is_dataclass(base)
                 for f in dataclasses.fields(base)}
    return sorted(dataclasses.fields(cls), key=lambda f: f.name in inherited)


def default(f: dataclasses.Field) -> Any:
    return f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default


def as_dict(config: Any) -> dict[str, Any]:
    """The config's values in `fields` order (as config.yaml and run.json hold them)."""
    values = dataclasses.asdict(config)
    return {f.name: values[f.name] for f in fields(type(config))}


@dataclass
class LoopConfig:
    """The options of the shared training loop (copilot.training.trainer); defaults follow
    ChipNeMo: AdamW (betas 0.9/0.95, weight decay 0.01), constant 5e-6, full fine-tuning."""

    lora_rank: int = option(0, "0: full fine-tuning (default); N: a LoRA adapter of rank N on every linear layer.")
    lora_alpha: int = option(0, "LoRA alpha (0: twice the rank).")
    learning_rate: float = option(5e-6, "Constant learning rate (ChipNeMo: 5e-6 full; try 1e-4 for LoRA).")
    epochs: float = option(1.0, "Passes over the training data.")
    max_steps: int = option(0, "Stop after this many optimiser steps (0: by epochs).")
    batch_size: int = option(1, "Sequences per device step.")
    grad_accum: int = option(8, "Steps accumulated per optimiser update.")
    weight_decay: float = option(0.01, "AdamW weight decay.")
    beta1: float = option(0.9, "AdamW beta1.")
    beta2: float = option(0.95, "AdamW beta2.")
    warmup_steps: int = option(0, "Linear warm-up steps before the constant rate.")
    save_steps: int = option(50, "Checkpoint every N optimiser steps (resume picks the newest).")
    log_steps: int = option(5, "Log loss every N optimiser steps.")
    seed: int = option(0, "Random seed (shuffle, dropout, held-out split).")
    threads: int = option(0, "torch CPU threads (0: torch default); use 1-2 on a shared machine.")
    gradient_checkpointing: bool = option(False, "Trade compute for memory.")
    resume: bool = option(True, "Resume from the newest checkpoint in --out.")


def field_kind(cls: type, name: str) -> type:
    """The field's base type: str, int, float, bool, or list (of str)."""
    hint = typing.get_type_hints(cls)[name]
    origin = typing.get_origin(hint)
    return list if origin is list else hint


def read_file(path: Path) -> dict[str, Any]:
    """A YAML or JSON config file as a dict."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise TrainingError(f"cannot read config file {path}: {exc.strerror}.") from None
    try:
        if Path(path).suffix == ".json":
            data = json.loads(text)
        else:
            import yaml

            data = yaml.safe_load(text)
    except ValueError as exc:  # json and yaml errors both derive from ValueError or YAMLError
        raise TrainingError(f"config file {path} is not valid: {exc}") from None
    except Exception as exc:  # yaml.YAMLError
        raise TrainingError(f"config file {path} is not valid YAML: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise TrainingError(f"config file {path} must hold a mapping of option: value.")
    return data


def coerce(cls: type, name: str, value: Any) -> Any:
    kind = field_kind(cls, name)
    try:
        if kind is list:
            return [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)]
        if kind is bool and isinstance(value, str):
            return value.strip().lower() in {"1", "true", "yes", "on"}
        return kind(value)
    except (TypeError, ValueError):
        raise TrainingError(f"option '{name}' must be {kind.__name__}, got {value!r}.") from None


def build(cls: type, file: Path | None = None, overrides: dict[str, Any] | None = None):
    """The config: defaults, then the file's values, then overrides that are not None."""
    names = {f.name for f in dataclasses.fields(cls)}
    values: dict[str, Any] = {}
    for source in (read_file(file) if file else {}, overrides or {}):
        for name, value in source.items():
            name = name.replace("-", "_")
            if name not in names:
                raise TrainingError(f"unknown option '{name}'; known: {', '.join(sorted(names))}.")
            if value is None or (isinstance(value, tuple) and not value):
                continue
            values[name] = coerce(cls, name, value)
    return cls(**values)


def save(config: Any, out_dir: Path) -> Path:
    """Write the resolved config as config.yaml next to the run's outputs."""
    import yaml

    from copilot.training.runs import atomic_write_text

    path = Path(out_dir) / "config.yaml"
    atomic_write_text(path, yaml.safe_dump(as_dict(config), sort_keys=False))
    return path


def parse_args(cls: type, argv: list[str] | None = None, description: str = ""):
    """argparse for running a script directly: --config FILE plus one flag per field."""
    parser = argparse.ArgumentParser(description=description,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", type=Path, help="YAML or JSON file of options.")
    for f in fields(cls):
        kind = field_kind(cls, f.name)
        flag = "--" + f.name.replace("_", "-")
        help_text = f"{f.metadata.get('help', '')} (default: {default(f)!r})"
        if kind is bool:
            parser.add_argument(flag, action=argparse.BooleanOptionalAction, default=None, help=help_text)
        elif kind is list:
            parser.add_argument(flag, nargs="*", default=None, help=help_text)
        else:
            parser.add_argument(flag, type=kind, default=None, help=help_text)
    args = vars(parser.parse_args(argv))
    file = args.pop("config")
    return build(cls, file, args)

