"""The dev benchmark is held out from the example bank, and both are well-formed."""

from __future__ import annotations

import json
import math
from collections import Counter

import pytest

from conftest import REPO
from copilot.retrieval.bm25 import tokens

BANK = REPO / "adapters" / "opensta" / "examples.jsonl"
DEV = REPO / "tests" / "eval" / "opensta_dev_tasks.jsonl"
PROBE = REPO / "tests" / "eval" / "opensta_probe_tasks.jsonl"  # other wordings, written later
UNSEEN = REPO / "tests" / "eval" / "opensta_unseen_tasks.jsonl"  # written before any tuning on it
UNSEEN2 = REPO / "tests" / "eval" / "opensta_unseen2_tasks.jsonl"  # the same, later
UNSEEN3 = REPO / "tests" / "eval" / "opensta_unseen3_tasks.jsonl"  # and again, before unseen2 was looked at
UNSEEN4 = REPO / "tests" / "eval" / "opensta_unseen4_tasks.jsonl"  # and again, before unseen3 was looked at
UNSEEN5 = REPO / "tests" / "eval" / "opensta_unseen5_tasks.jsonl"  # and again, before unseen4 was looked at
UNSEEN6 = REPO / "tests" / "eval" / "opensta_unseen6_tasks.jsonl"  # and again, before unseen5 was looked at
UNSEEN7 = REPO / "tests" / "eval" / "opensta_unseen7_tasks.jsonl"  # and again, before unseen6 was looked at
MAX_SIMILARITY = 0.85  # TF-IDF cosine of requests; above this a request is a paraphrase


def records(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def tfidf(texts):
    docs = [Counter(tokens(t)) for t in texts]
    df = Counter()
    for d in docs:
        df.update(d.keys())
    out = []
    for d in docs:
        v = {t: (1 + math.log(n)) * math.log(len(docs) / df[t]) for t, n in d.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        out.append({t: x / norm for t, x in v.items()})
    return out


@pytest.mark.parametrize("held_out", [DEV, PROBE, UNSEEN, UNSEEN2, UNSEEN3, UNSEEN4, UNSEEN5, UNSEEN6, UNSEEN7],
                         ids=["dev", "probe", "unseen", "unseen2", "unseen3", "unseen4", "unseen5", "unseen6", "unseen7"])
def test_no_dev_task_or_paraphrase_is_in_the_bank(held_out):
    bank, dev = records(BANK), records(held_out)
    vectors = tfidf([b["request"] for b in bank] + [d["request"] for d in dev])
    bank_vectors, dev_vectors = vectors[:len(bank)], vectors[len(bank):]
    scripts = {" ".join(b["script"].split()) for b in bank}
    for task, dv in zip(dev, dev_vectors):
        closest = max(sum(dv.get(t, 0.0) * x for t, x in bv.items()) for bv in bank_vectors)
        assert closest < MAX_SIMILARITY, (task["id"], closest)
        # The same answer under similar wording is the same task: not allowed either.
        assert " ".join(task["reference"].split()) not in scripts, task["id"]


def test_dev_set_shape():
    dev = records(DEV)
    levels = Counter(t["level"] for t in dev)
    assert len(dev) >= 60 and levels["medium"] >= len(dev) // 4 and levels["easy"] >= len(dev) // 2
    assert len({t["id"] for t in dev}) == len(dev)


def test_bank_shape():
    bank = records(BANK)
    assert len(bank) >= 300 and len({b["id"] for b in bank}) == len(bank)
    assert all(b["request"].strip() and b["script"].strip() for b in bank)
