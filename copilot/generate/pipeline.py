"""Request -> script: retrieve, prompt, decode, adapt, check, try in the tool, repair.

Candidates come from the model (its first try and its repairs) and from the nearest verified
examples; each is adapted to the request (grounding.py), ranked by how well it expresses the
request, then checked and tried in a scratch session in rank order until one runs cleanly.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from functools import partial

from copilot import prompts
from copilot.checks.lint import lint_tcl
from copilot.checks.tcl_tree import parse_tcl
from copilot.diagnostics import Diagnostic
from copilot.errors import UsageError
from copilot.generate.examples import Example, ExampleBank
from copilot.generate.extract import extract_script
from copilot.generate.assemble import assemble, named_constraints, swap_constraint, what_if
from copilot.generate.grounding import compose, is_change, modifies, variants
from copilot.generate.ranking import coverage, shortfalls
from copilot.generate.hints import RequestFacts, analyse_request
from copilot.generate.result import Attempt, GenerationResult
from copilot.generate.workbench import Workbench
from copilot.model.base import OnToken, TextModel
from copilot.settings import Settings

MAX_REQUEST = 2000
MAX_SCRIPT_LINES = 30
STOPS = ["# End", "# Request:", "\n\n\n"]
MODEL_BONUS = 0.3  # on equal coverage, prefer what the model wrote
MAX_CHECKS = 4  # candidates checked per request, in multiples of the candidates run


def validate_request(request: str) -> str:
    text = " ".join(request.split())
    if not text:
        raise UsageError("the request is empty; say what the script should do, e.g. "
                         "copilot generate \"report the 5 worst setup paths\".")
    if len(text) > MAX_REQUEST:
        raise UsageError(f"the request is {len(text)} characters; keep it under {MAX_REQUEST}.")
    return text


def looping(text: str) -> bool:
    """The model is rambling: too many lines, or the same line over and over."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if len(lines) > MAX_SCRIPT_LINES or (lines and len(lines[-1]) > 400):
        return True
    return len(lines) >= 4 and len(set(lines[-4:])) == 1


@dataclass(order=True)
class Candidate:
    score: float
    script: str = field(compare=False)
    source: str = field(compare=False)


@dataclass
class Generator:
    """One tool's generation pipeline around a model."""

    model: TextModel
    bank: ExampleBank
    bench: Workbench
    settings: Settings
    tool_title: str = "OpenSTA 2.0"
    tool: str = "opensta"
    examples_k: int = 4  # examples shown to the model
    pool_k: int = 8  # examples adapted into candidates
    max_trials: int = 8  # candidates run in the scratch session per request
    _facts: RequestFacts | None = field(default=None, repr=False)
    _grammar_text: str | None = field(default=None, repr=False)

    def prompt_values(self, request: str, examples: list[Example] | None = None) -> dict:
        shown = list(examples if examples is not None else self.bank.nearest(request, self.examples_k))
        shown.reverse()  # nearest last: base models copy what is closest to the request
        design = None
        if self.bench.design is not None:
            design = {"design": self.bench.design.design,
                      "ports": self.bench.design.port_summary(),
                      "clocks": " ".join(self.bench.design.clocks) or "none"}
        return {"tool_title": self.tool_title, "design": design, "commands": [],
                "examples": shown, "request": request}

    def _decoding(self, n: int, on_token: OnToken | None) -> dict:
        """Greedy first try, sampled repairs; `looping` ends a rambling answer early."""
        return dict(max_tokens=self.settings.max_tokens,
                    temperature=0.0 if n == 0 else self.settings.temperature,
                    seed=self.settings.seed + n, on_token=on_token, until=looping)

    def _ask_model(self, prompt: str, n: int, on_token: OnToken | None,
                   stops: list[str] | None = None, grammar: str | None = None) -> str:
        completion = self.model.complete(prompt, stop=stops or STOPS, grammar=grammar,
                                         **self._decoding(n, on_token))
        return extract_script(completion.text)

    def _grammar(self) -> str | None:
        """The tool's GBNF grammar when the `grammar` setting asks for it (its root ends with
        the few-shot prompt's "# End" marker, so it constrains only that prompt)."""
        if not self.settings.grammar or self.bench.language != "tcl":
            return None
        if self._grammar_text is None:
            from copilot.grammar.build import build_grammar

            self._grammar_text = build_grammar(self.bench.catalog)
        return self._grammar_text

    def chat_messages(self, values: dict, failed: Attempt | None = None) -> list[dict]:
        """For chat models: examples as earlier turns, then the request (or the failed try)."""
        messages = [{"role": "system", "content": prompts.render("script_chat_system.j2", **values)}]
        for ex in values["examples"]:
            messages += [{"role": "user", "content": ex.request},
                         {"role": "assistant", "content": f"```tcl\n{ex.script.rstrip()}\n```"}]
        request = values["request"]
        if failed is not None:
            error = next((d.message for d in failed.diagnostics if d.severity != "info"), "")
            request += (f"\n\nThis attempt failed with: {error}\n```tcl\n{failed.script.rstrip()}\n```\n"
                        "Write a corrected script.")
        messages.append({"role": "user", "content": request})
        return messages

    def chat_prompt(self, values: dict, failed: Attempt | None = None) -> tuple[str, list[str]] | None:
        """(prompt, stops) from the model's chat template; None for base models."""
        rendered = self.model.render_chat(self.chat_messages(values, failed))
        if rendered is None:
            return None
        prompt, stops = rendered
        return prompt, [s for s in stops if s] + ["\n```\n"]

    def _first_script(self, values: dict, repair: Attempt | None, n: int,
                      on_token: OnToken | None) -> str:
        """Ask the model once: as a chat when it is a chat model, else the few-shot prompt."""
        chat = getattr(self.model, "chat", None)  # a server that holds the template itself
        if chat is not None:
            completion = chat(self.chat_messages(values, repair), stop=["\n```\n"],
                              **self._decoding(n, on_token))
            if completion is not None:
                return extract_script(completion.text)
        rendered = self.chat_prompt(values, repair)
        if rendered is not None:
            return self._ask_model(rendered[0], n, on_token, rendered[1])
        if repair is not None:
            return self._ask_model(self._repair_prompt(repair, values), n, on_token)
        return self._ask_model(prompts.render("script_fewshot.j2", **values), n, on_token,
                               grammar=self._grammar())

    def _candidates(self, script: str, source: str, facts: RequestFacts, bonus: float) -> list[Candidate]:
        if not script.strip():
            return []
        rules, catalog, design = self.bench.rules, self.bench.catalog, self.bench.design
        return [Candidate(coverage(v, facts, catalog, rules) + bonus, v, source)
                for v in variants(script, facts, catalog, rules, design)]

    def _repair_prompt(self, failed: Attempt, values: dict) -> str:
        error = next((d.message for d in failed.diagnostics if d.severity != "info"), "")
        return prompts.render("script_repair.j2", failed=failed.script or "(empty)",
                              error=f"Error: {error}", **values)

    def generate(self, request: str, on_token: OnToken | None = None,
                 repair: Attempt | None = None) -> GenerationResult:
        """Write, adapt, check and try scripts until one is accepted or attempts run out.

        `repair` is a script that already failed (e.g. in the user's own session): the first
        prompt then asks the model to fix it, using its first error.
        """
        began = time.monotonic()
        request = validate_request(request)
        facts = self._facts = analyse_request(request, self.tool, self.bench.design)
        nearest = self.bank.nearest(request, max(self.pool_k, self.examples_k))
        values = self.prompt_values(request, nearest[:self.examples_k])
        first = self._first_script(values, repair, 0, on_token)
        pool = self._candidates(first, "model", facts, MODEL_BONUS)
        for rank, example in enumerate(nearest[:self.pool_k]):
            pool += self._candidates(example.script, f"example {example.id}", facts,
                                     0.2 * (1 - rank / self.pool_k))
        pool += self._by_command(request, facts, pool)
        if facts.wants_change:
            pool += self._compositions(pool, facts)
        attempts: list[Attempt] = []
        tried: set[str] = set()
        repairs = max(0, self.settings.attempts - 1)
        while True:
            accepted = self._try_pool(pool, attempts, tried)
            if accepted or repairs == 0 or not attempts:
                break
            repairs -= 1
            worst = min(attempts, key=lambda a: a.rank())
            fixed = self._first_script(values, worst, len(attempts), None)
            pool = self._candidates(fixed, "model repair", facts, MODEL_BONUS)
        if not attempts:
            attempts.append(Attempt("", [Diagnostic(0, "error", "the model produced no script", "model")]))
        best = min(attempts, key=lambda a: (a.rank(), -a.score))
        # The tool often only warns on real mistakes (a port that is not there): a warning
        # from the tool makes the script not valid; a lint style warning does not.
        bad = any(d.severity == "error" or (d.severity == "warning" and d.source == "tool")
                  for d in best.diagnostics)
        return GenerationResult(best.script, "tcl", not bad and bool(best.script.strip()),
                                best.diagnostics, best.ran, best.output, len(attempts),
                                time.monotonic() - began, best.safety, attempts, first)

    def _by_command(self, request: str, facts: RequestFacts, pool: list[Candidate]) -> list[Candidate]:
        """For each command the request names but no candidate uses, the nearest example that
        uses it (retrieval by command as well as by wording)."""
        out: list[Candidate] = []
        top = sorted(pool, reverse=True)[:5]
        missing = [g for g in facts.commands if not any(any(c in cand.script for c in g) for cand in top)]
        if not missing:
            return out
        ranked = self.bank.nearest(request, len(self.bank.examples))
        catalog, rules = self.bench.catalog, self.bench.rules
        for group in missing:
            using = [e for e in ranked if any(
                re.search(rf"(?<![\w:]){re.escape(c)}(?![\w])", e.script) for c in group)]
            # Plain reports first (they compose with the request's constraints), and the
            # group's first (canonical) command before its alternatives.
            def order(e, group=group):
                first = next(i for i, c in enumerate(group)
                             if re.search(rf"(?<![\w:]){re.escape(c)}(?![\w])", e.script))
                return (modifies(e.script, catalog, rules), first)
            using.sort(key=order)
            for example in using[:2]:
                out += self._candidates(example.script, f"example {example.id} (by command)", facts, 0.0)
        return out

    def _compositions(self, pool: list[Candidate], facts: RequestFacts) -> list[Candidate]:
        """"Set X, then report Y": constraints of the best changing candidates followed by the
        reports of the best read-only ones (the bank rarely has the exact pair)."""
        catalog, rules = self.bench.catalog, self.bench.rules
        ranked = sorted(pool, reverse=True)
        sets = {id(c): modifies(c.script, catalog, rules) for c in ranked}
        changing = [c for c in ranked if sets[id(c)]][:3]
        reading = [c for c in ranked if not sets[id(c)]][:3]
        for group in facts.commands:  # and the best reader (and changer) of each command the request names
            uses = [c for c in ranked if any(re.search(rf"(?<![\w:]){re.escape(g)}(?![\w])", c.script) for g in group)]
            changer = next((c for c in uses if sets[id(c)]), None)
            for kind, best in ((reading, uses[0] if uses else None), (changing, changer)):
                if best is not None and best not in kind:
                    kind.append(best)
        changes = partial(is_change, catalog=catalog, rules=rules)
        scripts = [self._well_formed_part(c.script) for c in ranked] + \
            self._using_named_constraints(named_constraints(facts, changes))
        out = [c for whole in assemble(scripts, facts, changes) for c in self._candidates(whole, "assembled", facts, 0.0)]
        out += [c for swapped in swap_constraint(scripts, facts, changes)
                for c in self._candidates(swapped, "constraint swapped", facts, 0.0)]
        out += [c for measured in what_if(scripts, facts, changes)
                for c in self._candidates(measured, "before and after", facts, 0.0)]
        for a in changing:
            for b in reading:
                script = compose(a.script, b.script, catalog, rules, facts.read_again)
                if script:  # adapted like any candidate (the report may copy the constraint's objects)
                    bonus = 0.1 if "model" in (a.source, b.source) else 0.0
                    out += self._candidates(script, f"{a.source} + {b.source}", facts, bonus)
        return out

    def _well_formed_part(self, script: str) -> str:
        """The script less the top-level statements the lint rejects (an unknown flag, a
        missing value): parts for assembling. A plausible statement with a made-up flag
        must not be the one an assembled script copies."""
        tree = parse_tcl(script)
        bad = {d.line for d in lint_tcl(tree, self.bench.catalog) if d.severity == "error"}
        if not bad:
            return script
        kept = [tree.span(u.start, u.end) for u in tree.commands if not u.nested and u.start >= 0
                and not bad & set(range(u.line, u.end_line + 1))]
        return "\n".join(kept) + "\n" if kept else ""

    def _using_named_constraints(self, groups: list[tuple[str, ...]], per_group: int = 3) -> list[str]:
        """The first bank examples using each constraint command the request names: plain
        statements of it for assembling when the candidates only have unusual ones."""
        out = []
        for group in groups:
            using = [e.script for e in self.bank.examples
                     if any(re.search(rf"(?m)^{re.escape(c)}\b", e.script) for c in group)]
            out += using[:per_group]
        return out

    def _try_pool(self, pool: list[Candidate], attempts: list[Attempt], tried: set[str]) -> bool:
        """Try candidates best-first; True once one is accepted.

        The budget counts candidates run in the tool; one the checks stop (an unknown flag)
        costs a static check only, so a model whose scripts look right but do not check
        cannot use up the tries before the candidates that would run (up to MAX_CHECKS times
        the budget in all)."""
        runs, checks = self.max_trials, MAX_CHECKS * self.max_trials
        facts = self._facts
        # A candidate that plainly misses what the request names is never accepted: try the rest first.
        for cand in sorted(pool, key=lambda c: (facts is not None and bool(shortfalls(c.script, facts)), -c.score)):
            if cand.script in tried:
                continue
            if runs == 0 or checks == 0:
                break
            checks -= 1
            tried.add(cand.script)
            attempt = self.try_script(cand.script, self._facts)
            attempt.source, attempt.score = cand.source, cand.score
            attempts.append(attempt)
            runs -= attempt.ran
            if attempt.accepted:
                return True
        return False

    def try_script(self, script: str, facts: RequestFacts | None = None) -> Attempt:
        """Check a script; if it is clean and safe, run it in the scratch session."""
        if not script.strip():
            return Attempt(script, [Diagnostic(0, "error", "the model produced no script", "model")])
        report = self.bench.check(script)
        # A script that plainly misses what the request names is not accepted as it is.
        intent = [Diagnostic(0, "warning", text, "intent") for text in shortfalls(script, facts)] \
            if facts is not None else []
        report.diagnostics = report.diagnostics + intent
        attempt = Attempt(script, report.diagnostics, safety=report.safety.level)
        if report.errors or report.safety.blocked:
            return attempt
        result = self.bench.trial(script, modifying=report.safety.level == "modifying")
        if result is not None:
            attempt.ran = True
            attempt.output = result.output
            found = list(result.diagnostics)
            if result.status == "ok" and not result.output.strip() and report.safety.level == "read-only":
                found.append(Diagnostic(0, "warning", "the script printed nothing", "check"))
            elif result.status == "ok" and result.output.strip() == "No paths found.":
                found.append(Diagnostic(0, "warning", "the report found no paths", "check"))
            attempt.diagnostics = sorted(report.diagnostics + found, key=lambda d: d.line)
        return attempt
