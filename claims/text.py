"""Text helpers shared by models and services: name normalisation and ISO 639-1 codes."""

import re
import unicodedata

_NON_WORD = re.compile(r"[\W_]+")


def normalize_name(value: str) -> str:
    """Fold a name for look-up: case and accents folded, punctuation and spaces collapsed.

    "États-Unis", "Etats Unis" and "etats-unis" all become "etats unis", so an alias typed
    without accents or with a hyphen where the article has a space still finds the entity.
    """
    decomposed = unicodedata.normalize("NFKD", value)
    without_marks = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", without_marks.casefold()).strip()


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
