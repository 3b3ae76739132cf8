"""Point the copilot at a trained model: write `model`/`lora` into config.toml atomically."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

from copilot.errors import TrainingError
from copilot.training.runs import atomic_write_text


def toml_value(value) -> str:
    """A TOML literal for a str/int/float/bool (JSON string escapes are valid TOML)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(str(value))


def set_config_values(config_file: Path, values: dict) -> None:
    """Replace or add `key = value` lines, keeping every other line and comment as it was."""
    config_file = Path(config_file)
    lines = config_file.read_text(encoding="utf-8").splitlines() if config_file.is_file() else []
    pending = dict(values)
    for i, line in enumerate(lines):
        match = re.match(r"\s*([A-Za-z0-9_-]+)\s*=", line)
        if match and match.group(1) in pending:
            key = match.group(1)
            lines[i] = f"{key} = {toml_value(pending.pop(key))}"
    lines += [f"{key} = {toml_value(value)}" for key, value in pending.items()]
    text = "\n".join(lines) + "\n"
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TrainingError(f"{config_file} would not be valid TOML after the change ({exc}); "
                            "fix it by hand first.") from None
    atomic_write_text(config_file, text)
