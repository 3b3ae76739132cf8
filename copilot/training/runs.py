"""What every training run leaves next to its outputs: config, data hashes, metrics, log."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import time
from pathlib import Path
from typing import Any, Iterable

from copilot.errors import TrainingError
from copilot.training import options


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def atomic_write_text(path: Path, text: str) -> None:
    """Write through a temporary file and rename, so readers never see half a file."""
    from copilot.atomic import write_text_atomic

    write_text_atomic(path, text)


def data_hashes(paths: Iterable[Path]) -> dict[str, str]:
    """sha256 of each input file (folders: of each file inside), keyed by path."""
    hashes: dict[str, str] = {}
    for path in map(Path, paths):
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if file.is_file() and file.stat().st_size < 2**31:
                hashes[str(file)] = sha256_file(file)
    return hashes


class RunRecord:
    """run.json (config, inputs, metrics, timings) and log.jsonl in a run's output folder."""

    def __init__(self, out_dir: Path, step: str, config: Any) -> None:
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.path = self.out_dir / "run.json"
        self.began = time.time()
        previous = json.loads(self.path.read_text()) if self.path.is_file() else {}
        config_dict = options.as_dict(config) if dataclasses.is_dataclass(config) else dict(config)
        self.data: dict[str, Any] = {
            "step": step, "config": config_dict, "inputs": previous.get("inputs", {}),
            "metrics": previous.get("metrics", {}), "started": previous.get("started", _now()),
            "runs": previous.get("runs", 0) + 1,
        }
        self.save()

    def inputs(self, paths: Iterable[Path]) -> None:
        self.data["inputs"].update(data_hashes(paths))
        self.save()

    def metrics(self, **values: Any) -> None:
        self.data["metrics"].update(values)
        self.save()

    def log(self, **values: Any) -> None:
        with (self.out_dir / "log.jsonl").open("a", encoding="utf-8") as handle:
            handle.write(json.dumps({"time": round(time.time() - self.began, 2), **values}) + "\n")

    def save(self) -> None:
        self.data["updated"] = _now()
        atomic_write_text(self.path, json.dumps(self.data, indent=2, default=str) + "\n")


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S")


def open_run(step: str, config: Any, training_dir: Path) -> tuple[Path, RunRecord]:
    """A step's output folder (config.out, or <training dir>/<step>) with its run.json and config.yaml."""
    out = Path(config.out) if config.out else Path(training_dir) / step
    record = RunRecord(out, step, config)
    options.save(config, out)
    return out, record


def corpus_file(given: str, training_dir: Path) -> Path:
    """The corpus.jsonl a step reads: `given`, or the corpus step's output; it must exist."""
    corpus = Path(given) if given else Path(training_dir) / "corpus" / "corpus.jsonl"
    if not corpus.is_file():
        raise TrainingError(f"corpus {corpus} does not exist; run `copilot train corpus` first.")
    return corpus
