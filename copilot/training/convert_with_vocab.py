"""Run llama.cpp's convert_hf_to_gguf.py, but take the vocabulary from a reference GGUF.

Usage: python -m copilot.training.convert_with_vocab CONVERTER_DIR VOCAB.json -- ARGS...

Why: converting the folder transformers saves loses Gemma's tokenizer (it falls back to a
GPT-2 vocabulary, or demotes the whitespace tokens when a tokenizer.model is rebuilt).
Copying every `tokenizer.*` field of the GGUF the model came from, and appending the tokens
the domain tokenizer added as user-defined tokens, gives llama.cpp exactly the vocabulary
the model was trained with. VOCAB.json: {"reference": GGUF path, "added": [token, ...]}.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

USER_DEFINED = 4


def copy_vocab(writer, reference: str, added: list[str]) -> None:
    """Write the reference GGUF's tokenizer fields, with `added` appended, into `writer`."""
    import gguf

    reader = gguf.GGUFReader(reference)
    for name, field in reader.fields.items():
        if not name.startswith("tokenizer."):
            continue
        value = field.contents()
        main = gguf.GGUFValueType(field.types[0])
        sub = gguf.GGUFValueType(field.types[-1]) if main == gguf.GGUFValueType.ARRAY else None
        if added and name == "tokenizer.ggml.tokens":
            value = list(value) + list(added)
        elif added and name == "tokenizer.ggml.scores":
            value = list(value) + [-1000.0] * len(added)
        elif added and name == "tokenizer.ggml.token_type":
            value = list(value) + [USER_DEFINED] * len(added)
        elif added and name == "tokenizer.ggml.merges":
            pass  # added tokens are matched whole, before merges apply
        writer.add_key_value(name, value, main, sub_type=sub)


def main(argv: list[str]) -> None:
    converter, vocab_file, sep, *rest = argv
    assert sep == "--", "usage: CONVERTER_DIR VOCAB.json -- ARGS..."
    spec = json.loads(Path(vocab_file).read_text())
    sys.path[:0] = [converter, str(Path(converter) / "gguf-py")]
    import conversion

    original = conversion.get_model_class

    def with_reference_vocab(*args, **kwargs):
        cls = original(*args, **kwargs)

        def set_vocab(self):
            copy_vocab(self.gguf_writer, spec["reference"], spec.get("added", []))

        return type(cls.__name__, (cls,), {"set_vocab": set_vocab, "model_arch": cls.model_arch})

    conversion.get_model_class = with_reference_vocab
    import convert_hf_to_gguf  # binds the patched get_model_class

    sys.argv = ["convert_hf_to_gguf.py", *rest]
    convert_hf_to_gguf.main()


if __name__ == "__main__":
    main(sys.argv[1:])
