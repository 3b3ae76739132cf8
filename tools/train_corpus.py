"""Build the domain training corpus: docs, tool catalogs, scripts and the example bank.

Every source is decoded (UTF-8, UTF-16 with BOM, else cp1252), cleaned, cut into pieces of
at most --max-chars, and deduplicated twice: exact (normalised hash) and near-duplicate
(MinHash over word 5-grams, Jaccard >= --near-dup). Text that contains a held-out dev task
is dropped. General text (--general) is blended in at --general-share of the characters
(ChipNeMo kept ~9% public data to keep general ability). The result is corpus.jsonl
({id, kind, source, text}) plus run.json with the counts of what was kept and dropped.

    python tools/train_corpus.py --inputs ../shared/corpus/opensta adapters/opensta \
        --out /tmp/corpus
    copilot train corpus --inputs docs/ scripts/ --general wiki.txt --out /tmp/corpus
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from copilot.training.options import option, parse_args  # noqa: E402


@dataclass
class Config:
    inputs: list[str] = option([], "Files or folders: PDF, man pages, Markdown/HTML/text, Tcl/SDC/Python/Verilog scripts.")
    out: str = option("", "Output folder; empty means <data dir>/training/corpus.")
    tools: list[str] = option(["opensta"], "Tools whose command catalogs and example banks are added.")
    catalogs: bool = option(True, "Add each tool's command catalog (usage lines).")
    examples: bool = option(True, "Add each tool's example bank (request, script pairs).")
    docs_index: bool = option(True, "Add the passages of the docs index when one exists.")
    general: list[str] = option([], "General (non-domain) text files to blend in.")
    general_share: float = option(0.09, "Target share of general text in the corpus, by characters.")
    dev_tasks: str = option("tests/eval/opensta_dev_tasks.jsonl", "Held-out tasks: text containing one is dropped.")
    max_chars: int = option(6000, "Longest piece; longer documents are cut at paragraph breaks.")
    min_chars: int = option(40, "Shorter pieces are dropped.")
    near_dup: float = option(0.8, "MinHash Jaccard similarity at which a piece counts as a duplicate.")
    seed: int = option(0, "Random seed for sampling general text.")


CODE_SUFFIXES = {".tcl", ".sdc", ".py", ".v", ".sv", ".vh", ".xdc", ".upf", ".sh", ".txt", ".lib", ".json", ".jsonl"}
DOC_SUFFIXES = {".pdf", ".md", ".rst", ".html", ".htm", ".1", ".n", ".3", ".man"}


def split(text: str, max_chars: int) -> list[str]:
    """Pieces of at most max_chars, cut at blank lines (or lines) where possible."""
    pieces, current = [], ""
    for para in text.split("\n\n"):
        while len(para) > max_chars:
            cut = para.rfind("\n", 0, max_chars)
            cut = cut if cut > max_chars // 2 else max_chars
            pieces.append(para[:cut])
            para = para[cut:].lstrip("\n")
        if current and len(current) + len(para) + 2 > max_chars:
            pieces.append(current)
            current = ""
        current = f"{current}\n\n{para}" if current else para
    if current.strip():
        pieces.append(current)
    return pieces


def read_file(path: Path, stats: dict) -> list[tuple[str, str]]:
    """(source, text) pieces of one file; docs go through the docs loaders when present."""
    from copilot.training.corpus_text import decode

    if path.suffix.lower() in DOC_SUFFIXES:
        try:
            from copilot.docs.loaders import load_document

            document = load_document(path)
            return [(f"{path}#{s.heading}", s.text) for s in document.sections]
        except ImportError:
            if path.suffix.lower() == ".pdf":
                from pypdf import PdfReader

                return [(f"{path}#page{i + 1}", page.extract_text() or "")
                        for i, page in enumerate(PdfReader(str(path)).pages)]
        except Exception as exc:  # a loader's own error: skip the file, say why
            stats["unreadable"].append(f"{path}: {exc}")
            return []
    text, encoding = decode(path.read_bytes())
    if text is None:
        stats["binary"].append(str(path))
        return []
    if encoding not in ("utf-8", "utf-16"):
        stats["reencoded"].append(f"{path} ({encoding})")
    return [(str(path), text)]


def walk(inputs: list[str]) -> list[Path]:
    from copilot.errors import TrainingError

    files = []
    for given in inputs:
        path = Path(given).expanduser()
        if not path.exists():
            raise TrainingError(f"input {path} does not exist; pass files or folders of text.")
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and not any(
                part.startswith(".") or part == "__pycache__" for part in p.relative_to(path).parts)
                and p.suffix.lower() in CODE_SUFFIXES | DOC_SUFFIXES)
        else:
            files.append(path)
    return files


def domain_sources(config: Config, app, stats: dict) -> list[tuple[str, str, str]]:
    """(kind, source, text) for every domain source the config names."""
    import json

    from copilot import resources

    found = []
    for path in walk(config.inputs):
        kind = "script" if path.suffix.lower() in CODE_SUFFIXES - {".txt"} else "doc"
        found += [(kind, source, text) for source, text in read_file(path, stats)]
    for tool in config.tools:
        if config.catalogs:
            from copilot.catalog import load_catalog

            catalog = load_catalog(app, tool)
            lines = [f"{c.name} {c.usage}".strip() for c in catalog.commands.values()]
            found.append(("catalog", f"catalog:{tool}-{catalog.version}",
                          f"# {tool} {catalog.version} commands\n" + "\n".join(lines)))
        bank = resources.data_dir("adapters") / tool / "examples.jsonl"
        if config.examples and bank.is_file():
            for line in bank.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    ex = json.loads(line)
                    found.append(("example", f"examples:{tool}:{ex['id']}",
                                  f"# Request: {ex['request']}\n{ex['script'].rstrip()}\n# End"))
    if config.docs_index:
        found += docs_index_passages(app, stats)
    return found


def docs_index_passages(app, stats: dict) -> list[tuple[str, str, str]]:
    """Passages of the docs index (`copilot index`), when the docs extra and a store exist."""
    try:
        from copilot.docs.store import open_store

        store = open_store(app)
    except Exception as exc:  # no docs extra, no store, or a store for another model
        stats["notes"].append(f"docs index not used: {str(exc)[:160]}")
        return []
    if store is None:
        stats["notes"].append("no docs index; run `copilot index` to add indexed docs")
        return []
    got = store.docs.get(include=["documents", "metadatas"])
    return [("doc", f"index:{(m or {}).get('source', key)}", text)
            for key, text, m in zip(got["ids"], got["documents"], got["metadatas"])]


def dev_strings(path: str) -> list[str]:
    """Requests and long references of the held-out tasks (short ones match everything)."""
    import json

    if not path or not Path(path).is_file():
        return []
    tasks = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    found = [t.get("request", "") for t in tasks] + [t.get("reference", "") for t in tasks]
    return [" ".join(s.lower().split()) for s in found if len(s) >= 40]


def main(config: Config) -> dict:
    import json
    import random

    from copilot.context import AppContext
    from copilot.errors import TrainingError
    from copilot.training.corpus_text import NearDuplicates, clean, exact_key
    from copilot.training.runs import atomic_write_text, open_run

    app = AppContext.build()
    out, record = open_run("corpus", config, app.locations.training_dir)
    stats = {"binary": [], "reencoded": [], "unreadable": [], "notes": []}
    dropped = {"too_short": 0, "exact_duplicate": 0, "near_duplicate": 0, "dev_overlap": 0}
    banned = dev_strings(config.dev_tasks)
    exact: set[str] = set()
    near = NearDuplicates(threshold=config.near_dup)

    def keep(kind: str, source: str, text: str) -> list[dict]:
        kept = []
        for piece in split(clean(text), config.max_chars):
            piece = piece.strip() + "\n"
            flat = " ".join(piece.lower().split())
            if len(piece) < config.min_chars:
                dropped["too_short"] += 1
            elif any(b in flat for b in banned):
                dropped["dev_overlap"] += 1
            elif (key := exact_key(piece)) in exact:
                dropped["exact_duplicate"] += 1
            elif exact.add(key) or near.seen(piece):
                dropped["near_duplicate"] += 1
            else:
                kept.append({"kind": kind, "source": source, "text": piece})
        return kept

    records = [r for kind, source, text in domain_sources(config, app, stats) for r in keep(kind, source, text)]
    if not records:
        raise TrainingError("the corpus is empty after cleaning: no input had usable text "
                            f"(dropped: {dropped}; binary: {len(stats['binary'])}); pass --inputs with "
                            "documentation or scripts.")
    domain_chars = sum(len(r["text"]) for r in records)
    general = [r for path in walk(config.general) for source, text in read_file(path, stats)
               for r in keep("general", source, text)]
    random.Random(config.seed).shuffle(general)
    want = domain_chars * config.general_share / max(1e-9, 1 - config.general_share)
    blended, total = [], 0
    for r in general:
        if total >= want:
            break
        blended.append(r)
        total += len(r["text"])
    records += blended
    random.Random(config.seed).shuffle(records)
    lines = [json.dumps({"id": f"c{i:06d}", **r}, ensure_ascii=False) for i, r in enumerate(records)]
    atomic_write_text(out / "corpus.jsonl", "\n".join(lines) + "\n")
    record.inputs([Path(p) for p in config.inputs + config.general])
    by_kind = {}
    for r in records:
        entry = by_kind.setdefault(r["kind"], {"pieces": 0, "chars": 0})
        entry["pieces"] += 1
        entry["chars"] += len(r["text"])
    metrics = {"pieces": len(records), "chars": sum(len(r["text"]) for r in records), "by_kind": by_kind,
               "general_share": round(total / max(1, domain_chars + total), 4),
               "general_available_chars": sum(len(r["text"]) for r in general), "dropped": dropped,
               "binary_files": stats["binary"], "reencoded_files": stats["reencoded"],
               "unreadable_files": stats["unreadable"], "notes": stats["notes"],
               "output": str(out / "corpus.jsonl")}
    if len(records) < 20:
        print(f"warning: only {len(records)} pieces of text; continued pretraining on this little "
              "data will overfit. Add documentation or scripts.", file=sys.stderr)
    record.metrics(**metrics)
    print(json.dumps({k: v for k, v in metrics.items() if k not in ("binary_files", "reencoded_files")}, indent=2))
    return metrics


if __name__ == "__main__":
    main(parse_args(Config, description=__doc__))
