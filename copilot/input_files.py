"""A user's input file (or stdin) read as text: the one place bad inputs get their message.

`copilot explain` and `copilot summarize` take files users point at; empty, binary,
non-UTF-8 and huge inputs are refused here with one line saying what to pass instead.
TOML files users maintain (tool profiles, the safety policy) are read by `read_toml`.
"""

from __future__ import annotations

import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from copilot.errors import InputError, UsageError

_SNIFF = 8192
# Control characters that text files do carry; any other in bulk means a binary file.
_TEXT_CONTROLS = {9, 10, 12, 13, 27}


@dataclass(frozen=True)
class InputText:
    """Text read from a file or stdin, with the name messages use for it."""

    name: str
    text: str
    path: Path | None = None

    @property
    def suffix(self) -> str:
        return self.path.suffix.lower() if self.path else ""


def _size_text(count: int) -> str:
    return f"{count / 1e6:.1f} MB" if count >= 1e6 else f"{count // 1000} KB" if count >= 1000 else f"{count} bytes"


def _read_bytes(source: str, what: str, max_bytes: int, stdin: BinaryIO | None) -> tuple[str, bytes, Path | None]:
    if source == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        data = stream.read(max_bytes + 1)
        return "stdin", data, None
    path = Path(source).expanduser()
    if not path.exists():
        raise InputError(f"{path} does not exist; pass the {what} to read, or - for stdin.")
    if path.is_dir():
        raise InputError(f"{path} is a folder; pass one {what} file.")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(f"{path} is {_size_text(size)}, more than the {_size_text(max_bytes)} this "
                             f"command reads; pass the relevant part of it.")
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}; check its permissions.") from None
    return str(path), data, path


def looks_binary(data: bytes) -> bool:
    """NUL bytes, or many control characters, in the first 8 KB."""
    head = data[:_SNIFF]
    if b"\0" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in _TEXT_CONTROLS)
    return bool(head) and controls / len(head) > 0.05


def read_text_input(source: str, *, what: str, max_bytes: int,
                    stdin: BinaryIO | None = None) -> InputText:
    """Read `source` (a path, or '-' for stdin) as UTF-8 text, refusing what is not usable."""
    name, data, path = _read_bytes(source, what, max_bytes, stdin)
    if len(data) > max_bytes:
        raise InputError(f"{name} is more than {_size_text(max_bytes)}, the most this command reads; "
                         f"pass the relevant part of it.")
    if looks_binary(data):
        raise InputError(f"{name} is a binary file, not text; pass a {what}.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name} is not UTF-8 text (byte {exc.start} cannot be decoded); convert it, "
                         f"e.g. `iconv -f latin1 -t utf-8`, and pass it again.") from None
    if not text.strip():
        raise InputError(f"{name} is empty; pass a {what}.")
    return InputText(name, text.replace("\r\n", "\n").replace("\r", "\n"), path)


def read_toml(path: Path, what: str) -> dict:
    """A TOML file the user maintains (`what`: 'tool profile', 'safety policy'); a UsageError
    says what is wrong with it."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {what} {path}: {exc}; fix or delete it.") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{what} {path} is not valid TOML ({exc}); fix it.") from None
