"""Sources: adding them (pasted text or an uploaded .txt / .html file reduced to its readable
text), changing them (a new text re-anchors their quotes) and deleting them."""

import re

import lxml.html
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from lxml import etree

from claims import policy
from claims.models import Source
from claims.text import normalize_text

from .anchoring import ReanchorReport, reanchor_appearances
from .base import delete_as, save_as, service
from .conflicts import detect_conflicts_for_appearances
from .search import refresh_search

# Elements whose content is never readable text.
SKIPPED = {"script", "style", "noscript", "template", "head", "object", "embed", "select"}
# Elements whose content a browser takes as raw text: an unclosed one swallows the rest of the
# document, which is re-read as HTML so that no word is lost.
RAW_TEXT = {"iframe", "noembed", "noframes", "xmp", "textarea"}
# Elements that end a line of text.
BLOCKS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
    "section", "article", "header", "footer", "blockquote", "pre", "hr", "dd", "dt", "dl",
    "figcaption", "figure", "caption", "main", "aside", "nav", "address", "details", "summary",
    "fieldset", "form", "thead", "tbody", "tfoot", "title",
}  # fmt: skip
# Elements that end a cell: "Maroc" and "2021" in two cells are not "Maroc2021".
CELLS = {"td", "th"}
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


def _is_hidden(element) -> bool:
    return (
        element.get("hidden") is not None
        or element.get("aria-hidden", "").strip().lower() == "true"
        or bool(_HIDDEN_STYLE.search(element.get("style", "")))
        or (element.tag == "input" and element.get("type", "").lower() == "hidden")
    )


def _tag(element) -> str:
    # SVG and MathML elements come namespaced or not depending on the markup; comments and
    # processing instructions have a non-string tag.
    return element.tag.rsplit("}", 1)[-1].lower() if isinstance(element.tag, str) else ""


def _readable_parts(element, parts: list[str]) -> None:
    tag = _tag(element)
    if tag in SKIPPED or _is_hidden(element) or not isinstance(element.tag, str):
        if element.tail:
            parts.append(element.tail)
        return
    if tag in BLOCKS:
        parts.append("\n")
    if tag in RAW_TEXT:
        if element.text and element.text.strip():
            parts.append(html_to_text(element.text)[0])
    elif element.text:
        parts.append(element.text)
    for child in element:
        _readable_parts(child, parts)
    if tag in BLOCKS:
        parts.append("\n")
    elif tag in CELLS:
        parts.append("\t")
    if element.tail:
        parts.append(element.tail)


def html_to_text(html: str) -> tuple[str, str]:
    """The readable text of an HTML document, one paragraph a line, and its <title>.

    Parsed by lxml (libxml2's HTML5 tokenizer) the way a browser reads a page: an omitted
    ``</head>`` or an unclosed element loses no text, table cells stay apart, and what a browser
    does not show (scripts, styles, ``hidden`` content) is left out."""
    if not html.strip():
        return "", ""
    try:
        document = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return "", ""
    title = " ".join(" ".join(document.xpath("//title//text()")).split())
    body = document.find("body")
    parts: list[str] = []
    if body is not None:
        _readable_parts(body, parts)
    lines = [re.sub(r"[ \t\f\v\xa0]+", " ", line).strip() for line in "".join(parts).split("\n")]
    return "\n\n".join(line for line in lines if line), title


MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def _decode(raw: bytes, name: str) -> str:
    """Text of an uploaded file: UTF-8 (with or without a BOM), UTF-16 with a BOM, or UTF-16
    without one when every other byte is NUL (as Windows' "Unicode" text is)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ["utf-16"]
    elif len(raw) >= 2 and len(raw) % 2 == 0 and raw.count(b"\x00") * 2 >= len(raw) * 0.9:
        encodings = ["utf-16-le" if raw[1::2].count(0) > raw[0::2].count(0) else "utf-16-be"]
    else:
        encodings = ["utf-8-sig"]
    for encoding in encodings:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            pass
    raise ValidationError(
        _("“%(name)s” is not UTF-8 text; save it as UTF-8 and upload it again.") % {"name": name}
    )


def text_from_upload(upload) -> tuple[str, str]:
    """(text, title) of an uploaded .txt or .html file; ValidationError naming the problem."""
    name = upload.name.lower()
    if not name.endswith((".txt", ".html", ".htm")):
        raise ValidationError(_("“%(name)s” is not a .txt or .html file.") % {"name": upload.name})
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("“%(name)s” is larger than %(limit)d MB.") % {"name": upload.name, "limit": 5}
        )
    content = _decode(upload.read(), upload.name)
    if name.endswith(".txt"):
        return content, ""
    return html_to_text(content)


@service
def add_source(*, by, **fields) -> Source:
    """Add a source (title, url, publisher, kind, language, published_on and its precision,
    text), validated as a whole; the text is normalised (line endings, NFC)."""
    policy.require(by, "add_source")
    source = Source(added_by=policy.user_of(by), **fields)
    source.full_clean()
    save_as(source, by=by)
    refresh_search(sources=[source])
    return source


# Fields whose change alters what the versions of the source's claims are compared on.
DATE_FIELDS = {"published_on", "published_precision"}


@service
def change_source(*, source: Source, by, **changes) -> ReanchorReport | None:
    """Change a source's metadata or text, validated as a whole. A new text re-anchors every
    quote (the report says what was kept, moved, re-quoted or lost); a new date compares the
    versions of its claims again. Returns the re-anchoring report when a text was given (an
    unchanged text keeps every quote)."""
    policy.require(by, "change_source")
    # Two editors changing one source's text at once would each re-anchor on their own text.
    current = Source.objects.select_for_update().get(pk=source.pk)
    if (
        current.snapshot_id is not None
        and "snapshot" not in changes
        and normalize_text(changes.get("text", current.text)) != current.text
    ):
        raise ValidationError(
            {
                "text": _(
                    "This text is the page as the tracker fetched it: it changes when the page "
                    "is fetched again, not by hand."
                )
            }
        )
    before = {name: getattr(current, name) for name in changes}
    for name, value in changes.items():
        setattr(current, name, value)
    current.full_clean()
    if any(getattr(current, name) != value for name, value in before.items()):
        save_as(current, by=by)
    # A text from a new fetch of the page (a snapshot): the quotes it moved, reworded or
    # removed are flagged for an editor; an editor's own edit of the text flags nothing.
    report = (
        reanchor_appearances(source=current, by=by, flag_drift="snapshot" in changes)
        if "text" in changes
        else None
    )
    refresh_search(sources=[current])
    if {"text", "language"} & set(changes):
        # Quotes may have been re-quoted; a language picks the stemmer of its quotes.
        refresh_search(current.appearances.values_list("claim_id", flat=True))
    if DATE_FIELDS & set(changes):
        # Versions without their own "as of" date hold as of their source's date.
        detect_conflicts_for_appearances(current.appearances.all(), by=by)
    for name in {*changes, "text", "content_sha256", "updated_at"}:
        setattr(source, name, getattr(current, name))
    return report


@service
def delete_source(*, source: Source, by) -> None:
    """Delete a source nothing refers to; one with quotes or used as evidence is refused."""
    policy.require(by, "delete_source")
    delete_as(
        source,
        by=by,
        refusal=_("“%(title)s” is quoted or used as evidence: delete those first.")
        % {"title": source.title},
    )
