"""Text helpers shared by models and services: name normalisation, ISO 639-1 codes and their
names."""

import difflib
import functools
import re
import unicodedata
from dataclasses import dataclass

from babel import Locale
from django.conf import settings
from django.utils.translation import get_language

_NON_WORD = re.compile(r"[\W_]+")
# Letters that Unicode does not decompose into a base letter and a mark: spelled out the way a
# reader types them without the key ("cœur" → "coeur", "Ærø" → "aero", "Łódź" → "lodz").
_LIGATURES = str.maketrans(
    {"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l",
     "đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "þ": "th", "Þ": "th", "ı": "i"}
)  # fmt: skip
# Words joined by a hyphen ("co-présidence", "États-Unis"), once folded. Matched from a word's
# start only: tried at every letter of a long word, the match would take time quadratic in its
# length (a pasted 40,000-letter token took 19 s).
_COMPOUND = re.compile(r"(?<!\w)\w+(?:[-\u2010\u2011]\w+)+")


def normalize_name(value: str) -> str:
    """Fold a name for look-up: case, accents and ligatures folded, punctuation and spaces
    collapsed.

    "États-Unis", "Etats Unis" and "etats-unis" all become "etats unis", so an alias typed
    without accents or with a hyphen where the article has a space still finds the entity.
    """
    if value.isascii():  # nothing to decompose: the common case, ten times faster
        return _NON_WORD.sub(" ", value.casefold()).strip()
    decomposed = unicodedata.normalize("NFKD", value.translate(_LIGATURES))
    without_marks = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", without_marks.casefold()).strip()


def search_document(*texts: str) -> str:
    """The folded text a search looks in: ``texts`` folded as names are, and each hyphenated
    compound once more without its hyphens — so «coprésidence» finds «co-présidence» and
    «etats unis» finds «États-Unis»."""
    folded, joined = [], []
    for text in texts:
        if not text:
            continue
        folded.append(normalize_name(text))
        for compound in _COMPOUND.findall(text):
            joined.append(normalize_name(compound).replace(" ", ""))
    return " ".join(word for word in [*folded, *dict.fromkeys(joined)] if word)


_TOKEN = re.compile(r"\w+(?:[-'’\u2010\u2011]\w+)*|\W+")


def highlight_words(text: str, words: list[str]) -> list[tuple[str, bool]]:
    """``text`` cut into (piece, matched) pairs: a word is matched when its folded form holds
    one of the folded ``words`` (as a search found it), so «États-Unis» is marked for
    «etats»."""
    if not words:
        return [(text, False)]
    pieces = []
    for token in _TOKEN.findall(text):
        folded = normalize_name(token)
        joined = folded.replace(" ", "")
        matched = bool(folded) and any(word in folded or word in joined for word in words)
        if pieces and pieces[-1][1] == matched:
            pieces[-1] = (pieces[-1][0] + token, matched)
        else:
            pieces.append((token, matched))
    return pieces


def search_words(query: str) -> list[str]:
    """The words of a query, folded, each once. Single letters (the «l» of «l'Italie») are
    left out unless nothing else is there."""
    words = list(dict.fromkeys(normalize_name(query).split()))
    longer = [word for word in words if len(word) > 1]
    return longer or words


# ISO 639-1 two-letter language codes (the 183 codes of the standard).
ISO_639_1 = frozenset(
    """
    aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy
    da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht
    hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky
    la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny
    oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss
    st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo
    za zh zu
    """.split()
)


@functools.cache
def _language_names(language: str) -> dict[str, str]:
    return dict(Locale.parse(language, sep="-").languages)


def _reading() -> str:
    return get_language() or settings.LANGUAGE_CODE


def language_name(code: str, language: str | None = None) -> str:
    """The name of the language ``code`` in ``language`` (the active one): "français" for
    "fr" in French, "French" in English; the code itself if the language is not known."""
    return _language_names(language or _reading()).get(code, code)


@functools.cache
def _language_choices(language: str) -> tuple[tuple[str, str], ...]:
    named = {code: language_name(code, language) for code in ISO_639_1}
    return tuple(
        sorted(
            ((code, f"{name[:1].upper()}{name[1:]} ({code})") for code, name in named.items()),
            key=lambda choice: normalize_name(choice[1]),
        )
    )


def language_choices() -> list[tuple[str, str]]:
    """The ISO 639-1 languages as choices, named in the active language, in its order (worked
    out once a language: every claims list shows them)."""
    return list(_language_choices(_reading()))


def record_id(value: str) -> int | None:
    """The id a link or a typed number put in a box: ASCII digits that fit a key («²» is a
    digit to ``str.isdigit``, not to ``int``)."""
    value = value.strip()
    return int(value) if re.fullmatch(r"[0-9]{1,18}", value) else None


def normalize_text(text: str) -> str:
    """A text as the tracker stores it: line endings as ``\\n`` and Unicode composed (NFC).

    Browsers submit a textarea with CRLF line endings while a page's text has LF; without
    this, every offset after the first line break would be short by one per break."""
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


# Characters that are no part of a readable text: NUL and the other C0/C1 controls (tabs and
# line breaks are text), lone surrogates, and the 66 non-characters. One regular expression:
# a source text can be megabytes long. (Unassigned code points are not refused: a newer emoji
# than this Python knows is still text.)
_UNREADABLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
    + "".join(
        f"{chr(plane | 0xFFFE)}{chr(plane | 0xFFFF)}" for plane in range(0, 0x110000, 0x10000)
    )
    + "]"
)


def unreadable_characters(text: str) -> list[tuple[int, str]]:
    """(position, character) of each character no source text holds, at most ten."""
    found = []
    for match in _UNREADABLE.finditer(text):
        found.append((match.start(), match.group()))
        if len(found) == 10:
            break
    return found


@dataclass(frozen=True)
class Change:
    """A stretch of a text compared with another: ``kind`` is "same", "added" or "removed"."""

    kind: str
    text: str


def _words(text: str) -> list[str]:
    return re.split(r"(\s+)", text)


def diff_paragraphs(old: str, new: str) -> list[list[Change]]:
    """Two versions of a text, paragraph by paragraph (one a line): a paragraph kept whole is
    one "same" stretch, one added or removed one stretch of its kind, and a paragraph
    rewritten in place its words' changes."""
    old_lines = [line for line in old.split("\n") if line.strip()]
    new_lines = [line for line in new.split("\n") if line.strip()]
    paragraphs: list[list[Change]] = []
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for tag, a_start, a_end, b_start, b_end in matcher.get_opcodes():
        before, after = old_lines[a_start:a_end], new_lines[b_start:b_end]
        if tag == "equal":
            paragraphs += [[Change("same", line)] for line in before]
            continue
        if tag == "replace":
            for old_line, new_line in zip(before, after, strict=False):
                paragraphs.append(_diff_words(old_line, new_line))
            paired = min(len(before), len(after))
            before, after = before[paired:], after[paired:]
        paragraphs += [[Change("removed", line)] for line in before]
        paragraphs += [[Change("added", line)] for line in after]
    return paragraphs


def _diff_words(old: str, new: str) -> list[Change]:
    old_words, new_words = _words(old), _words(new)
    changes = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for tag, a_start, a_end, b_start, b_end in matcher.get_opcodes():
        if tag == "equal":
            changes.append(Change("same", "".join(old_words[a_start:a_end])))
            continue
        if a_end > a_start:
            changes.append(Change("removed", "".join(old_words[a_start:a_end])))
        if b_end > b_start:
            changes.append(Change("added", "".join(new_words[b_start:b_end])))
    return changes
