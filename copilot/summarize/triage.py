"""The managerial view (status, impact, next step) and the owner area, by rules with reasons.

Rules over the extracted sentences, not the model: a manager reading "resolved" must be able
to trust it, so each value quotes the statement it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from copilot.summarize.extract import IMPACT, Unit
from copilot.summarize.thread import Thread

# Checked in order on each sentence; the latest sentence that matches any rule sets the status.
# (status, rank, rule); a later sentence changes the status only when its rank is at least the
# current one, so "keep the workaround until the release" after a fix does not reopen it.
_STATUS_RULES = [
    ("closed as a duplicate", 3, re.compile(r"\bduplicate of\b", re.I)),
    ("closed: not a bug / won't fix", 3, re.compile(r"\b(?:won'?t fix|wontfix|not a bug|works as (?:intended|designed)|"
                                                    r"expected behaviou?r)\b", re.I)),
    ("resolved", 3, re.compile(r"\b(?:fixed in|fixed by|fix (?:is|was|has been) (?:merged|pushed|released)|merged|"
                               r"resolved|confirmed fixed|verified|closing|released in)\b", re.I)),
    ("open: reopened", 4, re.compile(r"\b(?:reopen\w*|still (?:crashes|fails|happens|broken)|not fixed|"
                                     r"does(?: not|n't) fix)\b", re.I)),
    ("open: cannot reproduce yet", 1, re.compile(r"\b(?:cannot|can'?t|could not|couldn'?t|unable to) reproduce\b", re.I)),
    ("open: workaround available", 1, re.compile(r"\b(?:workaround|work-around|work around)\b", re.I)),
    ("open: root cause found", 1, re.compile(r"\broot cause\b", re.I)),
]
_ASKS = re.compile(r"\b(?:could you|can you|please (?:attach|send|share|provide|try|run)|would you|do you have)\b", re.I)
_KINDS = [
    ("crash", re.compile(r"\b(?:Segmentation fault|segfault|SIGSEGV|SIGABRT|SIGBUS|core dumped|crash(?:es|ed)?|abort(?:s|ed)?|"
                         r"std::bad_alloc|assertion)\b", re.I)),
    ("hang", re.compile(r"\b(?:hangs?|hung|never finishes|stuck|deadlock)\b", re.I)),
    ("wrong results", re.compile(r"\b(?:wrong|incorrect|mismatch(?:es)?|differs?|different (?:slack|result)|"
                                 r"false violations|got \w+ worse|worse|violat(?:ed|ing|ions))\b", re.I)),
    ("performance", re.compile(r"\b(?:slow(?:er|down)?|runtime|takes \d+ (?:hours|minutes)|memory|OOM|RSS)\b", re.I)),
    ("build failure", re.compile(r"\b(?:cmake|compile error|compilation|link error|undefined reference|does not build|build fails)\b", re.I)),
]

# Owner areas of an STA tool, with the words that point at them and their weights.
AREAS: dict[str, list[tuple[str, float]]] = {
    "parasitics (SPEF reader, RC reduction)": [(r"read_spef|read_parasitics", 3), (r"\bSPEF\b|spef", 2),
                                               (r"Spef\w*|Parasitic\w*|ReduceParasitics|ConcreteParasitics", 4),
                                               (r"parasitic|coupling|RC network|\*D_NET|pi model", 1.5)],
    "Liberty reader and libraries": [(r"read_liberty", 3), (r"Liberty\w*", 3), (r"\.lib\b|liberty|lookup table|lu_table", 1.5)],
    "Verilog reader and linking": [(r"read_verilog|link_design", 3), (r"Verilog\w*|Network\w*|ConcreteNetwork", 3),
                                   (r"netlist|escaped (?:name|identifier)|module|hierarch\w*", 1)],
    "SDC constraints": [(r"read_sdc|write_sdc|create_clock|create_generated_clock|set_input_delay|set_output_delay|"
                         r"set_clock_groups|set_false_path|set_multicycle_path|set_max_delay", 2.5),
                        (r"\bSDC\b|Sdc\w*", 2), (r"generated clock|clock group|exception|constraint", 1)],
    "timing engine (delay calculation, search)": [(r"report_checks|find_timing_paths|report_wns|report_tns", 1),
                                                  (r"Search\w*|PathEnum\w*|GraphDelayCalc\w*|ArcDelayCalc\w*|Dmp\w*|Latches|Crpr\w*|Genclks", 4),
                                                  (r"slack|arrival|required time|delay calc\w*|CRPR|latch|incremental", 1.5)],
    "reports and output formats": [(r"-format|-fields|-digits|report_\w+", 1), (r"Report\w*", 2),
                                   (r"column|output format|json|formatting|print(?:s|ed)?", 1)],
    "Tcl interface and scripting": [(r"\bTcl\b|tcl", 1.5), (r"swig|SWIG|StaTcl|TclInterp|namespace|proc\b", 2),
                                    (r"invalid command name|wrong # args|command not found", 3)],
    "build and packaging": [(r"cmake|CMake|CMakeLists", 3), (r"compile|compiler|gcc|clang|link error|undefined reference", 2),
                            (r"package|debian|apt|docker|install", 1)],
    "performance and memory": [(r"runtime|memory|RSS|OOM|bad_alloc|hours|profil\w+", 2), (r"slow(?:er)?|speed|performance", 1.5)],
    "power analysis": [(r"report_power|set_power_activity|read_vcd|read_saif", 3), (r"Power\w*|power|activity|VCD|SAIF", 1.5)],
}


@dataclass
class Managerial:
    status: str
    status_reason: str
    impact: str
    next_step: str

    def to_json(self) -> dict:
        return {"status": self.status, "status_reason": self.status_reason, "impact": self.impact,
                "next_step": self.next_step}


@dataclass
class Assignment:
    area: str
    reasons: list[str]
    runner_up: str = ""

    def to_json(self) -> dict:
        return {"area": self.area, "reasons": self.reasons, "runner_up": self.runner_up}


def _status(thread: Thread, sentences: list[Unit]) -> tuple[str, str]:
    status, rank, reason = "open", 0, ""
    for unit in sentences:
        for name, level, rule in _STATUS_RULES:
            if rule.search(unit.text):
                if level >= rank or name == "open: reopened":
                    status, rank = name, (1 if name == "open: reopened" else level)
                    reason = f"{unit.author or 'post ' + str(unit.post + 1)}: \"{unit.text[:200]}\""
                break
    if thread.state.lower() == "closed" and status.startswith("open"):
        status, reason = "closed", reason or "the tracker marks the issue closed"
    last = [u for u in sentences if u.post == len(thread.posts) - 1]
    asking = [u for u in last if _ASKS.search(u.text)]
    if rank < 3 and len(thread.posts) > 1 and asking and last[0].author != thread.reporter:
        status, reason = "open: waiting for the reporter", f"{asking[0].author}: \"{asking[0].text[:200]}\""
    return status, reason or "no post states a fix, workaround or decision"


_STAKES = re.compile(r"\b(?:block(?:s|ing|er|ed)?|tapes? ?-?out|taping out|deadline|customers?|production|"
                     r"sign-?off|review|schedule)\b", re.I)


def _impact(units: list[Unit]) -> str:
    """The kind of failure (the most evidenced, a second only when it is seen twice) and the
    sentence that best says what is at stake."""
    text = "\n".join(u.text for u in units)
    counts = {name: len(rule.findall(text)) for name, rule in _KINDS}
    ranked = [k for k in sorted(counts, key=lambda k: -counts[k]) if counts[k]]
    kinds = ranked[:1] + [k for k in ranked[1:2] if counts[k] >= 2]
    telling = sorted((u for u in units if u.kind == "sentence" and IMPACT.search(u.text)),
                     key=lambda u: (-(2 * len(_STAKES.findall(u.text)) + len(IMPACT.findall(u.text))), u.order))
    kind = " and ".join(kinds) if kinds else "usability"
    return f"{kind}" + (f" - {telling[0].author or 'reporter'}: \"{telling[0].text[:200]}\"" if telling else "")


def _next_step(status: str, area: str, thread: Thread, units: list[Unit], refs: list[str]) -> str:
    if status == "resolved":
        confirmed = any(u.author == thread.reporter and re.search(r"\b(?:confirmed|verified|works now|fixed for us)\b",
                                                                 u.text, re.I) for u in units if u.kind == "sentence")
        where = f" ({', '.join(refs[:3])})" if refs else ""
        if confirmed:
            return f"The reporter confirmed the fix{where}; close the issue and make sure the fix ships in a release."
        return f"Verify the fix{where} on the reporter's case, then close the issue."
    if status.startswith("closed"):
        return "Nothing for engineering; make sure the reporter has the explanation or the duplicate's link."
    if status == "open: workaround available":
        return f"Tell affected users about the workaround; schedule the real fix with the {area} owner."
    if status == "open: waiting for the reporter":
        return "Wait for the reporter's answer (testcase, logs or version); ping them if it stalls."
    if status == "open: cannot reproduce yet":
        return "Get a minimal testcase (netlist, libraries, constraints, script) that reproduces it."
    if status == "open: root cause found":
        return f"Have the {area} owner implement and test the fix for the found root cause."
    return f"Triage: reproduce with the reporter's steps and assign it to the {area} owner."


def assign_area(units: list[Unit]) -> Assignment:
    """The owner area whose words weigh most, with the evidence (stack frames count double)."""
    scores: dict[str, float] = {}
    evidence: dict[str, list[str]] = {}
    for area, rules in AREAS.items():
        total = 0.0
        found: list[str] = []
        for pattern, weight in rules:
            regex = re.compile(pattern)
            hits = [(m.group(0), u.kind == "log" and u.text.lstrip().startswith("#")) for u in units
                    for m in regex.finditer(u.text)]
            if not hits:
                continue
            in_stack = sum(1 for _, frame in hits if frame)
            total += weight * (min(len(hits), 6) + in_stack)
            words = list(dict.fromkeys(h for h, _ in hits))[:3]
            found.append(f"{', '.join(words)} x{len(hits)}" + (f" ({in_stack} in stack frames)" if in_stack else ""))
        scores[area], evidence[area] = total, found
    ranked = sorted(scores, key=lambda a: -scores[a])
    best = ranked[0]
    if scores[best] == 0:
        return Assignment("triage (no area stands out)", ["no component-specific words or stack frames found"])
    return Assignment(best, [f"mentions {e}" for e in evidence[best][:4]], ranked[1] if scores[ranked[1]] else "")


def managerial(thread: Thread, units: list[Unit], area: str, refs: list[str]) -> Managerial:
    sentences = [u for u in units if u.kind == "sentence"]
    status, reason = _status(thread, sentences)
    return Managerial(status, reason, _impact(units), _next_step(status, area, thread, units, refs))
