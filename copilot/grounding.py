"""Is a model's sentence grounded in the text it was written from? Small models invent names.

Used by explain and summarize: a sentence that names an identifier or a number the evidence
lacks, or an object name only the few-shot examples contain, is dropped rather than shown.
"""

from __future__ import annotations

import re

from copilot.retrieval.bm25 import tokens

_IDENT = re.compile(r"[A-Za-z_][\w\[\]*/.:]*")


_COMMON = frozenset("""that this with from have were when what which there their than then they them
into also only been does about after before because while where would could should these those
other some more most very just over under again each both same such here your will shall""".split())
_DEFAULT_MARKERS = ("Code:", "The code above", "#")


def _identifier_like(token: str) -> bool:
    """Looks like a name in code: _, digits, /, [, *, ::, an inner dot, or camelCase."""
    token = token.rstrip(".:")
    return bool(re.search(r"[_\d/\[*]|::|[a-z][A-Z]", token)) or "." in token[1:]


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def coverage(sentence: str, evidence: str) -> float:
    """Share of the sentence's content words (4+ letters) that the evidence also uses."""
    words = [w for w in re.findall(r"[a-z]{4,}", sentence.lower()) if w not in _COMMON]
    if not words:
        return 1.0
    known = {_stem(w) for w in re.findall(r"[a-z]{4,}", evidence.lower())}
    return sum(_stem(w) in known for w in words) / len(words)


def argument_words(scripts: str) -> set[str]:
    """Tokens of the literal arguments in `scripts` (object names, values), not commands or flags."""
    words = set()
    for line in scripts.split("\n"):
        for n, word in enumerate(re.findall(r"[^\s\[\]{}\"]+", line)):
            if n == 0 or word.startswith(("-", "$", "#")) or re.match(r"^[a-z_:]+$", word) and "_" in word:
                continue
            words.update(tokens(word))
    return words


def grounded(text: str, evidence: str, example_scripts: str = "", *, min_coverage: float = 0.0,
             markers: tuple[str, ...] = _DEFAULT_MARKERS) -> str | None:
    """The first sentence of `text` if it is grounded in `evidence`; else None.

    Dropped: sentences naming an identifier or a number the evidence lacks, sentences using
    an object name or value that only the few-shot example scripts contain (the model copied
    an example's specifics instead of describing this input), and, with `min_coverage`,
    sentences whose content words mostly do not occur in the evidence.
    """
    line = text.strip().split("\n", 1)[0].strip().strip('"')
    match = re.match(r"(.+?[.!?])(\s|$)", line)
    sentence = (match.group(1) if match else line).strip().rstrip(".")
    if not (10 <= len(sentence) <= 220) or any(m in sentence for m in markers):
        return None
    if re.match(r"^[a-z_:]+(\s+-|\s*$|\s+\[)", sentence) and "_" in sentence.split()[0]:
        return None  # the model wrote code, not words
    lowered = evidence.lower()
    for token in _IDENT.findall(sentence):
        bare = token.rstrip(".:,")
        if _identifier_like(bare) and bare.lower() not in lowered:
            return None
    known = set(tokens(evidence))
    said = set(tokens(sentence))
    if any(t[0].isdigit() and t not in known for t in said):
        return None
    if (said & argument_words(example_scripts)) - known:
        return None
    if min_coverage and coverage(sentence, evidence) < min_coverage:
        return None
    return sentence
