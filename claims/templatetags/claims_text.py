"""Marking the words a search found."""

from django import template
from django.utils.html import format_html, format_html_join

from claims.text import highlight_words

register = template.Library()


@register.filter
def highlight(text, words):
    """``text`` with the words that match ``words`` (a search's folded words) in <mark>."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html("<mark>{}</mark>", piece) if matched else piece,)
            for piece, matched in highlight_words(str(text), words or [])
        ),
    )
