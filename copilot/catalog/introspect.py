"""Build a catalog by asking the running tool: its help text and `info commands`."""

from __future__ import annotations

import tomllib

from copilot import resources
from copilot.catalog.catalog import Catalog, classify
from copilot.catalog.usage import parse_usage
from copilot.shells.base import ToolSession


def classification_rules(profile_rules: dict[str, list[str]] | None = None) -> dict[str, list[str]]:
    """Shared glob rules from adapters/commands.toml, extended by a profile's own."""
    rules = tomllib.loads(resources.read_text("adapters", "commands.toml"))
    for kind, patterns in (profile_rules or {}).items():
        rules[kind] = list(patterns) + rules.get(kind, [])
    return rules


def parse_help_listing(text: str) -> dict[str, str]:
    """Split a help listing (name at column 0, usage continued on indented lines)."""
    entries: dict[str, str] = {}
    current = None
    for line in text.replace("\r", "").split("\n"):
        if not line.strip():
            continue
        if not line[0].isspace():
            current, _, rest = line.strip().partition(" ")
            entries[current] = rest.strip()
        elif current is not None:
            entries[current] = (entries[current] + " " + line.strip()).strip()
    return entries


def introspect(session: ToolSession) -> Catalog:
    """Ask a started session for its version, documented commands and every defined command."""
    profile = session.profile
    rules = classification_rules(profile.commands)
    catalog = Catalog(profile.name, session.version(), missing=dict(profile.missing))
    if profile.language == "python":
        from copilot.catalog.pyi import add_stub_commands

        return add_stub_commands(catalog, profile.stubs_path(), rules)
    if profile.help_command:
        for name, usage in parse_help_listing(session.evaluate(profile.help_command)).items():
            spec = parse_usage(name, usage)
            spec.kind = classify(name, rules)
            catalog.commands[name] = spec
    listing = session.evaluate(
        "puts [join [lsort -unique [concat [info commands] [info commands ::sta::*]]] \\n]")
    for raw in listing.split():
        name = raw.removeprefix("::")
        if name.startswith("copilot_rt::"):
            continue
        if name not in catalog.commands:
            spec = parse_usage(name, "")
            spec.documented = False
            spec.kind = classify(name, rules)
            catalog.commands[name] = spec
    return catalog
