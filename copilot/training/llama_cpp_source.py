"""llama.cpp's own converters (convert_hf_to_gguf.py, convert_lora_to_gguf.py).

The llama-cpp-python wheel does not carry them; its source distribution does, at the same
llama.cpp commit as the installed library. They are unpacked once into a cache folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

from copilot.errors import TrainingError

KEEP = ("convert_hf_to_gguf.py", "convert_lora_to_gguf.py", "conversion/", "gguf-py/")


def installed_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("llama-cpp-python")
    except PackageNotFoundError:
        raise TrainingError("llama-cpp-python is not installed; `pip install llama-cpp-python`.") from None


def find_sdist(version: str, search: list[Path]) -> Path | None:
    name = f"llama_cpp_python-{version}.tar.gz"
    for folder in search:
        if (folder / name).is_file():
            return folder / name
    return None


def download_sdist(version: str, into: Path) -> Path:
    """`pip download` the source distribution of the installed llama-cpp-python."""
    into.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "pip", "download", "--no-binary", ":all:", "--no-deps",
               "--dest", str(into), f"llama-cpp-python=={version}"]
    done = subprocess.run(command, capture_output=True, text=True)
    found = find_sdist(version, [into])
    if done.returncode != 0 or found is None:
        raise TrainingError(
            f"could not download the llama-cpp-python {version} source (its converters are needed "
            f"for GGUF export): {done.stderr.strip()[-300:]}; download it by hand with "
            f"`pip download --no-binary :all: --no-deps llama-cpp-python=={version}` into {into}.")
    return found


def converter_dir(cache_dir: Path, extra_search: list[Path] | None = None) -> Path:
    """A folder holding the converters for the installed llama.cpp; fetched once."""
    version = installed_version()
    target = cache_dir / f"llama.cpp-{version}"
    if (target / "convert_hf_to_gguf.py").is_file() and (target / "conversion").is_dir():
        return target
    search = [cache_dir, *(extra_search or []), Path("/tmp/llsdist")]
    sdist = find_sdist(version, search) or download_sdist(version, cache_dir)
    prefix = f"llama_cpp_python-{version}/vendor/llama.cpp/"
    partial = cache_dir / f".llama.cpp-{version}.{os.getpid()}"
    shutil.rmtree(partial, ignore_errors=True)
    with tarfile.open(sdist) as archive:
        members = [m for m in archive.getmembers()
                   if m.name.startswith(prefix) and m.isfile()
                   and m.name[len(prefix):].startswith(KEEP)]
        if not members:
            raise TrainingError(f"{sdist} does not contain llama.cpp's converters; delete it and retry.")
        for member in members:
            member.name = member.name[len(prefix):]
            archive.extract(member, partial, filter="data")
    shutil.rmtree(target, ignore_errors=True)
    os.replace(partial, target)
    return target


def run_converter(args: list[str], cwd: Path | None = None, log=print) -> None:
    """Run a converter in a fresh interpreter; its last lines become the error message."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    done = subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, cwd=cwd)
    if done.returncode != 0:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-8:])
        raise TrainingError(f"GGUF conversion failed:\n{tail}")
    for line in done.stderr.splitlines()[-2:]:
        log(line)
