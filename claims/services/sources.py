"""Adding sources: pasted text or an uploaded .txt / .html file reduced to its readable text."""

import re
from html.parser import HTMLParser

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from claims import policy
from claims.models import Source

# Elements whose content is never readable text.
SKIPPED = {"script", "style", "noscript", "template", "head", "svg", "iframe", "object"}
# Elements that end a line of text.
BLOCKS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
    "section", "article", "header", "footer", "blockquote", "pre", "hr", "dd", "dt", "figcaption",
}  # fmt: skip


class _ReadableText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        if tag == "title":
            self._in_title = True
        if tag in SKIPPED:
            self.skipping += 1
        elif tag in BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        if tag in SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        if not self.skipping:
            self.parts.append(data)


def html_to_text(html: str) -> tuple[str, str]:
    """The readable text of an HTML document, one paragraph a line, and its <title>."""
    parser = _ReadableText()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)
    lines = [re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in text.split("\n")]
    paragraphs = "\n\n".join(line for line in lines if line)
    return paragraphs, re.sub(r"\s+", " ", parser.title).strip()


MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def text_from_upload(upload) -> tuple[str, str]:
    """(text, title) of an uploaded .txt or .html file; ValidationError naming the problem."""
    name = upload.name.lower()
    if not name.endswith((".txt", ".html", ".htm")):
        raise ValidationError(_("“%(name)s” is not a .txt or .html file.") % {"name": upload.name})
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("“%(name)s” is larger than %(limit)d MB.") % {"name": upload.name, "limit": 5}
        )
    raw = upload.read()
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            _("“%(name)s” is not UTF-8 text; save it as UTF-8 and upload it again.")
            % {"name": upload.name}
        ) from None
    if name.endswith(".txt"):
        return content, ""
    return html_to_text(content)


@transaction.atomic
def add_source(*, by, **fields) -> Source:
    """Add a source (title, url, publisher, kind, language, published_on and its precision,
    text), validated as a whole."""
    policy.require(by, "add_source")
    source = Source(added_by=by, **fields)
    source.full_clean()
    source._history_user = by
    source.save()
    return source
