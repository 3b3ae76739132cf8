"""The one reader of shipped data: adapters/, grammars/, prompts/ and tools/ (training scripts).

In a wheel these folders live under copilot/_data; in a source checkout (editable install,
tests) they are the top-level folders of the repository.
"""

from __future__ import annotations

from pathlib import Path

from copilot.errors import CopilotError

DATA_FOLDERS = ("adapters", "grammars", "prompts", "tools")
_PACKAGE = Path(__file__).resolve().parent


def data_dir(folder: str) -> Path:
    """The folder of shipped data named `folder` (one of DATA_FOLDERS)."""
    if folder not in DATA_FOLDERS:
        raise ValueError(f"unknown data folder {folder!r}")
    for candidate in (_PACKAGE / "_data" / folder, _PACKAGE.parent / folder):
        if candidate.is_dir():
            return candidate
    raise CopilotError(
        f"the copilot's data folder '{folder}' is missing from {_PACKAGE}; reinstall the package."
    )


def data_file(folder: str, *parts: str) -> Path:
    """A file inside a shipped data folder; raises if it is not there."""
    path = data_dir(folder).joinpath(*parts)
    if not path.is_file():
        raise CopilotError(f"shipped data file {path} is missing; reinstall the package.")
    return path


def read_text(folder: str, *parts: str) -> str:
    return data_file(folder, *parts).read_text(encoding="utf-8")


def adapter_names() -> list[str]:
    """Tool profiles shipped in adapters/ (each a folder with profile.toml)."""
    root = data_dir("adapters")
    return sorted(p.parent.name for p in root.glob("*/profile.toml"))


def demo_setup() -> Path:
    """The setup script of the bundled OpenSTA demo design."""
    return data_file("adapters", "opensta", "demo", "setup.tcl")
