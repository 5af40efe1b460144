"""The CSV of versions: one row a version of a claim, with its claim and its source in the
row (README, "CSV of versions"). What newsrooms keep in spreadsheets, and what a partner's
archive of fact-checks usually is."""

import codecs
import csv
import io
from collections.abc import Iterator

from django.utils.translation import gettext as _

from .records import Record

# The columns, in the template's order. Only "statement" and a source ("source_url" or
# "source_title") are needed; a column may be left out or empty.
COLUMNS = [
    "claim_id", "statement", "subject", "property", "value_type", "value", "speaker",
    "speaker_description", "attribution", "quote", "start", "end", "said_on", "as_of",
    "source_url", "source_title", "source_kind", "source_language", "source_published",
    "verdict",
]  # fmt: skip

EXAMPLE = {
    "claim_id": "desk-0001",
    "statement": "Morocco co-chairs the Africa Focus Group.",
    "subject": "Africa Focus Group",
    "property": "co-chairs",
    "value_type": "entities",
    "value": "Morocco; Italy",
    "speaker": "Nasser Bourita",
    "attribution": "paraphrase",
    "quote": "",
    "said_on": "2021-06-28",
    "source_url": "https://example.org/article",
    "source_title": "Example article",
    "source_language": "en",
    "source_published": "2021-06",
}


def template() -> str:
    """The CSV template: the columns and one example row."""
    output = io.StringIO()
    writer = csv.DictWriter(output, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerow(EXAMPLE)
    return output.getvalue()


def _text_stream(file) -> io.TextIOBase:
    """The binary ``file`` as text: UTF-8 (with or without a byte order mark) or UTF-16 with
    one, as spreadsheets save CSV."""
    start = file.read(4)
    file.seek(0)
    encoding = (
        "utf-16" if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else "utf-8-sig"
    )
    return io.TextIOWrapper(file, encoding=encoding, newline="")


def read_csv(file) -> Iterator[Record]:
    """The rows of a CSV of versions (a binary file), each with the line it starts on. The
    separator is found from the header: a comma, a semicolon (spreadsheets set to French
    write those) or a tab."""
    text = _text_stream(file)
    try:
        header = text.readline()
        separator = max(",;\t", key=header.count)
        columns = next(csv.reader([header], delimiter=separator), [])
        columns = [column.strip().lower() for column in columns]
        unknown = [column for column in columns if column not in COLUMNS]
        if unknown or "statement" not in columns:
            yield Record(
                "invalid",
                "line 1",
                _("Unknown columns: %(unknown)s. The columns are: %(columns)s.")
                % {"unknown": ", ".join(unknown) or "—", "columns": ", ".join(COLUMNS)}
                if unknown
                else _("The header has no “statement” column. The columns are: %(columns)s.")
                % {"columns": ", ".join(COLUMNS)},
            )
            return
        reader = csv.reader(text, delimiter=separator)
        line = 2
        for cells in reader:
            if any(cell.strip() for cell in cells):
                if len(cells) > len(columns):
                    yield Record(
                        "invalid",
                        f"line {line}",
                        _("This row has %(cells)d cells; the header has %(columns)d columns.")
                        % {"cells": len(cells), "columns": len(columns)},
                    )
                else:
                    yield Record("rows", f"line {line}", dict(zip(columns, cells, strict=False)))
            line = reader.line_num + 2
    except UnicodeDecodeError:
        yield Record(
            "invalid", "", _("The file is not UTF-8 text: save it as CSV UTF-8 and try again.")
        )
    except csv.Error as error:
        yield Record(
            "invalid", "", _("The file is not a readable CSV: %(error)s") % {"error": error}
        )
    finally:
        text.detach()
