"""Classify a script as read-only, modifying, or blocked (it reaches the operating system).

Three passes, so that no one parser's blind spot lets a command through:
1. every command tree-sitter finds, classified by the rules (shipped + team policy) and the
   catalog; a command whose name is computed when it runs (`$cmd`, `[string cat ex ec]`,
   `{*}$list`) cannot be checked, so it is blocked;
2. a text scan for OS-reaching command names at any command position, braces included:
   braced text is data to tree-sitter, but `switch`, `dict for`, `lsort -command` and the
   tool's own commands may run it as a script;
3. design changes: modifying commands, `>`/`>>` redirections, environment writes, and procs
   that redefine the tool's commands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from copilot.catalog.catalog import Catalog, classify
from copilot.checks.policy import ALLOW, TEAM, block_reason, matches
from copilot.checks.tcl_tree import CommandUse, TclTree, Word
from copilot.diagnostics import Diagnostic

BLOCKED, MODIFYING, READ_ONLY = "blocked", "modifying", "read-only"
POLICY = "generated scripts may not use it (blocked by policy)"

# A word at a command position: start of a line, after `;`, `[` or `{` (braced text may be
# run as a script). Quoted text is left out: `puts "open paths"` prints, it does not run.
_HEAD = re.compile(r"(?:^|[\n;\[{])[ \t]*\"?((?:\\.|[^\s;\[\]{}\"\\])+)(?=[ \t]+\"?([^\s;\]}]+))?")
_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]{1,2}|u[0-9A-Fa-f]{1,4}|[0-7]{1,3}|.)", re.S)
# OS commands a design name in braces could share (`get_ports {clock}`): blocked only where
# the parser sees them run, not in the scan of braced text.
_COMMON_WORDS = {"clock", "read", "glob", "pwd", "gets", "seek", "tell", "eof", "flush",
                 "fileevent", "update", "close", "upvar", "yield", "encoding", "zlib"}
_ENV = re.compile(r"^(::)?env\(")
# Commands that run one of their words as a script: which word (by index; -1 the last).
_BODIES = {"while": (1,), "for": (0, 2, 3), "foreach": (-1,), "lmap": (-1,), "catch": (0,),
           "time": (0,), "try": (0,), "with_output_to_variable": (-1,), "switch": (-1,)}
_EXPRESSIONS = {"expr": None, "if": 0, "while": 0, "for": 1}  # None: every word


@dataclass
class SafetyReport:
    """What running the script would do, and the findings that say why."""

    level: str = READ_ONLY
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def blocked(self) -> bool:
        return self.level == BLOCKED

    def block(self, line: int, message: str) -> None:
        self.level = BLOCKED
        self.diagnostics.append(Diagnostic(line, "error", message, "safety"))

    def modifies(self, line: int, message: str) -> None:
        if self.level != BLOCKED:
            self.level = MODIFYING
        self.diagnostics.append(Diagnostic(line, "info", message, "safety"))


def _first_arg(use: CommandUse) -> str:
    return use.words[0].text if use.words and use.words[0].literal else ""


def _blocked_message(name: str, sub: str, rules: dict[str, list[str]]) -> str:
    names = [f"{name} {sub}", name] if sub else [name]
    if matches(names, rules.get(TEAM, [])):
        return f"'{name}' is blocked by the {block_reason(name, sub, rules)}; {POLICY}"
    return f"'{name}' reaches the operating system ({block_reason(name, sub, rules)}); {POLICY}"


def _kind(name: str, sub: str, catalog: Catalog, rules: dict[str, list[str]],
          allowed: frozenset[str]) -> str:
    """os / modify / read / control / unknown, with the team's allowed commands let through."""
    names = [f"{name} {sub}", name] if sub else [name]
    kind = classify(name, rules)
    spec = catalog.get(name)
    if kind == "unknown" and spec is not None:
        kind = spec.kind
    if kind == "os" and (name in allowed or matches(names, rules.get(ALLOW, []))):
        return "allowed"
    return kind


def assess_tcl(tree: TclTree, catalog: Catalog, rules: dict[str, list[str]],
               allowed: frozenset[str] = frozenset()) -> SafetyReport:
    """Commands that reach the OS are blocked (unless allowed); design changes are marked."""
    report = SafetyReport()
    for line, head in tree.dynamic:
        report.block(line, f"the command '{head}' is named only when it runs, so it cannot be "
                           f"checked; {POLICY}")
    for use in tree.commands:
        name = use.name.removeprefix("::")
        sub = _first_arg(use)
        _check_code_words(use, name, report)
        if use.name in tree.procs and classify(name, rules) != "os":
            continue  # the script's own proc; its body is checked where it is defined
        kind = _kind(name, sub, catalog, rules, allowed)
        if kind == "os":
            report.block(use.line, _blocked_message(name, sub, rules))
        elif kind == "allowed":
            report.modifies(use.line, f"'{name}' reaches the operating system (allowed by the "
                                      f"team policy; it runs only after you confirm)")
        elif name == "proc" and sub:
            _check_proc(use, sub.removeprefix("::"), catalog, rules, report)
        elif kind == "modify" or any(w.text in (">", ">>") for w in use.words if w.literal):
            what = "writes a file" if kind != "modify" else "changes the design or constraints"
            report.modifies(use.line, f"'{name}' {what}")
        elif name in ("set", "unset", "array") and any(_ENV.match(w.text) for w in use.words[:2]):
            report.modifies(use.line, f"'{name}' changes an environment variable of your session")
    _scan_text(tree.source, catalog, rules, allowed, report)
    return report


def _substituted(word: Word) -> bool:
    return not word.literal and word.kind in ("variable_substitution", "command_substitution", "concat")


def _unbraced_branch(word: Word) -> bool:
    """`else $code` / `elseif {...} [code]`: an if branch whose body is a substitution."""
    if word.kind not in ("else", "elseif"):
        return False
    body = word.text.rstrip()
    return not body.endswith("}") and body.rsplit(None, 1)[-1].startswith(("$", "["))


def _check_code_words(use: CommandUse, name: str, report: SafetyReport) -> None:
    """Code that comes from a variable or an unbraced expression is text run as code: blocked."""
    words = use.words
    if name == "dict" and words and words[0].text in ("for", "map", "update", "with"):
        bodies: tuple[int, ...] = (-1,)
    elif name == "if":
        bodies = tuple(n for n, w in enumerate(words)
                       if w.kind not in ("expr", "else", "elseif") or _unbraced_branch(w))
    else:
        bodies = _BODIES.get(name, ())
    for n in bodies:
        if -len(words) <= n < len(words) and (_substituted(words[n]) or _unbraced_branch(words[n])):
            report.block(words[n].line, f"'{name}' runs code held in '{words[n].text[:40]}', which "
                                        f"cannot be checked; {POLICY}")
            return
    for n, word in enumerate(words):
        if word.literal and word.text == "-command" and n + 1 < len(words) and not words[n + 1].literal:
            report.block(word.line, f"'{name} -command' runs code held in '{words[n + 1].text[:40]}', "
                                    f"which cannot be checked; {POLICY}")
            return
    if name in _EXPRESSIONS:
        at = _EXPRESSIONS[name]
        exprs = words if at is None else words[at:at + 1]
        for word in exprs:
            if not word.text.startswith("{") and ("$" in word.text or "[" in word.text) \
                    and word.kind != "braced_word":
                report.block(word.line, f"'{name}' evaluates '{word.text[:40]}' twice (unbraced), so "
                                        f"text in a variable could run as code; brace it: "
                                        f"{name} {{...}}; {POLICY}")
                return


def _check_proc(use: CommandUse, name: str, catalog: Catalog, rules: dict[str, list[str]],
                report: SafetyReport) -> None:
    """A proc named like an OS command replaces it; one named like a tool command changes the tool."""
    kind = classify(name, rules)
    if kind == "os":
        report.block(use.line, f"'proc {name}' replaces a command that "
                               f"{block_reason(name, '', rules)}; {POLICY}")
    elif kind != "unknown" or catalog.get(name) is not None:
        report.modifies(use.line, f"'proc {name}' redefines a command of your session")


def _unescape(text: str) -> str:
    def one(match: re.Match) -> str:
        code = match.group(1)
        if code[0] in "xu" and len(code) > 1:
            return chr(int(code[1:], 16))
        if code[0] in "01234567":
            return chr(int(code, 8))
        return code
    return _ESCAPE.sub(one, text)


def _scan_text(text: str, catalog: Catalog, rules: dict[str, list[str]], allowed: frozenset[str],
               report: SafetyReport) -> None:
    """OS-reaching names at a command position anywhere, braces included (one finding per line)."""
    flagged = {d.line for d in report.diagnostics if d.severity == "error"}
    for match in _HEAD.finditer(text):
        name = _unescape(match.group(1)).removeprefix("::")
        sub = _unescape(match.group(2) or "").strip("{}\"")
        line = text.count("\n", 0, match.start(1)) + 1
        if line in flagged or name in _COMMON_WORDS and not matches([name], rules.get(TEAM, [])):
            continue
        if _kind(name, sub, catalog, rules, allowed) != "os":
            continue
        flagged.add(line)
        report.block(line, _blocked_message(name, sub, rules))
