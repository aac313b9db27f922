"""Text templates of batch requests: ``{name}`` placeholders filled per recipient.

Pure. ``{{`` and ``}}`` stand for literal braces; a placeholder is a name of letters,
digits and underscores. A name the recipient's variables lack is ``MissingVariable``,
a lone brace is ``TemplateSyntaxError``: both say where.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_TOKEN = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}|[{}]")


class TemplateError(ValueError):
    """A template cannot be filled."""


class MissingVariable(TemplateError):
    """A placeholder names a variable the recipient does not have."""

    def __init__(self, name: str) -> None:
        super().__init__(f"the template uses {{{name}}} but this recipient has no {name!r} var")
        self.name = name


class TemplateSyntaxError(TemplateError):
    """A brace that opens or closes no placeholder (write ``{{`` or ``}}`` for one)."""


def check_template(template: str) -> None:
    """Raise ``TemplateSyntaxError`` if ``template`` has a stray brace."""
    for match in _TOKEN.finditer(template):
        if match.group(0) in ("{", "}"):
            raise TemplateSyntaxError(
                f"stray {match.group(0)!r} at position {match.start()} "
                "(placeholders are {name}; write {{ or }} for a literal brace)"
            )


def fill(template: str, variables: Mapping[str, str]) -> str:
    """The template with each ``{name}`` replaced by ``variables[name]``."""

    def substitute(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        name = match.group(1)
        if name is None:
            raise TemplateSyntaxError(f"stray {token!r} at position {match.start()}")
        if name not in variables:
            raise MissingVariable(name)
        return variables[name]

    return _TOKEN.sub(substitute, template)
