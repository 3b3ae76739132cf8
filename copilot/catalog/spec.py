"""What the catalog knows about one command: usage, flags, enumerated values, positionals."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class FlagSpec:
    """One flag of a command: whether it takes a value, and the values allowed if enumerated."""

    name: str
    value: str = ""  # name of the value slot; empty for a boolean flag
    choices: list[str] = field(default_factory=list)
    required: bool = False

    @property
    def takes_value(self) -> bool:
        return bool(self.value or self.choices)


@dataclass
class CommandSpec:
    """A command of a tool as its own help describes it."""

    name: str
    usage: str = ""
    flags: dict[str, FlagSpec] = field(default_factory=dict)
    positionals: list[str] = field(default_factory=list)
    documented: bool = True  # listed by the tool's help (else only found by `info commands`)
    kind: str = "unknown"  # read | modify | os | control | unknown

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "CommandSpec":
        flags = {k: FlagSpec(**v) for k, v in data.pop("flags", {}).items()}
        return cls(flags=flags, **data)

    def match_flag(self, word: str) -> tuple[FlagSpec | None, list[str]]:
        """Resolve a flag as the tool does: exact name, else a unique prefix."""
        if word in self.flags:
            return self.flags[word], [word]
        hits = [name for name in self.flags if name.startswith(word)]
        return (self.flags[hits[0]] if len(hits) == 1 else None), hits
