"""The script editor: a TextArea with Tcl highlighting and each diagnostic marked on its line."""

from __future__ import annotations

from functools import lru_cache

from rich.style import Style
from rich.text import Text
from textual.widgets import TextArea

from copilot import resources

MARKS = {"error": Style(underline=True, bgcolor="#5f1f1f"),
         "warning": Style(underline=True, bgcolor="#5f4f1f"),
         "info": Style(italic=True)}
RANK = {"error": 0, "warning": 1, "info": 2}


@lru_cache(maxsize=1)
def tcl_language():
    """(tree-sitter Language, highlight query) for Tcl, or None where tree-sitter is missing."""
    try:
        from tree_sitter_language_pack import get_language
    except ImportError:
        return None
    return get_language("tcl"), resources.read_text("grammars", "highlights", "tcl.scm")


class ScriptEditor(TextArea):
    """Tcl text; lines with diagnostics are underlined and tinted (underline survives NO_COLOR)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(show_line_numbers=True, tab_behavior="indent", soft_wrap=False, **kwargs)
        self.marks: dict[int, str] = {}  # 0-based line -> worst severity on it
        language = tcl_language()
        if language is not None:
            self.register_language("tcl", *language)
            self.language = "tcl"

    def mark(self, diagnostics) -> None:
        """Mark the lines the diagnostics point at (1-based lines; 0 means the whole script)."""
        marks: dict[int, str] = {}
        for d in diagnostics:
            if d.line > 0:
                line = d.line - 1
                if line not in marks or RANK[d.severity] < RANK[marks[line]]:
                    marks[line] = d.severity
        self.marks = marks
        self._line_cache.clear()  # rendered lines are cached without regard to marks
        self.refresh()

    def get_line(self, line_index: int) -> Text:
        line = super().get_line(line_index)
        severity = self.marks.get(line_index)
        if severity is not None and line.plain:
            line.stylize(MARKS.get(severity, MARKS["info"]))
        return line
