"""Parse usage strings like `[-path_delay min|max] [-digits digits] pins` into a CommandSpec."""

from __future__ import annotations

import re

from copilot.catalog.spec import CommandSpec, FlagSpec

_TOKEN = re.compile(r"\[|\]|\||>>|>|[^\s\[\]|]+")
_FLAG = re.compile(r"^-[A-Za-z_][\w]*$")


def parse_usage(name: str, usage: str) -> CommandSpec:
    """Read flags, their value slots, enumerations and positional slots from a usage line."""
    tokens = _TOKEN.findall(usage)
    spec = CommandSpec(name=name, usage=usage.strip())
    depth = 0
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok == "[":
            depth += 1
        elif tok == "]":
            depth = max(0, depth - 1)
        elif tok in (">", ">>"):
            i += 2  # redirection to a file: not a flag or positional
            continue
        elif _FLAG.match(tok):
            flag = FlagSpec(tok, required=depth == 0)
            i = _read_value(tokens, i + 1, flag)
            spec.flags.setdefault(tok, flag)
            continue
        elif tok != "|" and not tok.startswith("-"):
            if tok not in spec.positionals:
                spec.positionals.append(tok)
        i += 1
    return spec


def _read_value(tokens: list[str], i: int, flag: FlagSpec) -> int:
    """Fill the flag's value slot (and choices) from tokens[i:]; return the next index."""
    if i >= len(tokens):
        return i
    tok = tokens[i]
    if tok == "[":  # -fields [capacitance|slew|input_pin|net]: a list of choices
        j = i + 1
        words = []
        while j < len(tokens) and tokens[j] != "]":
            if tokens[j] != "|":
                words.append(tokens[j])
            j += 1
        if words and not any(_FLAG.match(w) for w in words):
            flag.value, flag.choices = "list", words
            return j + 1
        return i
    if tok in ("]", "|", ">", ">>") or _FLAG.match(tok):
        return i
    values = [tok]
    j = i + 1
    while j + 1 < len(tokens) and tokens[j] == "|" and not tokens[j + 1].startswith("-") \
            and tokens[j + 1] not in ("[", "]"):
        values.append(tokens[j + 1])
        j += 2
    if len(values) > 1:
        flag.value, flag.choices = "|".join(values), values
    else:
        flag.value = tok
    return j
