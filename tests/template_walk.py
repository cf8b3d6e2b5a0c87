"""Reads the project's templates as HTML (the Django tags left in place), for the tests that hold
rules every page must keep: a confirmation before each destructive action, the loading indicator
on every page that loads htmx."""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
HX_VERBS = ("hx-get", "hx-post", "hx-put", "hx-patch", "hx-delete")
URL_NAME = re.compile(r"""\{%\s*url\s+['"]([\w:]+)['"]""")
SUBMITS = {"button", "input"}


@dataclass
class Element:
    template: str
    line: int
    tag: str
    attrs: dict[str, str]
    text: str = ""
    buttons: list["Element"] = field(default_factory=list)

    @property
    def classes(self) -> str:
        return self.attrs.get("class", "")

    @property
    def label(self) -> str:
        """What a person reads on it: its text, or its aria-label or value."""
        return " ".join(
            part
            for part in (self.text, self.attrs.get("aria-label", ""), self.attrs.get("value", ""))
            if part
        )

    def url_names(self) -> list[str]:
        """The URL names it sends to: its action and its hx-* addresses."""
        values = [self.attrs.get("action", "")] + [self.attrs.get(verb, "") for verb in HX_VERBS]
        return [name for value in values for name in URL_NAME.findall(value)]

    def where(self) -> str:
        return f"{self.template}:{self.line} <{self.tag} {' '.join(self.attrs)}>"


class _Reader(HTMLParser):
    def __init__(self, template: str):
        super().__init__(convert_charrefs=True)
        self.template = template
        self.forms: list[Element] = []
        self.hx: list[Element] = []
        self._form: Element | None = None
        self._text_of: list[Element] = []

    def handle_starttag(self, tag, attrs):
        element = Element(self.template, self.getpos()[0], tag, {k: v or "" for k, v in attrs})
        if tag == "form":
            self._form = element
            self.forms.append(element)
        if any(verb in element.attrs for verb in HX_VERBS):
            self.hx.append(element)
        if tag in SUBMITS and element.attrs.get("type", "submit") == "submit":
            if self._form is not None:
                self._form.buttons.append(element)
            if tag == "button":
                self._text_of.append(element)
        elif tag == "a" and element in self.hx:
            self._text_of.append(element)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        if tag in ("button", "a") and self._text_of:
            self._text_of.pop()

    def handle_data(self, data):
        for element in self._text_of:
            element.text = " ".join((element.text + " " + data).split())


def read(template: Path) -> _Reader:
    name = str(template.relative_to(TEMPLATES))
    reader = _Reader(name)
    reader.feed(template.read_text())
    return reader


def page_templates() -> list[Path]:
    return sorted(TEMPLATES.rglob("*.html"))
