"""Which files an index run reads: discovery under folders, symlink de-duplication, hashes."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from copilot.docs.document import Document
from copilot.docs.loaders import LOADER_VERSION, SUPPORTED, load_document, loader_for
from copilot.errors import InputError

_SKIP_DIRS = {"__pycache__", "node_modules", ".git", ".venv", "venv", ".tox", "site-packages"}


@dataclass(frozen=True)
class SourceFile:
    """One document to index; `key` is its resolved path, so symlinks to it are one source."""

    key: str
    path: Path
    explicit: bool  # named on the command line (errors stop the run) vs found in a folder
    via: str = ""  # the folder it was found under; "" for a file named on the command line

    def load(self) -> Document:
        return load_document(self.path)

    def fingerprint(self) -> str:
        """Content hash; the loader version is mixed in so loader changes re-index."""
        digest = hashlib.sha256(f"loader-{LOADER_VERSION}\0".encode())
        try:
            with open(self.path, "rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
        except OSError as exc:
            raise InputError(f"cannot read {self.path}: {exc.strerror}; check its permissions.") from None
        return digest.hexdigest()


def _walk(root: Path) -> list[Path]:
    """Supported files under a folder, following symlinked folders once each."""
    found: list[Path] = []
    seen_dirs: set[str] = set()
    for folder, dirs, files in os.walk(root, followlinks=True):
        real = os.path.realpath(folder)
        if real in seen_dirs:
            dirs[:] = []
            continue
        seen_dirs.add(real)
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
        found.extend(Path(folder, name) for name in sorted(files)
                     if not name.startswith(".") and loader_for(Path(name)))
    return found


def discover(paths: list[Path]) -> list[SourceFile]:
    """The documents named or found under `paths`, each real file once."""
    sources: dict[str, SourceFile] = {}
    for given in paths:
        path = Path(given).expanduser()
        if not path.exists():
            raise InputError(f"{path} does not exist; pass files or folders of documentation.")
        if path.is_dir():
            candidates = _walk(path)
            if not candidates:
                raise InputError(f"no documents under {path} ({SUPPORTED}); pass a folder that holds some.")
            explicit, via = False, str(path.resolve())
        else:
            if loader_for(path) is None:
                raise InputError(f"{path} is not a document type the index reads ({SUPPORTED}).")
            candidates, explicit, via = [path], True, ""
        for candidate in candidates:
            key = os.path.realpath(candidate)
            if not os.path.isfile(key):
                continue  # a dangling symlink
            if key not in sources or explicit:
                sources[key] = SourceFile(key, Path(key), explicit, via)
    return list(sources.values())
