"""Importing files (README, "Import"): the desk's full dump round trip, the CSV of versions,
all or nothing with every problem named by its line and field, idempotent re-imports."""

import html
import io
import json

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from claims.interchange import records_of
from claims.interchange.dump import desk_dump, read_dump
from claims.interchange.table import COLUMNS, template
from claims.models import (
    Appearance,
    Claim,
    ClaimStatus,
    Conflict,
    ConflictState,
    Entity,
    ImportJob,
    ImportStatus,
    ReviewEvent,
    Source,
    Verdict,
)
from claims.policy import SYSTEM
from claims.services import (
    Decision,
    assign,
    decide_conflict,
    load_demo,
    mark_reviewed,
    merge_claims,
    record_appearance,
    start_review,
)
from claims.services import import_records as import_
from tests.factories import make_source, make_user
from tests.responses import body

DUMP = "claim-tracker-dump"


def dump() -> str:
    return "".join(desk_dump())


def import_dump(text: str, *, by=SYSTEM):
    return import_(records=read_dump(io.BytesIO(text.encode())), by=by)


def import_csv(text: str, *, by=SYSTEM):
    return import_(records=records_of(io.BytesIO(text.encode()), "csv"), by=by)


def csv_of(*rows: dict, separator=",", newline="\r\n") -> str:
    """A CSV as a spreadsheet saves it (CRLF line ends), with the columns the rows use."""
    import csv

    columns = list(dict.fromkeys(column for row in rows for column in row))
    output = io.StringIO()
    writer = csv.DictWriter(output, columns, delimiter=separator, lineterminator=newline)
    writer.writeheader()
    writer.writerows(rows)
    return output.getvalue()


def row_counts() -> dict[str, int]:
    """How many rows each of the tracker's tables (history included) and users hold."""
    models = [*apps.get_app_config("claims").get_models(), apps.get_model("auth", "User")]
    return {model._meta.label: model._default_manager.count() for model in models}


def desk_at_work():
    """The demo, with a desk's work on it: a conflict decided (ranks), a claim reviewed and
    one assigned, a duplicate merged, people named in the history."""
    load_demo()
    reviewer = make_user("reviewer", username="rita")
    conflict = Conflict.objects.get()
    decide_conflict(
        conflict=conflict, by=reviewer, decision=Decision.PREVAILS_A, note="The later article."
    )
    claims = list(Claim.objects.filter(value_type="none").order_by("pk"))
    claim = start_review(claim=claims[0], by=reviewer)
    mark_reviewed(
        claim=claim, by=reviewer, verdict=Verdict.objects.get(slug="accurate"), note="Checked."
    )
    assign(claim=claims[1], to=reviewer, by=reviewer)
    claims[2].refresh_from_db()
    merge_claims(
        duplicate=claims[2], into=claims[3], by=reviewer, based_on=claims[2].version, note="Same."
    )
    record_appearance(claim=claims[4], source=Source.objects.first(), by=reviewer,
                      speaker_description="le ministre", attribution="reported")  # fmt: skip


class Rollback(Exception):
    pass


@pytest.fixture
def desk_dump_text(db) -> str:
    """The dump of a desk at work, taken in a transaction rolled back: the database is empty
    again (its rows get new ids on PostgreSQL, whose sequences do not roll back)."""
    with pytest.raises(Rollback), transaction.atomic():
        desk_at_work()
        text = dump()
        raise Rollback
    assert Claim.objects.count() == 0
    return text


def test_a_dump_imported_into_an_empty_database_dumps_the_same(desk_dump_text):
    report = import_dump(desk_dump_text)
    assert report.ok, report.problems
    assert dump() == desk_dump_text
    # What the desk did is there: the decision and its ranks, the verdict, the merge.
    assert Conflict.objects.get().state == ConflictState.RESOLVED
    assert set(Appearance.objects.values_list("rank", flat=True)) >= {"preferred", "deprecated"}
    reviewed = Claim.objects.get(status=ClaimStatus.REVIEWED)
    assert reviewed.verdict.slug == "accurate"
    assert Claim.objects.filter(merged_into__isnull=False).count() == 1
    assert Appearance.objects.filter(speaker_description="le ministre").count() == 1
    assert ReviewEvent.objects.filter(actor__username="rita").exists()
    # rita was not in this database: she came back as an inactive account with no password.
    rita = apps.get_model("auth", "User").objects.get(username="rita")
    assert not rita.is_active and not rita.has_usable_password()
    assert report.created["people"] == 1


def test_importing_the_demo_dump_reproduces_the_demo(db):
    with pytest.raises(Rollback), transaction.atomic():
        load_demo()
        text = dump()
        statements = sorted(Claim.objects.values_list("statement", "status"))
        counts = row_counts()
        raise Rollback
    report = import_dump(text)
    assert report.ok
    assert report.created["claims"] == 16 and report.created["versions"] == 19
    assert sorted(Claim.objects.values_list("statement", "status")) == statements
    # The same rows everywhere, history included, but the demo's users (the dump names none)
    # and the desk's settings (its verdict scale and rating mappings, which a dump uses).
    imported = row_counts()
    for label, count in counts.items():
        if label not in ("auth.User", "claims.RatingMapping"):
            assert imported[label] == count, label
    # The conflict the demo's versions make is there once, and the engine found nothing new.
    assert Conflict.objects.count() == 1 and report.conflicts_opened == 0


def test_importing_a_dump_again_changes_nothing(desk_dump_text):
    import_dump(desk_dump_text)
    before = row_counts()
    report = import_dump(desk_dump_text)
    assert report.ok
    assert report.created.total() == 0
    assert (
        report.unchanged["claims"] == 16 and report.unchanged["versions"] == 20
    )  # the demo's 19 and one more
    assert report.summary().startswith("0 created, ")
    assert row_counts() == before


def test_an_editor_imports_a_dump_without_its_reviews(desk_dump_text):
    editor = make_user("editor")
    report = import_dump(desk_dump_text, by=editor)
    assert report.ok
    assert set(Claim.objects.values_list("status", flat=True)) == {ClaimStatus.NEW}
    assert not ReviewEvent.objects.exclude(action="conflict_detected").exists()
    assert any("your role does not allow you to review" in note for note in report.notes)


def test_importing_needs_a_role_that_records_claims(db):
    with pytest.raises(PermissionDenied):
        import_dump(dump(), by=None)


# --- The CSV of versions ----------------------------------------------------------------------


@pytest.fixture
def article(db):
    return make_source(
        title="Article",
        url="https://example.org/article",
        language="fr",
        text=(
            "Le Maroc co-préside le groupe avec l'Italie.\n\nLe Niger, lui, n'en est pas membre."
        ),
    )


ROW = {
    "claim_id": "partner-1",
    "statement": "Le Maroc co-préside le groupe.",
    "subject": "Groupe de réflexion Afrique",
    "property": "co-chairs",
    "value_type": "entities",
    "value": "Maroc; Italie",
    "speaker": "Nasser Bourita",
    "quote": "Le Maroc co-préside le groupe avec l'Italie.",
    "said_on": "2021-06-28",
    "source_url": "https://example.org/article",
}


def test_a_csv_row_becomes_a_claim_with_its_version_and_entities(demo, article):
    report = import_csv(csv_of(ROW))
    assert report.ok, report.problems
    claim = Claim.objects.get(external_id="partner-1")
    version = claim.appearances.get()
    assert version.source == article
    # Anchored in its source's text, found by its quote.
    assert article.text[version.start : version.end] == ROW["quote"]
    # Entities found by their aliases, in French and without accents: none made.
    assert {e.name for e in version.value_entities.all()} == {"Morocco", "Italy"}
    assert claim.subject.name == "Africa Focus Group"
    assert version.speaker.name == "Nasser Bourita"
    assert report.created["entities"] == 0
    # Its value disagrees with the demo's versions of the same fact: conflicts opened.
    assert report.conflicts_opened >= 1
    assert Conflict.objects.filter(appearance_b=version).exists()


def test_a_multi_paragraph_quote_pasted_with_crlf_is_found_in_its_source(demo, article):
    quote = "Le Maroc co-préside le groupe avec l'Italie.\r\n\r\nLe Niger, lui"
    report = import_csv(csv_of({**ROW, "quote": quote, "value": ""}, separator=";"))
    assert report.ok, report.problems
    version = Appearance.objects.get(claim__external_id="partner-1")
    assert version.quote == quote.replace("\r\n", "\n")
    assert version.start == 0


def test_importing_a_csv_again_changes_nothing(demo, article):
    text = csv_of(ROW, {**ROW, "claim_id": "", "statement": "Le Niger n'en est pas membre.",
                        "value_type": "", "value": "", "quote": "Le Niger, lui"})  # fmt: skip
    first = import_csv(text)
    assert first.ok and first.created["versions"] == 2
    before = row_counts()
    again = import_csv(text)
    assert again.ok
    assert again.created.total() == 0
    assert again.unchanged["versions"] == 2
    assert row_counts() == before


BAD_ROWS = [
    # (cells that make the row bad, the column named, a word of the message)
    ({"said_on": "2021-02-30"}, "said_on", "no day 30"),
    ({"start": "10", "end": "5000"}, "end", "outside the source text"),
    ({"quote": "Le Maroc préside seul."}, "quote", "not in the text of its source"),
    ({"value_type": "colour"}, "value_type", "not one of"),
    ({"source_url": "", "source_title": "x" * 501}, "source_title", "at most 500"),
    ({"verdict": "Pants on fire"}, "verdict", "not one of the desk's verdicts"),
    ({"source_language": "xx"}, "source_language", "ISO 639-1"),
    ({"statement": ""}, "statement", "required"),
    ({"statement": "Le Maroc préside. " * 200}, "statement", "at most 2000"),
    ({"attribution": "rumour"}, "attribution", "not one of"),
    ({"speaker": "x" * 400}, "speaker", "is not a name"),
    ({"value": "Maroc; " + "y" * 400}, "value", "is not a name"),
    ({"claim_id": "z" * 201}, "claim_id", "at most 200"),
    ({"source_url": "not a url"}, "source_url", "valid URL"),
]


@pytest.mark.parametrize("cells,column,message", BAD_ROWS)
def test_a_bad_row_is_reported_by_line_and_column_and_nothing_is_written(
    demo, article, cells, column, message
):
    good = {**ROW, "claim_id": "partner-0"}
    text = csv_of(good, {**ROW, **cells})
    before = row_counts()
    report = import_csv(text)
    assert not report.ok
    assert [(p.where, p.field) for p in report.problems] == [("line 3", column)]
    assert message in report.problems[0].message
    assert report.summary() == "1 problem: nothing was imported."
    assert row_counts() == before


def test_every_problem_of_a_file_is_listed_in_file_order(demo, article):
    rows = [{**ROW, "claim_id": f"p{n}", **cells} for n, (cells, _c, _m) in enumerate(BAD_ROWS)]
    report = import_csv(csv_of(*rows))
    assert [(p.where, p.field) for p in report.problems] == [
        (f"line {n + 2}", column) for n, (_cells, column, _m) in enumerate(BAD_ROWS)
    ]


def test_a_claim_id_cannot_state_two_things(demo, article):
    report = import_csv(csv_of(ROW, {**ROW, "statement": "Autre chose."}))
    assert [(p.where, p.field) for p in report.problems] == [("line 3", "statement")]
    assert "an import does not change a claim" in report.problems[0].message


def test_problems_are_told_in_french(demo, article):
    with translation.override("fr"):
        report = import_csv(csv_of({**ROW, "said_on": "2021-02-30"}))
        summary = report.summary()
    assert "n'est pas une date valide" in report.problems[0].message
    assert summary == "1 problème : rien n'a été importé."


def test_the_template_has_every_column_and_imports(demo):
    text = template()
    assert text.splitlines()[0].split(",") == COLUMNS
    report = import_csv(text)
    assert report.ok, report.problems
    assert Claim.objects.filter(external_id="desk-0001").exists()


def test_a_verdict_in_a_csv_reviews_the_claim_when_the_importer_may(demo, article):
    reviewer = make_user("reviewer")
    report = import_csv(csv_of({**ROW, "verdict": "plutot exact"}), by=reviewer)
    assert report.ok, report.problems
    claim = Claim.objects.get(external_id="partner-1")
    assert claim.status == ClaimStatus.REVIEWED
    assert claim.verdict.slug == "mostly-accurate"
    assert list(claim.review_events.values_list("action", flat=True)) == ["verdict", "status"]

    editor = make_user("editor")
    report = import_csv(csv_of({**ROW, "claim_id": "partner-2", "verdict": "exact"}), by=editor)
    assert report.ok
    assert Claim.objects.get(external_id="partner-2").status == ClaimStatus.NEW
    assert report.notes


# --- Hostile files ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,message",
    [
        ("{not json", "not valid JSON"),
        ('{"format": "something-else", "claims": []}', "not a dump of this tracker"),
        ('{"format": "claim-tracker-dump", "version": 7}', "version 7"),
    ],
)
def test_a_file_that_is_not_a_dump_is_refused(db, text, message):
    report = import_dump(text)
    assert not report.ok
    assert message in str(report.problems[0])


def test_a_dump_item_of_the_wrong_shape_is_reported_by_its_path(db):
    text = json.dumps(
        {
            "format": DUMP,
            "version": 1,
            "entities": [{"id": 1, "name": "Maroc", "kind": "country"}, ["not", "an", "item"]],
            "claims": [
                {"id": 1, "statement": "S", "subject": 9, "value_type": "number", "property": "p"},
                {"id": 1, "statement": 12.5, "status": "reviewed"},
            ],
        }
    )
    report = import_dump(text)
    assert [(p.where, p.field) for p in report.problems] == [
        ("entities[1]", ""),
        ("claims[0]", "subject"),
        ("claims[1]", "statement"),
        ("claims[1]", "verdict"),
    ]
    assert Entity.objects.count() == 0


def test_a_csv_with_unknown_columns_names_them(db):
    report = import_csv("statement,sayd_on\r\nX,2021\r\n")
    assert "sayd_on" in report.problems[0].message
    assert report.problems[0].where == "line 1"


def test_a_csv_saved_as_utf16_by_a_spreadsheet_is_read(demo, article):
    raw = csv_of(ROW, separator="\t").encode("utf-16")
    report = import_(records=records_of(io.BytesIO(raw), "csv"), by=SYSTEM)
    assert report.ok, report.problems
    assert Claim.objects.filter(external_id="partner-1").exists()


def test_the_command_imports_and_reports(demo, article, tmp_path, capsys):
    path = tmp_path / "versions.csv"
    path.write_text(csv_of(ROW, {**ROW, "claim_id": "p2", "said_on": "2021-02-30"}))
    with pytest.raises(CommandError, match="1 problem: nothing was imported"):
        call_command("import_claims", str(path))
    assert "line 3, said_on: “2021-02-30” is not a valid date" in capsys.readouterr().err
    assert not Claim.objects.filter(external_id="partner-1").exists()
    path.write_text(csv_of(ROW, {**ROW, "claim_id": "p2", "said_on": "2021-02-28"}))
    call_command("import_claims", str(path))
    assert "2 created" in capsys.readouterr().out.replace("versions: 2 created", "")
    call_command("import_claims", str(path), "--dry-run")
    assert "Dry run, nothing written: 0 created" in capsys.readouterr().out


def test_the_command_refuses_an_unknown_user_and_a_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match="No active user"):
        call_command("import_claims", str(tmp_path / "x.csv"), "--as", "nobody")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_claims", str(tmp_path / "x.csv"))


# --- The import page and its background job ---------------------------------------------------


def upload(client, text: str, name="versions.csv", **data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    file = SimpleUploadedFile(name, text.encode(), content_type="text/csv")
    return client.post(reverse("claims:import"), {"file": file, **data}, follow=True)


@pytest.fixture
def editor_client(client, db):
    client.force_login(make_user("editor"))
    return client


def test_an_editor_sees_the_line_that_is_wrong_then_imports_the_fixed_file(
    demo, article, editor_client, django_assert_max_num_queries
):
    before = row_counts()
    page = upload(editor_client, csv_of(ROW, {**ROW, "claim_id": "p2", "said_on": "2021-02-30"}))
    text = page.content.decode()
    assert "1 problem: nothing was imported." in text
    assert "<td>line 3</td><td>said_on</td>" in text
    assert "2021-02-30" in text
    assert row_counts() == {**before, "claims.ImportJob": before["claims.ImportJob"] + 1}

    page = upload(editor_client, csv_of(ROW, {**ROW, "claim_id": "p2", "said_on": "2021-02-28"}))
    assert "2 created" in page.content.decode().replace("versions: 2 created", "")
    assert Claim.objects.filter(external_id__in=["partner-1", "p2"]).count() == 2
    job = ImportJob.objects.latest("pk")
    with django_assert_max_num_queries(8):
        editor_client.get(reverse("claims:import-job", args=[job.pk]))
    # The uploaded file is not kept once imported.
    assert not job.path.exists()


def test_the_import_page_speaks_french(demo, article, editor_client):
    editor_client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    page = upload(editor_client, csv_of({**ROW, "said_on": "2021-02-30"}))
    text = html.unescape(page.content.decode())
    assert "1 problème : rien n'a été importé." in text
    assert "n'est pas une date valide" in text


def test_a_trial_run_writes_nothing(demo, article, editor_client):
    before = Claim.objects.count()
    page = upload(editor_client, csv_of(ROW), dry_run="on")
    assert "checked: nothing written" in page.content.decode()
    assert Claim.objects.count() == before


def test_a_big_upload_is_imported_by_the_worker(
    demo, article, editor_client, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_INLINE_BYTES = 10
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        page = upload(editor_client, csv_of(ROW))
    job = ImportJob.objects.latest("pk")
    assert job.status == ImportStatus.QUEUED
    assert "waiting its turn" in page.content.decode()
    progress = editor_client.get(reverse("claims:import-progress", args=[job.pk])).json()
    assert progress == {"finished": False, "records": 0, "percent": 0}
    # Queued in the database for the worker (manage.py db_worker), which runs it so:
    from django_tasks_db.models import DBTaskResult

    from claims.tasks import import_file

    queued = DBTaskResult.objects.get()
    assert (queued.task_path, queued.args_kwargs["args"]) == ("claims.tasks.import_file", [job.pk])
    import_file.call(*queued.args_kwargs["args"])
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert job.report["created"]["versions"] == 1
    assert editor_client.get(reverse("claims:import-progress", args=[job.pk])).json()["finished"]
    assert Claim.objects.filter(external_id="partner-1").exists()


def test_an_import_is_its_importers_to_see(demo, article, editor_client, client):
    upload(editor_client, csv_of(ROW))
    job = ImportJob.objects.latest("pk")
    other = Client()
    other.force_login(make_user("editor"))
    assert other.get(reverse("claims:import-job", args=[job.pk])).status_code == 404
    assert other.get(reverse("claims:import-progress", args=[job.pk])).status_code == 404


def test_reviewers_import_but_only_administrators_download_the_desk(demo, client):
    client.force_login(make_user("reviewer"))
    assert client.get(reverse("claims:import")).status_code == 200
    assert client.get(reverse("claims:desk-dump")).status_code == 403
    client.force_login(make_user("admin"))
    response = client.get(reverse("claims:desk-dump"))
    assert json.loads(body(response))["format"] == DUMP
    assert client.get(reverse("claims:import-template")).content.decode().startswith("claim_id,")


def test_the_dump_command_writes_what_the_import_reads(demo, tmp_path):
    path = tmp_path / "desk.json"
    call_command("export_dump", str(path))
    assert path.read_text(encoding="utf-8") == dump()
    report = import_dump(path.read_text(encoding="utf-8"))
    assert report.ok and report.created.total() == 0


def test_memory_does_not_grow_with_the_file(db, tmp_path, monkeypatch):
    """The peak of memory allocated while importing a generated archive of 300 versions and
    one six times as long is about the same: it depends on the batches (small here, so that
    the shorter file fills several), not the file. bench/imports.py measures 100,000."""
    import tracemalloc

    from claims.demo.archive import write_archive
    from claims.services import imports

    monkeypatch.setattr(imports, "DETECTION_BATCH", 20)
    monkeypatch.setattr(imports, "KNOWN_LIMIT", 50)
    peaks = []
    for seed, versions in ((1, 300), (2, 1_800)):
        path = tmp_path / f"{versions}.csv"
        write_archive(path, versions, seed=seed)
        tracemalloc.start()
        with open(path, "rb") as file:
            report = import_(records=records_of(file), by=SYSTEM, batch_size=75)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        assert report.ok and report.created["versions"] == versions
    # Six times the rows: a reader that held the file, or rows kept from batch to batch, would
    # take several times the memory; what grows here is a few ids a claim.
    assert peaks[1] < 1.5 * peaks[0], peaks


def test_a_dump_with_an_id_twice_is_refused(db):
    text = json.dumps(
        {
            "format": DUMP,
            "version": 1,
            "entities": [
                {"id": 1, "name": "Maroc", "kind": "country"},
                {"id": 1, "name": "Niger", "kind": "country"},
            ],
            "claims": [
                {"id": 1, "external_id": "x-1", "statement": "One."},
                {"id": 2, "external_id": "x-1", "statement": "One."},
            ],
        }
    )
    report = import_dump(text)
    assert [(p.where, p.field, p.message) for p in report.problems] == [
        ("entities[1]", "id", "Another item of this list has the id 1."),
        ("claims[1]", "external_id", "Another claim of the file has this id."),
    ]
    assert Entity.objects.count() == 0
