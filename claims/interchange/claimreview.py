"""schema.org ClaimReview in (README, "ClaimReview import"): a JSON-LD document of one
ClaimReview, a list of them, a ``@graph``, or a ``DataFeed`` (this tracker's
``/reviews/feed.jsonld`` among them), read a review at a time; or a fact-check's HTML page,
by the JSON-LD scripts in it.

Each review becomes rows as a CSV of versions has them — its claim (``claimReviewed``), said
by ``itemReviewed.author``, once in each of the claim's ``appearance``s (else in the work
reviewed, else in the review itself) — with the file's JSON paths for their fields, and the
review's rating and publisher, which the import maps to a verdict and a source. From a feed of
this tracker, the versions it lists (``claimtracker:version``) come back with their quotes."""

import io
import re
from collections.abc import Iterator
from typing import Any

import ijson
import lxml.html
from django.utils.translation import gettext as _
from lxml import etree

from .records import Record

# The arrays whose items are reviews (or nodes holding one), read an item at a time; other
# parts of a document are small and read whole.
STREAMED_IN_OBJECT = {"dataFeedElement.item": "dataFeedElement", "@graph.item": "@graph"}
VERSIONS = ("claimtracker:version", "urn:claimtracker:version")
WIKIDATA = re.compile(r"wikidata\.org/(?:wiki|entity)/(Q[1-9][0-9]*)$")
# schema.org's defaults for a Rating that gives no scale.
BEST_RATING, WORST_RATING = 5, 1


def read_claimreviews(file) -> Iterator[Record]:
    """The reviews of a JSON-LD file (binary) — or of the JSON-LD scripts of an HTML page, as
    fact-checkers publish them — one record each (kind ``"reviews"``), in file order; nodes of
    other types are passed over. A file without any yields one record of kind ``"invalid"``."""
    found = broken = 0
    start = file.read(64).lstrip().removeprefix(b"\xef\xbb\xbf").lstrip()
    file.seek(0)
    documents = _scripts(file) if start.startswith(b"<") else [("", file)]
    for place, document in documents:
        try:
            for where, node in _nodes(document):
                review = node.get("item") if _is(node, "DataFeedItem") else node
                if isinstance(review, dict) and _is(review, "ClaimReview"):
                    found += 1
                    where = ".".join(part for part in (place, where) if part)
                    yield Record("reviews", where, review_fields(review))
        except ijson.JSONError as error:
            broken += 1
            message = _("This is not valid JSON: %(error)s") % {"error": error}
            yield Record("invalid", place, message)
    if not found and not broken:
        yield Record(
            "invalid",
            "",
            _(
                "There is no schema.org ClaimReview in this file: it reads a ClaimReview, a "
                "list of them, a @graph or a DataFeed of them, or a web page with them in its "
                "JSON-LD scripts."
            ),
        )


def _scripts(file) -> list[tuple[str, io.BytesIO]]:
    """The JSON-LD scripts of an HTML page (``<script type="application/ld+json">``), each
    with its place: ``script[0]``, ``script[1]``…"""
    try:
        page = lxml.html.document_fromstring(file.read())
    except (etree.ParserError, ValueError):
        return []
    scripts = page.xpath('//script[@type="application/ld+json"]')
    return [
        (f"script[{index}]", io.BytesIO((script.text or "").encode()))
        for index, script in enumerate(scripts)
    ]


def _nodes(file) -> Iterator[tuple[str, Any]]:
    """(JSON path, node) of the file's top-level node, or of each item of its top-level list,
    ``dataFeedElement`` or ``@graph`` — those items built one at a time."""
    parser = ijson.parse(file, use_float=False)
    top = ijson.ObjectBuilder()
    streamed: dict[str, str] = {}
    counts: dict[str, int] = {}
    item, depth, where = None, 0, ""
    for prefix, event, value in parser:
        if item is not None:
            item.event(event, value)
            depth += event in ("start_map", "start_array")
            depth -= event in ("end_map", "end_array")
            if depth == 0:
                yield where, item.value
                item = None
            continue
        if prefix == "" and event in ("start_map", "start_array"):
            streamed = STREAMED_IN_OBJECT if event == "start_map" else {"item": ""}
        list_name = streamed.get(prefix)
        if list_name is not None:
            counts[list_name] = counts.get(list_name, -1) + 1
            if event == "start_map":
                item, depth = ijson.ObjectBuilder(), 1
                item.event(event, value)
                where = f"{list_name}[{counts[list_name]}]"
            continue
        top.event(event, value)
    if isinstance(top.value, dict):
        yield "", top.value


def _is(node: dict, kind: str) -> bool:
    kinds = node.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return any(
        isinstance(k, str) and k.removeprefix("schema:").rsplit("/", 1)[-1] == kind for k in kinds
    )


def _node(value) -> dict:
    """A property's node: the first one when it is given several."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, dict)), None)
    return value if isinstance(value, dict) else {}


def _nodes_of(value) -> list[dict]:
    values = value if isinstance(value, list) else [value]
    return [v for v in values if isinstance(v, dict)]


def _text(value) -> str:
    """A property's text: a string, the first of a list, or a node's ``@value``/``@id``;
    numbers as they are written. Anything else is no text."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("@value", value.get("@id"))
    if isinstance(value, bool) or value is None:
        return ""
    return str(value).strip()


def _date(value) -> str:
    """A date as the import reads it: a timestamp's date part (2014-07-23T10:00:00Z)."""
    return _text(value).split("T", 1)[0]


def _agent(node: dict) -> dict:
    """Who said or reviewed something: a name (else the address of their site), whether a
    person, and their Wikidata id when ``sameAs`` gives it."""
    same_as = node.get("sameAs")
    wikidata = next(
        (
            match.group(1)
            for link in (same_as if isinstance(same_as, list) else [same_as])
            if isinstance(link, str) and (match := WIKIDATA.search(link.rstrip("/")))
        ),
        "",
    )
    return {
        "name": _text(node.get("name")) or _text(node.get("url")),
        "person": _is(node, "Person"),
        "wikidata": wikidata,
    }


def review_fields(review: dict) -> dict:
    """What the import reads of a ClaimReview: its ``rows`` (a CSV of versions' fields, and
    for each the JSON path of its fields), its ``rating``, its ``publisher`` and the review as
    a source (``review``)."""
    item = _node(review.get("itemReviewed"))
    publisher = _agent(_node(review.get("author")))
    language = _text(review.get("inLanguage"))
    statement = _text(review.get("claimReviewed")) or _text(item.get("name"))
    title = _text(review.get("headline")) or _text(review.get("name"))
    review_source = {
        "url": _text(review.get("url")),
        "name": title or f"{publisher['name']}: {statement}"[:500],
        "inLanguage": language,
        "datePublished": review.get("datePublished"),
    }
    claim = {
        "statement": statement,
        # The claim's own id, else the review's address: reading the file again finds it.
        "claim_id": _text(item.get("identifier")) or _text(item.get("@id")),
    }
    if not claim["claim_id"] and review_source["url"]:
        claim["claim_id"] = f"{review_source['url']}#claim"
    names = {
        "statement": "claimReviewed" if review.get("claimReviewed") else "itemReviewed.name",
        "claim_id": "itemReviewed.identifier" if item.get("identifier") else "itemReviewed.@id",
    }
    speaker = _agent(_node(item.get("author")))
    listed = next((item[key] for key in VERSIONS if isinstance(item.get(key), list)), None)
    rows = []
    if listed is not None:
        for index, version in enumerate(_nodes_of(listed)):
            path = f"itemReviewed.claimtracker:version[{index}]"
            row = _row(_node(version.get("appearance")), f"{path}.appearance", language)
            said_by = _agent(_node(version.get("author")))
            row["data"].update(
                quote=_text(version.get("text")), said_on=_date(version.get("datePublished"))
            )
            row["names"].update(quote=f"{path}.text", said_on=f"{path}.datePublished")
            _said_by(row, said_by, f"{path}.author")
            rows.append(row)
    else:
        for path, work in _works(item, review_source):
            row = _row(work, path, language)
            _said_by(row, speaker, "itemReviewed.author")
            rows.append(row)
        # When the claim was made: where it was first said.
        rows[0]["data"]["said_on"] = _date(item.get("datePublished"))
        rows[0]["names"]["said_on"] = "itemReviewed.datePublished"
    for row in rows:
        row["data"].update(claim)
        row["names"].update(names)
    rating = _node(review.get("reviewRating"))
    return {
        "rows": rows,
        "rating": {
            "name": _text(rating.get("alternateName")) or _text(rating.get("name")),
            "value": _text(rating.get("ratingValue")),
            "best": _text(rating.get("bestRating")) or str(BEST_RATING),
            "worst": _text(rating.get("worstRating")) or str(WORST_RATING),
        },
        "publisher": publisher,
        "review": {
            "source_url": review_source["url"],
            "source_title": review_source["name"],
            "source_language": language,
            "source_published": _date(review_source["datePublished"]),
        },
        "reviewed_on": _date(review.get("datePublished")),
    }


def _works(item: dict, review_source: dict) -> list[tuple[str, dict]]:
    """Where the claim appeared, each with its JSON path: its first appearance, then its other
    appearances; else the work reviewed itself (a page, a video), else the review."""
    works, seen = [], set()
    candidates = [("itemReviewed.firstAppearance", _node(item.get("firstAppearance")))]
    appearances = item.get("appearance")
    if isinstance(appearances, list):
        candidates += [(f"itemReviewed.appearance[{i}]", w) for i, w in enumerate(appearances)]
    else:
        candidates.append(("itemReviewed.appearance", _node(appearances)))
    for path, work in candidates:
        key = _text(work.get("url")) or _text(work.get("name")) if isinstance(work, dict) else ""
        if key and key not in seen:
            seen.add(key)
            works.append((path, work))
    if works:
        return works
    if not _is(item, "Claim"):
        part_of = _node(item.get("isPartOf"))
        if item.get("url") or item.get("name"):
            work = item if item.get("url") or not part_of.get("url") else part_of
            return [("itemReviewed" if work is item else "itemReviewed.isPartOf", work)]
    return [("url", review_source)]


def _row(work: dict, path: str, language: str) -> dict:
    """A version's row in ``work`` (a CreativeWork's node at ``path``)."""
    url = _text(work.get("url"))
    data = {
        "source_url": url,
        "source_title": _text(work.get("name")) or _text(work.get("headline")) or url,
        "source_language": _text(work.get("inLanguage")) or language,
        "source_published": _date(work.get("datePublished")),
    }
    names = {
        "source_url": f"{path}.url" if path != "url" else "url",
        "source_title": f"{path}.name" if path != "url" else "headline",
        "source_language": f"{path}.inLanguage" if work.get("inLanguage") else "inLanguage",
        "source_published": f"{path}.datePublished" if path != "url" else "datePublished",
    }
    return {"data": data, "names": names}


def _said_by(row: dict, agent: dict, path: str) -> None:
    row["data"].update(
        speaker=agent["name"], speaker_person=agent["person"], speaker_wikidata=agent["wikidata"]
    )
    row["names"]["speaker"] = f"{path}.name"
