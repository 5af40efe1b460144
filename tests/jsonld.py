"""Checking JSON-LD offline: expanded by pyld against the schema.org context kept in
../shared/schemaorg (no network), every term looked up in the schema.org vocabulary there."""

import json
import os
import re
from functools import cache
from pathlib import Path

import pytest

SCHEMAORG = Path(__file__).resolve().parents[2] / "shared" / "schemaorg"
SCHEMA = ("http://schema.org/", "https://schema.org/")
# The terms of ours the README documents (claims/claimreview.py).
EXTENSION_TERMS = {"urn:claimtracker:version", "urn:claimtracker:contradicts"}
# What a ClaimReview must say to be read by search engines and fact-check aggregators.
REQUIRED = ["claimReviewed", "author", "datePublished", "url", "itemReviewed"]


def needs_schemaorg():
    if not SCHEMAORG.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"CI needs the schema.org context and vocabulary in {SCHEMAORG}")
        pytest.skip(f"No schema.org context and vocabulary in {SCHEMAORG} (../shared)")


@cache
def _context() -> dict:
    return json.loads((SCHEMAORG / "schemaorgcontext.jsonld").read_text(encoding="utf-8"))


@cache
def vocabulary() -> frozenset[str]:
    """The local names of every schema.org type and property."""
    graph = json.loads((SCHEMAORG / "schemaorg-current-https.jsonld").read_text("utf-8"))
    return frozenset(node["@id"].removeprefix("schema:") for node in graph["@graph"])


def _loader(url, options=None):
    if url.rstrip("/") in {s.rstrip("/") for s in SCHEMA} or url.endswith("context.jsonld"):
        return {"contextUrl": None, "documentUrl": url, "document": _context()}
    raise AssertionError(f"The check is offline; it was asked for {url}")


def expand(document: dict) -> list:
    from pyld import jsonld

    return jsonld.expand(document, {"documentLoader": _loader})


def _local(iri: str) -> str | None:
    for prefix in SCHEMA:
        if iri.startswith(prefix):
            return iri.removeprefix(prefix)
    return None


def unknown_terms(expanded) -> set[str]:
    """Properties and types of an expanded document that are neither schema.org's nor ours."""
    unknown = set()

    def visit(node):
        if isinstance(node, list):
            for item in node:
                visit(item)
        elif isinstance(node, dict):
            for key, value in node.items():
                if key == "@type":  # a node's types, or a literal's (schema:Date)
                    types = value if isinstance(value, list) else [value]
                    unknown.update(t for t in types if _local(t) not in vocabulary())
                elif not key.startswith("@") and key not in EXTENSION_TERMS:
                    if _local(key) not in vocabulary():
                        unknown.add(key)
                visit(value)

    visit(expanded)
    return unknown


def claim_reviews(expanded) -> list[dict]:
    return [
        node for node in expanded if any(_local(t) == "ClaimReview" for t in node.get("@type", []))
    ]


def missing(review: dict, required=REQUIRED) -> list[str]:
    return [name for name in required if not review.get(SCHEMA[0] + name)]


def value(node: dict, name: str):
    """The first value of ``name`` in an expanded node."""
    (first, *_rest) = node[SCHEMA[0] + name]
    return first.get("@value", first.get("@id", first))


def examples() -> list[dict]:
    """The JSON-LD examples of schema.org's ClaimReview page (in ../shared: skipped with the
    reason where it is missing, except in CI)."""
    needs_schemaorg()
    text = (SCHEMAORG / "claimreview-examples.txt").read_text(encoding="utf-8")
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', text, re.S)
    return [json.loads(block) for block in blocks]
