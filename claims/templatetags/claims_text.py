"""Marking the words a search found; naming languages."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext

from claims import text
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


@register.filter
def language(code):
    """A language code named in the page's language: "fr" → "French", «français»."""
    return text.language_name(code) if code else ""


@register.filter
def translated(note):
    """A note the tracker wrote itself ("Closed automatically: …", kept as the catalogue's
    English) in the reader's language; a note a person wrote stays as written."""
    return gettext(note) if note else note


@register.filter
def lookup(mapping, key):
    """``mapping[key]``, or None: what the view worked out for a row (a version's origins)."""
    return mapping.get(key) if mapping else None
