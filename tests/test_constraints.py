"""Every invariant stated as a database constraint is refused by the database itself, even when
a write bypasses model validation (a raw update, a bulk import, a future code path)."""

import datetime

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.db.models import CheckConstraint
from django.utils import timezone

from claims.models import (
    Alias,
    Appearance,
    Citation,
    Claim,
    Conflict,
    Entity,
    Evidence,
    ImportJob,
    RatingMapping,
    ReviewEvent,
    SearchRecord,
    Snapshot,
    Source,
    TrackRecord,
    Verdict,
)
from tests.factories import make_appearance, make_claim, make_entity, make_source, make_user


@pytest.fixture
def world(db):
    italy = make_entity(name="Italy", wikidata_id="Q38")
    source = make_source(url="https://example.org/a")
    claim = make_claim(value_type="entities", subject=make_entity(name="AFG"))
    first = make_appearance(claim=claim, source=source, quote="Les Etats-Unis")
    second = make_appearance(claim=claim, source=source, quote="l'Italie")
    conflict = Conflict.objects.create(
        claim=claim, appearance_a=first, appearance_b=second, kind="entity_set", detail="Italy"
    )
    Claim.objects.filter(pk=claim.pk).recount_open_conflicts()  # as the services keep it
    evidence = Evidence.objects.create(claim=claim, source=source, stance="supports")
    now = timezone.now()
    snapshot = Snapshot.objects.create(
        source=source, url=source.url, raw_gzip=b"", raw_size=0, text=source.text,
        fetched_at=now, checked_at=now,
    )  # fmt: skip
    report = make_source(title="Report", url="https://example.org/report")
    absence = make_claim(value_type="absence", subject=italy, property="incident")
    search = SearchRecord.objects.create(
        claim=absence, searched="Archive", query="incident", searched_on=DAY
    )
    return {
        "absence": absence,
        "search": search,
        "citation": Citation.objects.create(citing=source, cited=report),
        "report": report,
        "snapshot": snapshot,
        "entity": italy,
        "alias": Alias.objects.create(entity=italy, name="Italie", language="fr"),
        "source": source,
        "claim": claim,
        "first": first,
        "second": second,
        "conflict": conflict,
        "evidence": evidence,
        "verdict": Verdict.objects.get(slug="accurate"),
        "user": make_user("reviewer"),
    }


def update(obj, **fields):
    type(obj).objects.filter(pk=obj.pk).update(**fields)


DAY = datetime.date(2022, 5, 3)
CASES = {
    "entity_name_not_blank": lambda w: update(w["entity"], name=""),
    "entity_normalized_name_not_blank": lambda w: update(w["entity"], normalized_name=""),
    "entity_kind_valid": lambda w: update(w["entity"], kind="planet"),
    "entity_wikidata_id_unique": lambda w: make_entity(name="Italia", wikidata_id="Q38"),
    "entity_wikidata_id_format": lambda w: update(w["entity"], wikidata_id="38"),
    "alias_normalized_not_blank": lambda w: update(w["alias"], normalized=""),
    "alias_unique_per_entity": lambda w: Alias.objects.create(entity=w["entity"], name="ITALIE"),
    "alias_language_format": lambda w: update(w["alias"], language="FR"),
    "source_title_not_blank": lambda w: update(w["source"], title=""),
    "source_url_unique": lambda w: make_source(url="https://example.org/a"),
    "source_kind_valid": lambda w: update(w["source"], kind="rumour"),
    "source_language_format": lambda w: update(w["source"], language="1a"),
    "source_content_sha256_format": lambda w: update(w["source"], content_sha256=""),
    "source_published_on_with_precision": lambda w: update(
        w["source"], published_on=datetime.date(2022, 5, 1)
    ),
    "source_published_on_starts_its_period": lambda w: update(
        w["source"], published_on=DAY, published_precision="month"
    ),
    "verdict_slug_unique": lambda w: Verdict.objects.create(label="Right", slug="accurate"),
    "verdict_label_unique": lambda w: Verdict.objects.create(label="Accurate", slug="right"),
    "verdict_label_not_blank": lambda w: update(w["verdict"], label=""),
    "verdict_slug_not_blank": lambda w: update(w["verdict"], slug=""),
    "verdict_scale_ordered": lambda w: update(w["verdict"], worst_rating=4, best_rating=4),
    "verdict_rating_on_scale": lambda w: update(w["verdict"], rating_value=7),
    "claim_statement_not_blank": lambda w: update(w["claim"], statement=""),
    "claim_statement_length": lambda w: update(w["claim"], statement="x" * 2001),
    "claim_external_id_not_blank": lambda w: update(w["claim"], external_id=""),
    "claim_external_id_unique": lambda w: make_claim(external_id=w["claim"].external_id),
    "claim_value_type_valid": lambda w: update(w["claim"], value_type="colour"),
    "claim_status_valid": lambda w: update(w["claim"], status="done"),
    "claim_reviewed_has_verdict": lambda w: update(w["claim"], status="reviewed"),
    "claim_structured_has_subject_and_property": lambda w: update(w["claim"], property=""),
    "claim_version_positive": lambda w: update(w["claim"], version=0),
    "appearance_attribution_valid": lambda w: update(w["first"], attribution="rumour"),
    "citation_once": lambda w: Citation.objects.create(citing=w["source"], cited=w["report"]),
    "citation_not_itself": lambda w: update(w["citation"], cited=w["source"]),
    "citation_kind_valid": lambda w: update(w["citation"], kind="copies"),
    "claim_recorded_by_for_absence": lambda w: update(w["claim"], recorded_by=w["entity"]),
    "searchrecord_searched_given": lambda w: update(w["search"], searched=""),
    "searchrecord_query_given": lambda w: update(w["search"], query=""),
    "searchrecord_nothing_or_items": lambda w: update(w["search"], found="An item."),
    "searchrecord_period_ordered": lambda w: update(
        w["search"], covered_from=DAY, covered_to=DAY - datetime.timedelta(days=1)
    ),
    "appearance_drift_valid": lambda w: update(w["first"], drift="gone", snapshot=w["snapshot"]),
    "appearance_drift_has_snapshot": lambda w: update(w["first"], drift="removed"),
    "snapshot_text_sha256_format": lambda w: update(w["snapshot"], text_sha256="abc"),
    "snapshot_checked_after_fetched": lambda w: update(
        w["snapshot"], checked_at=w["snapshot"].fetched_at - datetime.timedelta(days=1)
    ),
    "appearance_offsets_both_or_neither": lambda w: update(w["first"], end=None),
    "appearance_offsets_ordered": lambda w: update(w["first"], start=5, end=5, quote=""),
    "appearance_offsets_span_quote": lambda w: update(w["first"], quote="Les Etats"),
    "appearance_at_most_one_value": lambda w: update(
        w["first"], value_number=3, value_boolean=True
    ),
    "appearance_speaker_named_or_described": lambda w: update(
        w["first"], speaker=w["entity"], speaker_description="le ministre"
    ),
    "appearance_said_on_with_precision": lambda w: update(w["first"], said_on_precision="day"),
    "appearance_said_on_starts_its_period": lambda w: update(
        w["first"], said_on=DAY, said_on_precision="year"
    ),
    "appearance_as_of_with_precision": lambda w: update(w["first"], as_of=DAY),
    "appearance_as_of_starts_its_period": lambda w: update(
        w["first"], as_of=DAY, as_of_precision="month"
    ),
    "appearance_value_date_with_precision": lambda w: update(w["first"], value_date=DAY),
    "appearance_value_date_starts_its_period": lambda w: update(
        w["first"], value_date=DAY, value_date_precision="year"
    ),
    "conflict_pair_ordered": lambda w: update(
        w["conflict"], appearance_a=w["second"], appearance_b=w["first"]
    ),
    "conflict_pair_unique": lambda w: Conflict.objects.bulk_create(
        [
            Conflict(
                claim=w["claim"],
                appearance_a=w["first"],
                appearance_b=w["second"],
                kind="other",
                detail="again",
            )
        ]
    ),
    "conflict_kind_valid": lambda w: update(w["conflict"], kind="vibes"),
    "conflict_origin_valid": lambda w: update(w["conflict"], origin="oracle"),
    "conflict_state_valid": lambda w: update(
        w["conflict"], state="maybe", resolved_at=timezone.now(), resolution_note="why"
    ),
    "conflict_detail_not_blank": lambda w: update(w["conflict"], detail=""),
    "conflict_open_is_unresolved": lambda w: update(w["conflict"], resolved_at=timezone.now()),
    "conflict_closed_has_note": lambda w: update(
        w["conflict"], state="dismissed", resolved_at=timezone.now()
    ),
    "conflict_prevailing_is_a_resolved_version": lambda w: update(
        w["conflict"],
        state="resolved",
        resolution="prevails",
        resolved_at=timezone.now(),
        resolution_note="later",
        prevailing=make_appearance(claim=w["claim"], source=w["source"]),
    ),
    "conflict_timing_valid": lambda w: update(w["conflict"], timing="someday"),
    "conflict_resolution_valid": lambda w: update(
        w["conflict"],
        state="resolved",
        resolution="coin_toss",
        resolved_at=timezone.now(),
        resolution_note="heads",
    ),
    "conflict_resolved_has_resolution": lambda w: update(
        w["conflict"], state="resolved", resolved_at=timezone.now(), resolution_note="why"
    ),
    "claim_tolerance_not_negative": lambda w: update(w["claim"], tolerance=-1),
    "claim_not_merged_into_itself": lambda w: update(
        w["claim"], status="archived", merged_into=w["claim"]
    ),
    "claim_merged_is_archived": lambda w: update(
        w["claim"], merged_into=make_claim(statement="The claim it duplicates.")
    ),
    "claim_proposal_complete_and_in_review": lambda w: update(
        w["claim"], proposed_verdict=w["verdict"], proposed_by=w["user"]
    ),
    "appearance_version_positive": lambda w: update(w["first"], version=0),
    "appearance_rank_valid": lambda w: update(w["first"], rank="best", rank_reason="why"),
    "appearance_rank_has_reason": lambda w: update(w["first"], rank="preferred"),
    "evidence_stance_valid": lambda w: update(w["evidence"], stance="maybe"),
    "evidence_source_once_per_claim": lambda w: Evidence.objects.create(
        claim=w["claim"], source=w["source"], stance="refutes"
    ),
    "reviewevent_action_valid": lambda w: ReviewEvent.objects.create(
        claim=w["claim"], action="deleted"
    ),
    "rating_mapping_by_name_or_value": lambda w: rating_mapping(label="", normalized_label=""),
    "rating_mapping_value_on_scale": lambda w: rating_mapping(**{**BY_VALUE, "rating_value": 6}),
    "rating_mapping_name_unique": lambda w: rating_mapping() and rating_mapping(),
    "rating_mapping_value_unique": lambda w: (
        rating_mapping(**BY_VALUE) and rating_mapping(**BY_VALUE)
    ),
    "importjob_status_valid": lambda w: import_job(status="lost"),
    "importjob_format_valid": lambda w: import_job(format="xlsx"),
    "track_record_unique": lambda w: track_record(w) and track_record(w),
    "track_record_counts_claims": lambda w: track_record(w, claims=0),
}


def track_record(w, claims=1):
    return TrackRecord.objects.create(speaker=w["entity"], verdict=w["verdict"], claims=claims)


BY_VALUE = {"label": "", "normalized_label": "", "rating_value": 2, "worst_rating": 1,
            "best_rating": 5}  # fmt: skip


def rating_mapping(**fields):
    fields = {"label": "Faux", "normalized_label": "faux", **fields}
    return RatingMapping.objects.create(verdict=Verdict.objects.get(slug="accurate"), **fields)


def import_job(**fields):
    return ImportJob.objects.create(user=make_user("editor"), file_name="a.csv", size=1, **fields)


DECLARED = {
    constraint.name: constraint
    for model in apps.get_app_config("claims").get_models()
    for constraint in model._meta.constraints
}


@pytest.mark.parametrize("constraint", sorted(CASES))
def test_constraint_is_enforced_by_the_database(world, constraint):
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        CASES[constraint](world)
    # The error names the constraint, so each case is refused for its own reason; SQLite
    # names a unique constraint's columns instead.
    if isinstance(DECLARED[constraint], CheckConstraint) or connection.vendor != "sqlite":
        assert constraint in str(refused.value)


def test_the_valid_world_is_accepted(world):
    assert Conflict.objects.count() == 1
    assert Appearance.objects.count() == 2


def test_every_named_constraint_has_a_case():
    assert set(DECLARED) == set(CASES)


def test_a_valid_structured_and_reviewed_claim_is_accepted(db):
    claim = make_claim(value_type="number")
    update(claim, status="reviewed", verdict=Verdict.objects.get(slug="misleading"))
    claim.refresh_from_db()
    assert claim.status == "reviewed"


def test_blank_urls_and_wikidata_ids_do_not_collide(db):
    make_source(url="")
    make_source(url="")
    make_entity(wikidata_id="")
    make_entity(wikidata_id="")
    assert Source.objects.filter(url="").count() == 2
    assert Entity.objects.filter(wikidata_id="").count() == 2


def test_claim_is_protected_by_its_history(world):
    ReviewEvent.objects.create(claim=world["claim"], action="note", note="checked")
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=world["claim"].pk).delete()
