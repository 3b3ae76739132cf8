"""Fine-tune the docs embedding model (MiniLM) on synthetic (query, passage) pairs.

Passages are the documentation chunks exactly as `copilot index` cuts them. Queries are
made without a language model by the inverse cloze task (ICT): a sentence of a passage is
the query and the rest of the passage its positive; the passage BM25 ranks highest for the
query (other than its own) is its hard negative. Training uses in-batch negatives plus the
hard negative (multiple-negatives ranking loss). hit@1, hit@k and MRR on a QA set
(tests/eval/qa_dev.jsonl format) are reported before and after, dense ranking over the same
passages; synthetic queries equal to a QA question are dropped so the dev set stays held out.

    python tools/train_retriever.py --inputs ../shared/corpus/opensta --out /tmp/retriever \
        --qa tests/eval/qa_dev.jsonl --threads 1
    # then: copilot config embedding_model=/tmp/retriever/model and re-run `copilot index`
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from copilot.training.options import option, parse_args  # noqa: E402


@dataclass
class Config:
    inputs: list[str] = option([], "Documentation files or folders (as given to `copilot index`).")
    qa: str = option("tests/eval/qa_dev.jsonl", "QA set {id, question, source, answer_contains} for hit@k; '' to skip.")
    model: str = option("", "Sentence-transformers folder to start from; empty: the bundled all-MiniLM-L6-v2.")
    out: str = option("", "Output folder; empty means <data dir>/training/retriever.")
    queries_per_passage: int = option(2, "ICT queries drawn from each passage.")
    min_query_words: int = option(6, "Shortest sentence used as a query.")
    epochs: int = option(1, "Passes over the pairs.")
    batch_size: int = option(16, "Pairs per step (the other pairs in a batch are negatives too).")
    learning_rate: float = option(2e-5, "AdamW learning rate.")
    k: int = option(5, "k of hit@k.")
    register: bool = option(False, "Set embedding_model in config.toml (re-index afterwards).")
    seed: int = option(0, "Random seed.")
    threads: int = option(1, "torch CPU threads (1 is fastest on a shared 2-core machine).")


def load_passages(inputs: list[str]):
    """Passages as the docs index makes them."""
    from copilot.docs.chunking import chunk_document
    from copilot.docs.sources import discover

    passages = []
    for source in discover([Path(p) for p in inputs]):
        passages += chunk_document(source.load())
    return passages


def ict_pairs(passages, config: Config, banned: set[str]) -> list[tuple[str, str, str]]:
    """(query, positive, hard negative) triples from the inverse cloze task."""
    import random
    import re

    from copilot.retrieval.bm25 import BM25, tokens

    rng = random.Random(config.seed)
    index = BM25([tokens(p.text) for p in passages])
    triples = []
    for n, passage in enumerate(passages):
        sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n", passage.text)
                     if len(s.split()) >= config.min_query_words]
        for sentence in rng.sample(sentences, min(len(sentences), config.queries_per_passage)):
            if " ".join(sentence.lower().split()) in banned:
                continue
            rest = passage.text.replace(sentence, " ").strip()
            negative = next((i for i, _ in index.top(tokens(sentence), 3) if i != n), None)
            if negative is not None and len(rest.split()) >= 5:
                triples.append((sentence, rest, passages[negative].text))
    rng.shuffle(triples)
    return triples


def evaluate(model, passages, items, k: int) -> dict:
    """hit@1, hit@k and MRR of dense ranking over `passages`."""
    import numpy as np

    if not items:
        return {}
    vectors = model.encode([p.text for p in passages], batch_size=32, normalize_embeddings=True)
    queries = model.encode([i.question for i in items], batch_size=32, normalize_embeddings=True)
    first = at_k = 0
    reciprocal = 0.0
    for item, query in zip(items, queries):
        order = np.argsort(-(vectors @ query))
        rank = next((r for r, j in enumerate(order, start=1) if item.matches(passages[j])), 0)
        first += rank == 1
        at_k += 0 < rank <= k
        reciprocal += 1 / rank if rank else 0.0
    n = len(items)
    return {"questions": n, "hit@1": round(first / n, 4), f"hit@{k}": round(at_k / n, 4),
            "mrr": round(reciprocal / n, 4)}


def train(model, triples, config: Config, record) -> dict:
    """Multiple-negatives ranking loss: each query against all positives and negatives in the batch."""
    import time

    import torch
    import torch.nn.functional as F

    optimizer = torch.optim.AdamW(model.parameters(), lr=config.learning_rate)
    model.train()
    began, step, losses = time.monotonic(), 0, []
    for _ in range(config.epochs):
        for start in range(0, len(triples) - 1, config.batch_size):
            batch = triples[start:start + config.batch_size]
            if len(batch) < 2:
                continue
            embed = lambda texts: F.normalize(model(model.tokenize(texts))["sentence_embedding"], dim=-1)  # noqa: E731
            queries = embed([q for q, _, _ in batch])
            candidates = embed([p for _, p, _ in batch] + [n for _, _, n in batch])
            scores = queries @ candidates.T * 20.0
            loss = F.cross_entropy(scores, torch.arange(len(batch)))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            step += 1
            losses.append(float(loss))
            record.log(step=step, loss=round(float(loss), 4))
            if step % 10 == 0:
                print(f"step {step} loss {sum(losses[-10:]) / len(losses[-10:]):.4f}", file=sys.stderr)
    model.eval()
    return {"steps": step, "first_loss": round(losses[0], 4) if losses else None,
            "last_loss": round(sum(losses[-5:]) / len(losses[-5:]), 4) if losses else None,
            "train_seconds": round(time.monotonic() - began, 1)}


def main(config: Config) -> dict:
    import json

    import torch

    from copilot.context import AppContext
    from copilot.errors import TrainingError
    from copilot.training.register import set_config_values
    from copilot.training.runs import open_run

    app = AppContext.build()
    out, record = open_run("retriever", config, app.locations.training_dir)
    if config.threads > 0:
        torch.set_num_threads(config.threads)
    torch.manual_seed(config.seed)
    if not config.inputs:
        raise TrainingError("give --inputs: the documentation the index holds (files or folders).")
    passages = load_passages(config.inputs)
    items = []
    if config.qa:
        from copilot.docs.qa_eval import load_qa

        items = load_qa(Path(config.qa))
    banned = {" ".join(i.question.lower().split()) for i in items}
    triples = ict_pairs(passages, config, banned)
    if len(triples) < config.batch_size:
        raise TrainingError(f"only {len(triples)} training pairs from {len(passages)} passages; give more "
                            "documentation or lower --min-query-words.")
    from sentence_transformers import SentenceTransformer

    from copilot.docs.embedding import bundled_model_dir

    start = Path(config.model) if config.model else bundled_model_dir()
    model = SentenceTransformer(str(start), device="cpu")
    record.inputs([Path(p) for p in config.inputs] + ([Path(config.qa)] if config.qa else []))
    before = evaluate(model, passages, items, config.k)
    print(f"before: {before}", file=sys.stderr)
    metrics = {"passages": len(passages), "pairs": len(triples), "start_model": str(start), "before": before}
    metrics.update(train(model, triples, config, record))
    metrics["after"] = evaluate(model, passages, items, config.k)
    model.save(str(out / "model"))
    metrics["output"] = str(out / "model")
    if config.register:
        set_config_values(app.locations.config_file, {"embedding_model": str((out / "model").resolve())})
        metrics["registered"] = str(app.locations.config_file)
        print("embedding_model is set; run `copilot index` again so the store uses the new model.", file=sys.stderr)
    record.metrics(**metrics)
    print(json.dumps(metrics, indent=2))
    return metrics


if __name__ == "__main__":
    main(parse_args(Config, description=__doc__))
