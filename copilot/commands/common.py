"""Options and argument handling shared by several commands (no heavy imports)."""

from __future__ import annotations

from pathlib import Path

import click

from copilot.errors import InputError


def tool_option(func):
    return click.option("--tool", help="Tool profile (opensta, tclsh, ...).")(func)


def model_options(func):
    """--model, --lora, --gpu-layers, --threads: the model the command runs."""
    func = click.option("--threads", type=int, help="CPU threads for llama.cpp.")(func)
    func = click.option("--gpu-layers", "gpu_layers", help="Layers to offload: 'auto' or a number.")(func)
    func = click.option("--lora", help="GGUF LoRA adapter on top of the model.")(func)
    func = click.option("--model", help="GGUF model file (default: embedded Gemma 3 270M).")(func)
    return func


INPUT_MAX_BYTES = 1_000_000  # the largest FILE|- a file_input_command reads


def file_input_command(json_help: str, no_model_help: str):
    """FILE|- (stdin), --tool, --json, --no-model and the model options: a command that
    reads one text input (explain, summarize). The function receives file, tool, as_json,
    no_model and the model flags."""
    def decorate(func):
        func = model_options(func)
        func = click.option("--no-model", "no_model", is_flag=True, help=no_model_help)(func)
        func = click.option("--json", "as_json", is_flag=True, help=json_help)(func)
        func = tool_option(func)
        return click.argument("file", metavar="FILE|-")(func)
    return decorate


def resolve_setup(value: str, profile) -> Path | None:
    """The setup script to load: a readable file, 'demo' for the bundled design, or none."""
    if not value:
        return None
    if value == "demo":
        path = profile.demo_setup_path()
        if path is None:
            raise InputError(f"tool '{profile.name}' has no bundled demo design; pass --setup FILE.")
        return path
    path = Path(value).expanduser()
    if not path.is_file():
        raise InputError(f"setup file {path} does not exist; pass a Tcl script that loads your design.")
    try:
        path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(f"setup file {path} is not UTF-8 text; pass a Tcl script.") from None
    except OSError as exc:
        raise InputError(f"cannot read setup file {path}: {exc.strerror}; check its permissions.") from None
    return path
