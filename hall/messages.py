"""Messages for people, written in Vietnamese (the product's own language) and used as the keys
of the English catalogue in hall/translations.

Pure Python, importable from every layer: the engine and the store mark their messages here;
the web layer (hall.web.i18n) translates them into the language of the request.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def N_(text: str) -> str:
    """Mark a message for the catalogue where it is defined; translated where it is shown."""
    return text


class Msg:
    """A message to be shown: a Vietnamese template and its values (a value may be a Msg)."""

    __slots__ = ("template", "params")

    def __init__(self, template: str, **params: Any) -> None:
        self.template = template
        self.params: Mapping[str, Any] = params

    def render(self, translate: Any = None) -> str:
        """The text, through `translate` (a gettext) when given, else in Vietnamese."""
        template = translate(self.template) if translate else self.template
        if not self.params:
            return str(template)
        values = {k: v.render(translate) if isinstance(v, Msg) else v for k, v in self.params.items()}
        return str(template) % values

    def __str__(self) -> str:
        return self.render()

    def __repr__(self) -> str:
        return f"Msg({self.template!r}, **{dict(self.params)!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Msg):
            return (self.template, dict(self.params)) == (other.template, dict(other.params))
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.template)
