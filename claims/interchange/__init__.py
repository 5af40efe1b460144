"""The desk's files in and out (README, "Import" and "Exports"): the full JSON dump, the CSV of
versions and schema.org ClaimReview. Readers turn a file into records; one service writes
them (``claims.services.import_records``)."""

from collections.abc import Iterator

from claims.models import ImportFormat

from .claimreview import read_claimreviews
from .dump import FORMAT, read_dump
from .records import Record
from .table import read_csv

# How much of a file is read to tell its format.
SNIFF = 4096


def sniff(file) -> str:
    """The format of a binary file, told from its first bytes: a dump names its format first;
    other JSON, and HTML, is ClaimReview; anything else is read as CSV."""
    start = file.read(SNIFF)
    file.seek(0)
    start = start.lstrip().removeprefix(b"\xef\xbb\xbf").lstrip()
    if start.startswith(b"{") and FORMAT.encode() in start:
        return ImportFormat.DUMP
    # JSON, or an HTML page (a fact-check, with its ClaimReview in a JSON-LD script).
    if start.startswith((b"{", b"[", b"<")):
        return ImportFormat.CLAIMREVIEW
    return ImportFormat.CSV


def records_of(file, format: str | None = None) -> Iterator[Record]:
    """The records of a binary file in ``format`` (by default told from its content)."""
    format = format or sniff(file)
    if format == ImportFormat.DUMP:
        return read_dump(file)
    if format == ImportFormat.CLAIMREVIEW:
        return read_claimreviews(file)
    return read_csv(file)
