"""The one loader of prompt templates in prompts/ (Jinja2, strict about undefined names)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from copilot import resources


@lru_cache(maxsize=1)
def _environment():
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(resources.data_dir("prompts"))),
        undefined=jinja2.StrictUndefined, keep_trailing_newline=True, autoescape=False,
    )


def template_names() -> list[str]:
    return sorted(p.name for p in resources.data_dir("prompts").glob("*.j2"))


def render(name: str, **values: Any) -> str:
    """Render prompts/<name> with `values`; a missing value is an error, not empty text."""
    return _environment().get_template(name).render(**values)
