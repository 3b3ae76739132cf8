"""Objects of the loaded design (ports, cells, pins, nets, clocks), read from the live tool."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

@dataclass
class DesignFacts:
    """Names that exist in the loaded design, for prompts and for linting object patterns."""

    design: str = ""
    ports: list[str] = field(default_factory=list)
    cells: list[str] = field(default_factory=list)
    nets: list[str] = field(default_factory=list)
    pins: list[str] = field(default_factory=list)
    clocks: list[str] = field(default_factory=list)
    lib_cells: list[str] = field(default_factory=list)
    inputs: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)

    @classmethod
    def from_listing(cls, text: str) -> "DesignFacts":
        facts = cls()
        slots = {"port": "ports", "cell": "cells", "net": "nets", "pin": "pins",
                 "clock": "clocks", "lib_cell": "lib_cells", "input": "inputs",
                 "output": "outputs"}
        for line in text.splitlines():
            kind, _, rest = line.partition(" ")
            if kind in slots:
                setattr(facts, slots[kind], rest.split())
            elif kind == "design":
                facts.design = rest.strip()
        return facts

    def names_for(self, command: str) -> list[str] | None:
        """The object names a get_* command searches, or None if it is not one we know."""
        return {"get_ports": self.ports, "get_cells": self.cells, "get_nets": self.nets,
                "get_pins": self.pins, "get_clocks": self.clocks,
                "get_lib_cells": self.lib_cells}.get(command)

    def buses(self) -> dict[str, int]:
        """Port buses and their widths: {'req_a': 8, ...}."""
        widths: dict[str, int] = {}
        for port in self.ports:
            m = re.match(r"^(.*)\[(\d+)\]$", port)
            if m:
                widths[m.group(1)] = widths.get(m.group(1), 0) + 1
        return widths

    def port_summary(self) -> str:
        """Ports with buses folded: `req_a[7:0]` instead of eight names."""
        buses = self.buses()
        seen, out = set(), []
        for port in self.ports:
            base = re.sub(r"\[\d+\]$", "", port)
            if base in buses:
                if base not in seen:
                    seen.add(base)
                    out.append(f"{base}[{buses[base] - 1}:0]")
            else:
                out.append(port)
        return " ".join(out)


def tcl_pattern(pattern: str) -> re.Pattern[str]:
    """An object pattern as OpenSTA matches it: * and ? are wildcards, brackets are literal."""
    out = "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern)
    return re.compile(rf"^{out}$")


def read_design(session) -> DesignFacts | None:
    """Ask the live tool for every object name of the loaded design (profiles that can)."""
    query = session.profile.design_query_path()
    if query is None:
        return None
    return DesignFacts.from_listing(session.evaluate(query.read_text(encoding="utf-8")))
