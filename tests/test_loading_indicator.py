"""Every htmx action shows that it is under way: one mechanism in static/js/waypoint.js (a bar at
the top of the window, aria-busy on the region being replaced, the form's buttons disabled until
the answer), styled in static/css/waypoint.css. It covers an action when the page loads it after
htmx; this holds that every page with an htmx action does. tests/browser/test_while_loading.py
proves the indicator shows while an answer is held back."""

import re
from pathlib import Path

from tests.template_walk import TEMPLATES, page_templates, read

STATIC = TEMPLATES.parent / "static"
EXTENDS = re.compile(r"""\{%\s*extends\s+(?:"([^"]+)"|(\S+))""")
# A page that picks its frame at render time names it in a variable: these are what it can be.
FRAMES = {
    "base_template": ["base.html", "demos/public_base.html"],
    'frame|default:"base.html"': ["base.html", "demos/public_base.html"],
}
# Emails are read in a mail program, where no script runs.
EMAILS = re.compile(r"digests/email_")


def _name(path: Path) -> str:
    return path.relative_to(TEMPLATES).as_posix()


def _loads_indicator(source: str) -> bool:
    htmx = source.find("{% htmx_script %}")
    ours = source.find("{% static 'js/waypoint.js' %}")
    styles = "{% static 'css/waypoint.css' %}" in source
    return htmx >= 0 and ours > htmx and styles


def _frames_of(name: str) -> list[str]:
    """The full-page templates a template ends up in, following {% extends %}."""
    source = (TEMPLATES / name).read_text()
    match = EXTENDS.search(source)
    if match is None:
        return [name]
    parents = [match.group(1)] if match.group(1) else FRAMES[match.group(2)]
    return [frame for parent in parents for frame in _frames_of(parent)]


def test_every_page_frame_that_loads_htmx_loads_the_indicator_after_it():
    frames = [
        path
        for path in page_templates()
        if "<html" in path.read_text() and not EMAILS.search(_name(path))
    ]
    with_htmx = [path for path in frames if "htmx_script" in path.read_text()]
    assert {"base.html", "demos/public_base.html"} <= {_name(path) for path in with_htmx}
    missing = [_name(path) for path in with_htmx if not _loads_indicator(path.read_text())]
    assert not missing, f"These pages load htmx without the loading indicator: {missing}"


def test_every_template_with_an_htmx_action_ends_up_in_a_frame_with_the_indicator():
    pages = []
    for path in page_templates():
        reader = read(path)
        if not reader.hx:
            continue
        source = path.read_text()
        if EXTENDS.search(source) is None and "<html" not in source:
            continue  # a fragment: included by pages, which this test reaches on their own
        pages.append(_name(path))
    assert len(pages) >= 10  # the walk found the pages (project page, demo page, board, ...)
    uncovered = [
        f"{page} (in {frame})"
        for page in pages
        for frame in _frames_of(page)
        if not _loads_indicator((TEMPLATES / frame).read_text())
    ]
    assert not uncovered, "htmx actions on pages without the loading indicator:\n" + "\n".join(
        uncovered
    )


def test_the_indicator_is_in_the_script_and_the_stylesheet():
    script = (STATIC / "js" / "waypoint.js").read_text()
    styles = (STATIC / "css" / "waypoint.css").read_text()
    assert "htmx:beforeSend" in script and "aria-busy" in script
    assert ".loading-bar" in styles
    assert re.search(r"prefers-reduced-motion: reduce\)\s*\{[^}]*\.loading-bar", styles)
