import markdown as markdown_lib
import nh3
from django import template
from django.utils.safestring import mark_safe

from plumbing.numbers import number

register = template.Library()

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li",
    "h3", "h4", "h5", "h6", "a", "table", "thead", "tbody", "tr", "th", "td", "del",
}  # fmt: skip


@register.filter(is_safe=True)
def markdown(text: str) -> str:
    """Markdown to HTML, then sanitised: scripts, event handlers and unsafe links are removed."""
    html = markdown_lib.markdown(text or "", extensions=["extra", "sane_lists"])
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above


# A metric value as people write it: 0.85, 12, 1,250,000, 3.5 (plumbing/numbers.py).
register.filter("number", number)
