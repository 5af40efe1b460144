import datetime

import pytest
from django.core.exceptions import ValidationError

from claims.models import Appearance, Source
from claims.policy import SYSTEM
from claims.services import change_source, locate_quote, record_appearance
from tests.factories import TEXT, make_appearance, make_claim, make_entity, make_source


@pytest.fixture
def source(db):
    return make_source(text=TEXT)


def offsets_of(text, quote):
    start = text.index(quote)
    return start, start + len(quote)


def test_an_anchored_quote_is_recorded_with_its_context(source):
    start, end = offsets_of(TEXT, "l'Italie")
    appearance = record_appearance(
        by=SYSTEM, claim=make_claim(), source=source, quote="l'Italie", start=start, end=end
    )
    assert appearance.prefix.endswith("du Niger et de ")
    assert appearance.suffix.startswith(", l'Africa Focus Group.")


def test_offsets_that_do_not_match_the_text_are_refused_with_a_clear_message(source):
    start, end = offsets_of(TEXT, "l'Italie")
    with pytest.raises(ValidationError) as refused:
        record_appearance(
            by=SYSTEM,
            claim=make_claim(),
            source=source,
            quote="l'Italie",
            start=start + 1,
            end=end + 1,
        )
    message = str(refused.value)
    assert f"does not match the source text at offsets {start + 1}–{end + 1}" in message
    assert "the text there reads “'Italie,”" in message
    assert not Appearance.objects.exists()


def test_offsets_outside_the_text_are_refused(source):
    length = len(TEXT)
    with pytest.raises(ValidationError) as refused:
        record_appearance(
            by=SYSTEM, claim=make_claim(), source=source, quote="x", start=length, end=length + 1
        )
    assert f"fall outside the source text, which is {length} characters long" in str(refused.value)


def test_one_offset_alone_is_refused(source):
    with pytest.raises(ValidationError) as refused:
        record_appearance(by=SYSTEM, claim=make_claim(), source=source, quote="Le Maroc", start=0)
    assert "both offsets" in str(refused.value)


def test_a_value_of_the_wrong_type_is_refused(source):
    claim = make_claim(value_type="entities")
    with pytest.raises(ValidationError) as refused:
        record_appearance(by=SYSTEM, claim=claim, source=source, value_number=3)
    assert "value_number" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        record_appearance(
            by=SYSTEM, claim=make_claim(), source=source, value_entities=[make_entity()]
        )
    assert "value_entities" in refused.value.message_dict
    assert not Appearance.objects.exists()


def test_an_impossible_date_is_refused(source):
    with pytest.raises(ValidationError) as refused:
        record_appearance(
            by=SYSTEM,
            claim=make_claim(),
            source=source,
            said_on="2021-02-30",
            said_on_precision="day",
        )
    assert "said_on" in refused.value.message_dict


def test_a_date_at_month_precision_is_stored_as_its_first_day(source):
    appearance = record_appearance(
        by=SYSTEM,
        claim=make_claim(value_type="date"),
        source=source,
        value_date=datetime.date(2022, 5, 17),
        value_date_precision="month",
    )
    appearance.refresh_from_db()
    assert appearance.value_date == datetime.date(2022, 5, 1)


def test_a_date_without_its_precision_is_refused(source):
    with pytest.raises(ValidationError) as refused:
        record_appearance(
            by=SYSTEM, claim=make_claim(), source=source, as_of=datetime.date(2022, 5, 1)
        )
    assert "as_of_precision" in refused.value.message_dict


def test_a_set_of_entities_is_recorded(source):
    members = [make_entity(name=name) for name in ("United States", "Niger", "Morocco")]
    appearance = record_appearance(
        by=SYSTEM, claim=make_claim(value_type="entities"), source=source, value_entities=members
    )
    assert set(appearance.value_entities.all()) == set(members)


def test_source_hash_follows_its_text(source):
    before = source.content_sha256
    source.text = TEXT + " Fin."
    source.save()
    assert len(before) == 64
    assert source.content_sha256 != before
    assert Source.objects.get(pk=source.pk).content_sha256 == source.content_sha256


def test_a_quote_shifted_by_an_edit_elsewhere_is_kept_at_its_new_place(source):
    appearance = make_appearance(source=source, quote="l'Italie")
    appearance.full_clean()
    appearance.save()
    report = change_source(by=SYSTEM, source=source, text="Ajout en tête. " + TEXT)
    appearance.refresh_from_db()
    assert report.kept == [appearance]
    assert report.moved == []
    assert appearance.start == TEXT.index("l'Italie") + len("Ajout en tête. ")
    assert appearance.quote == "l'Italie"


def test_an_edited_quote_is_found_by_its_context(source):
    appearance = make_appearance(source=source, quote="l'Italie")
    appearance.full_clean()
    appearance.save()
    report = change_source(by=SYSTEM, source=source, text=TEXT.replace("l'Italie", "la France"))
    appearance.refresh_from_db()
    assert report.requoted == [appearance]
    assert appearance.quote == "la France"
    assert source.__class__.objects.get(pk=source.pk).text[appearance.start : appearance.end] == (
        "la France"
    )


def test_a_quote_that_is_gone_loses_its_offsets_but_keeps_its_words(source):
    appearance = make_appearance(source=source, quote="l'Italie")
    appearance.full_clean()
    appearance.save()
    report = change_source(by=SYSTEM, source=source, text="Un tout autre texte.")
    appearance.refresh_from_db()
    assert report.lost == [appearance]
    assert (appearance.start, appearance.end, appearance.quote) == (None, None, "l'Italie")


def test_an_unchanged_text_changes_nothing(source):
    appearance = make_appearance(source=source, quote="l'Italie")
    report = change_source(by=SYSTEM, source=source, text=TEXT)
    assert report.kept == [appearance]
    assert source.history.count() == 1


def test_a_repeated_quote_is_told_apart_by_its_context():
    text = "A dit oui. B dit non. C dit oui."
    start = text.rindex("dit oui")
    span = locate_quote("Préambule. " + text, quote="dit oui", prefix="C ", suffix=".", near=start)
    assert span == (start + len("Préambule. "), start + len("Préambule. ") + len("dit oui"))


def test_overlapping_quotes_are_all_highlighted():
    from types import SimpleNamespace

    from claims.services import highlight_segments

    text = "Le Maroc co-préside le groupe."
    quotes = [
        SimpleNamespace(pk=1, start=0, end=19),  # "Le Maroc co-préside"
        SimpleNamespace(pk=2, start=3, end=29),  # "Maroc co-préside le groupe"
        SimpleNamespace(pk=3, start=None, end=None),  # lost: not highlighted
    ]
    segments = [
        (segment.text, segment.appearance_ids) for segment in highlight_segments(text, quotes)
    ]
    assert segments == [
        ("Le ", (1,)),
        ("Maroc co-préside", (1, 2)),
        (" le groupe", (2,)),
        (".", ()),
    ]
    assert "".join(text for text, _ in segments) == text
