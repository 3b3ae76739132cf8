"""Tcl scripts through tree-sitter: the commands they run, their words, and syntax errors.

tree-sitter's Tcl grammar parses braced text as commands (`{req_a[*]}` becomes commands
`req_a` and `*`), so only braces known to hold scripts (bodies of if/foreach/proc/while/for/
catch/try...) are walked; other braced words are data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from copilot.diagnostics import Diagnostic

# Node types the grammar gives special shapes; all are commands named by their first child.
_SPECIAL = {"set", "foreach", "if", "while", "procedure", "catch", "try", "namespace",
            "global", "expr_cmd", "regexp"}
# Generic commands whose braced arguments are scripts.
_SCRIPT_ARGS = {"for", "time", "with_output_to_variable", "uplevel", "eval", "lmap"}


@dataclass(frozen=True)
class Word:
    """One argument: its source text, and whether that text is literal (no substitution)."""

    text: str
    literal: bool
    line: int
    kind: str
    start: int = -1  # byte offsets in the UTF-8 script, for edits
    end: int = -1


@dataclass
class CommandUse:
    """A command invocation found in the script."""

    name: str
    line: int
    words: list[Word]
    end_line: int
    nested: bool = False  # inside [...] or a body
    start: int = -1  # byte offsets of the whole command (name to last word)
    end: int = -1


@dataclass
class TclTree:
    commands: list[CommandUse] = field(default_factory=list)
    syntax: list[Diagnostic] = field(default_factory=list)
    procs: dict[str, int] = field(default_factory=dict)  # name -> line defined
    comments: dict[int, str] = field(default_factory=dict)
    # (line, text) of commands whose name is only known when they run: `$cmd ...`,
    # `[string cat ex ec] ...`, `{*}$list`, `e\x78ec ...`; no check can say what they do.
    dynamic: list[tuple[int, str]] = field(default_factory=list)
    source: str = ""  # the script as parsed

    def span(self, start: int, end: int) -> str:
        """The script's text between two byte offsets of the parse."""
        return script_bytes(self.source)[start:end].decode("utf-8", "replace")


def _parser():
    from tree_sitter_language_pack import get_parser

    return get_parser("tcl")


def _text(src: bytes, node) -> str:
    return src[node.start_byte:node.end_byte].decode("utf-8", "replace")


def _word(src: bytes, node) -> Word:
    literal = node.type in ("simple_word", "braced_word", "id", "number") or (
        node.type == "quoted_word" and not any(
            c.type in ("command_substitution", "variable_substitution") for c in node.children))
    text = _text(src, node)
    if node.type == "quoted_word" and literal:
        text = text[1:-1]
    if node.type == "braced_word":
        text = text[1:-1]
    return Word(text, literal, node.start_point[0] + 1, node.type, node.start_byte, node.end_byte)


def _merge_adjacent(words: list[Word], src: bytes) -> list[Word]:
    """One Tcl word from pieces the grammar splits: `req_a[2]` is `req_a` + `[2]` to it."""
    out: list[Word] = []
    for w in words:
        prev = out[-1] if out else None
        if prev is not None and prev.end == w.start and w.start >= 0:
            text = src[prev.start:w.end].decode("utf-8", "replace")
            out[-1] = Word(text, prev.literal and w.literal, prev.line, "concat", prev.start, w.end)
        else:
            out.append(w)
    return out


def script_bytes(text: str) -> bytes:
    """The bytes the parse's offsets refer to: the script with a final newline (the grammar
    drops a last command that has none; offsets are unchanged)."""
    return (text if text.endswith("\n") else text + "\n").encode("utf-8", "replace")


def parse_tcl(text: str) -> TclTree:
    """Parse a Tcl script; never raises on any input."""
    src = script_bytes(text)
    tree = _parser().parse(src)
    out = TclTree(source=text)
    _walk(src, tree.root_node, out, nested=False)
    _syntax(src, tree.root_node, out)
    return out


def _walk(src: bytes, node, out: TclTree, nested: bool) -> None:
    kind = node.type
    if kind == "ERROR":
        return
    if kind == "comment":
        out.comments[node.start_point[0] + 1] = _text(src, node)
        return
    if kind == "command" or kind in _SPECIAL:
        _command(src, node, out, nested)
        return
    if kind in ("braced_word", "word_list", "source_file", "else", "elseif", "finally",
                "command_substitution", "expr", "binop_expr", "unary_expr", "ternary_expr",
                "quoted_word"):
        prev = None
        for child in node.children:
            if child.type == "command" and prev is not None and prev.type == "foreach" \
                    and not src[prev.end_byte:child.start_byte].strip(b" \t"):
                _foreach_rest(src, child, out)
            else:
                _walk(src, child, out, nested or kind != "source_file")
            prev = child if child.is_named else prev


def _foreach_rest(src: bytes, node, out: TclTree) -> None:
    """`foreach a {x y} b {p q} {body}`: the grammar ends the foreach after `b` and reads the
    rest as a command named `{p q}`; put those words back on the foreach and walk its body."""
    args = []
    for child in node.children:
        args.extend(c for c in child.children if c.is_named) if child.type == "word_list" \
            else args.append(child) if child.is_named else None
    use = next((c for c in reversed(out.commands) if c.name == "foreach"), None)
    if use is not None:
        use.words.extend(_word(src, a) for a in args)
        use.end_line = node.end_point[0] + 1
        use.end = node.end_byte
    for body in [a for a in args if a.type == "braced_word"][-1:]:
        _walk(src, body, out, True)


def _command(src: bytes, node, out: TclTree, nested: bool) -> None:
    kids = node.children
    if not kids:
        return
    head = kids[0]
    args = []
    for child in kids[1:]:
        if child.type == "word_list":
            args.extend(c for c in child.children if c.is_named)
        elif child.is_named:
            args.append(child)
    if node.type in _SPECIAL:
        name = {"procedure": "proc", "expr_cmd": "expr"}.get(node.type, node.type)
    else:
        name = _head_name(src, head, args, out)
    kind = node.type
    # The grammar reads `cmd [x]; next ...` as one command with an ERROR ';' word: split it.
    while True:
        cut = next((n for n, a in enumerate(args) if a.type == "ERROR" and _text(src, a).strip() == ";"), None)
        mine, rest = (args, []) if cut is None else (args[:cut], args[cut + 1:])
        end = node.end_point[0] + 1 if cut is None else (mine[-1] if mine else head).end_point[0] + 1
        if head.type != "variable_substitution":
            span = (head.start_byte, (mine[-1] if mine else head).end_byte)
            _emit(src, kind, name, head.start_point[0] + 1, end, mine, out, nested, span)
        if not rest:
            return
        head, args, kind = rest[0], rest[1:], "command"
        name = _head_name(src, head, args, out)


def _head_name(src: bytes, head, args: list, out: TclTree) -> str:
    """The command's name when the script spells it out; else "" and the command is dynamic."""
    glued = bool(args) and args[0].start_byte == head.end_byte  # `e\x78ec`, `ex[list ec]`
    if head.type == "simple_word" and not glued:
        return _text(src, head)
    if head.type in ("quoted_word", "braced_word") and not glued:
        word = _word(src, head)
        if word.literal and word.text and not any(c.isspace() or c == "\\" for c in word.text):
            return word.text
    out.dynamic.append((head.start_point[0] + 1, _text(src, head).split("\n", 1)[0][:60]))
    return ""


def _emit(src: bytes, kind: str, name: str, line: int, end_line: int, args: list, out: TclTree,
          nested: bool, span: tuple[int, int] = (-1, -1)) -> None:
    """Record one command and walk the arguments that hold scripts or substitutions."""
    words = _merge_adjacent([_word(src, a) for a in args], src)
    if name:
        out.commands.append(CommandUse(name, line, words, end_line, nested, *span))
    if kind == "procedure" and words:
        out.procs[words[0].text] = line
    braced = [a for a in args if a.type == "braced_word"]
    if kind == "set":
        braced = []
    elif kind == "foreach" or name == "lmap":  # the lists are data; the body is the script
        braced = braced[-1:]
    elif kind == "command" and name not in _SCRIPT_ARGS:
        braced = []
    for n, arg in enumerate(args):
        if arg.type in ("braced_word",) and arg not in braced:
            continue
        if arg.type in ("command_substitution", "quoted_word", "braced_word", "expr",
                        "word_list", "else", "elseif", "finally") or arg.type in _SPECIAL or arg.type == "command":
            seen = len(out.dynamic)
            _walk(src, arg, out, True)
            if name == "for" and n == 1:  # the test is an expression: `$i < 3` names no command
                del out.dynamic[seen:]


def _unbalanced(text: str) -> bool:
    """True when braces, brackets or quotes in `text` do not pair up (backslashes respected)."""
    depth = {"{": 0, "[": 0}
    quote = False
    escaped = False
    for ch in text:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == '"' and depth["{"] == 0:
            quote = not quote
        elif ch == "{":
            depth["{"] += 1
        elif ch == "[" and depth["{"] == 0:  # brackets inside braces are literal text
            depth["["] += 1
        elif ch == "}":
            depth["{"] -= 1
        elif ch == "]" and depth["{"] == 0:
            depth["["] -= 1
    return quote or any(depth.values())


def _syntax(src: bytes, root, out: TclTree) -> None:
    """Broken commands become diagnostics at the start of the command that breaks.

    The grammar also flags valid Tcl it does not know (array variables `$a(x)`, `;` after
    a substitution), so an ERROR counts only where braces, brackets or quotes really do not
    pair up, inside it or in the script as a whole.
    """
    errors, confirmed = [], []
    stack = [root]
    while stack:
        node = stack.pop()
        closing = node.is_missing and node.type in ("}", "]", '"')
        if node.type == "ERROR" or closing:
            errors.append(node)
            if closing or _unbalanced(_text(src, node)):
                confirmed.append(node)
            continue
        stack.extend(node.children)
    if not confirmed and errors and _unbalanced(src.decode("utf-8", "replace")):
        confirmed = [min(errors, key=lambda n: n.start_byte)]
    for node in sorted(confirmed, key=lambda n: n.start_byte):
        closing = node.type != "ERROR"
        snippet = _text(src, node).strip().split("\n", 1)[0][:60]
        what = f"missing '{node.type}'" if closing else "unbalanced braces, brackets or quotes"
        out.syntax.append(Diagnostic(node.start_point[0] + 1, "error",
                                     f"syntax: {what} in the command starting '{snippet}'", "syntax"))
