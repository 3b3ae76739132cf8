"""Make a tiny, randomly initialised Llama GGUF with its own small tokenizer.

It stands in for the shipped Gemma GGUF in tests and smoke runs: the whole adaptation chain
(GGUF -> transformers -> tokenizer -> dapt -> sft -> export -> llama.cpp) runs on it in
seconds. The tokenizer is a SentencePiece-style BPE (llama.cpp's "llama" tokenizer, with
byte fallback) trained on the given text; the weights are random.

    python tools/make_tiny_model.py --text README.md prompts/script_fewshot.j2 \
        --out /tmp/tiny/tiny.gguf
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from copilot.training.options import option, parse_args  # noqa: E402


@dataclass
class Config:
    text: list[str] = option([], "Text files the tokenizer is trained on.")
    out: str = option("tiny.gguf", "GGUF file to write.")
    vocab_size: int = option(512, "Tokens in the vocabulary (special tokens and 256 byte tokens included).")
    hidden_size: int = option(64, "Model width.")
    layers: int = option(2, "Transformer layers.")
    arch: str = option("gemma3", "gemma3 (like the shipped model: tied embeddings, no space prefix) or llama.")
    seed: int = option(0, "Random seed for the weights.")


# Special tokens in each architecture's own order (transformers adds any that are missing,
# which would shift the ids of tokens added later).
SPECIALS = {"llama": {"<unk>": 0, "<s>": 1, "</s>": 2},
            "gemma3": {"<pad>": 0, "<eos>": 1, "<bos>": 2, "<unk>": 3, "<mask>": 4}}
UNKNOWN, CONTROL, NORMAL, BYTE = 2, 3, 1, 6


def special_ids(arch: str) -> dict[str, int]:
    names = SPECIALS[arch]
    unk = names.get("<unk>")
    bos = names.get("<s>", names.get("<bos>"))
    eos = names.get("</s>", names.get("<eos>"))
    return {"unk": unk, "bos": bos, "eos": eos, "pad": names.get("<pad>", unk)}


def train_pieces(texts: list[str], size: int, specials: list[str]) -> list[str]:
    """BPE pieces in merge order (characters first), spaces written as U+2581."""
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.BPE(unk_token="<unk>"))
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always")
    trainer = trainers.BpeTrainer(vocab_size=size, special_tokens=specials, show_progress=False)
    tokenizer.train_from_iterator(texts, trainer)
    vocab = tokenizer.get_vocab()
    return [t for t, _ in sorted(vocab.items(), key=lambda kv: kv[1]) if t not in specials]


def vocabulary(arch: str, pieces: list[str]) -> list[str]:
    return list(SPECIALS[arch]) + [f"<0x{b:02X}>" for b in range(256)] + pieces


def write_vocab_gguf(path: Path, arch: str, pieces: list[str]) -> None:
    """A vocabulary-only GGUF in llama.cpp's SentencePiece ("llama") format."""
    import gguf

    specials = list(SPECIALS[arch])
    tokens = vocabulary(arch, pieces)
    types = [UNKNOWN if t == "<unk>" else CONTROL for t in specials] + [BYTE] * 256 + [NORMAL] * len(pieces)
    scores = [0.0] * (len(specials) + 256) + [-float(i) for i in range(len(pieces))]
    ids = special_ids(arch)
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_tokenizer_model("llama")
    writer.add_tokenizer_pre("default")
    writer.add_token_list(tokens)
    writer.add_token_scores(scores)
    writer.add_token_types(types)
    writer.add_unk_token_id(ids["unk"])
    writer.add_bos_token_id(ids["bos"])
    writer.add_eos_token_id(ids["eos"])
    writer.add_pad_token_id(ids["pad"])
    writer.add_add_bos_token(True)
    writer.add_add_eos_token(False)
    # transformers reads a "llama" GGUF vocabulary with a "▁" prefix and a Gemma one without;
    # the GGUF flag must say the same so llama.cpp tokenizes alike.
    writer.add_add_space_prefix(arch == "llama")
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def build_model(config: Config, n_vocab: int):
    """A randomly initialised causal LM of the chosen architecture."""
    from transformers import Gemma3ForCausalLM, Gemma3TextConfig, LlamaConfig, LlamaForCausalLM

    ids = special_ids(config.arch)
    common = dict(vocab_size=n_vocab, hidden_size=config.hidden_size, intermediate_size=config.hidden_size * 2,
                  num_hidden_layers=config.layers, num_attention_heads=4, num_key_value_heads=1,
                  max_position_embeddings=1024, bos_token_id=ids["bos"], eos_token_id=ids["eos"],
                  pad_token_id=ids["pad"])
    if config.arch == "llama":
        return LlamaForCausalLM(LlamaConfig(**common, tie_word_embeddings=False, rope_theta=10000.0))
    # llama.cpp hard-codes Gemma 3's 5:1 sliding:global pattern; all-sliding layers with a
    # window longer than any test sequence behave the same in both.
    # llama.cpp scales queries by 1/sqrt(head_dim); transformers by query_pre_attn_scalar
    # (256 by default, which is the real 270M's head_dim): they must agree.
    return Gemma3ForCausalLM(Gemma3TextConfig(**common, head_dim=16, query_pre_attn_scalar=16, sliding_window=512,
                                              layer_types=["sliding_attention"] * config.layers,
                                              tie_word_embeddings=True))


def main(config: Config) -> Path:
    import json
    import tempfile

    import torch

    from copilot.context import AppContext
    from copilot.errors import TrainingError
    from copilot.training.gguf_files import export_full
    from copilot.training.llama_cpp_source import converter_dir

    texts = [Path(p).read_text(encoding="utf-8", errors="replace") for p in config.text]
    if not any(t.strip() for t in texts):
        raise TrainingError("give --text files for the tiny tokenizer to learn from.")
    out = Path(config.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    pieces = train_pieces(texts, config.vocab_size - 256, list(SPECIALS[config.arch]))
    torch.manual_seed(config.seed)
    with tempfile.TemporaryDirectory() as tmp:
        vocab = Path(tmp) / "vocab.gguf"
        write_vocab_gguf(vocab, config.arch, pieces)
        tokens = vocabulary(config.arch, pieces)
        n_vocab = len(tokens)
        model = build_model(config, n_vocab)
        folder = Path(tmp) / "hf"
        model.save_pretrained(folder)
        # Gemma's converter counts the vocabulary in tokenizer.json to trim padding rows.
        (folder / "tokenizer.json").write_text(json.dumps(
            {"model": {"vocab": {t: i for i, t in enumerate(tokens)}}, "added_tokens": []}))
        export_full(folder, out, vocab, [], converter_dir(AppContext.build().locations.training_dir / "llama.cpp"),
                    outtype="f32", log=lambda line: None)
    print(f"{out}: {sum(p.numel() for p in model.parameters()) / 1e6:.2f}M parameters, "
          f"{n_vocab} tokens")
    return out


if __name__ == "__main__":
    main(parse_args(Config, description=__doc__))
