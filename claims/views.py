"""The editors' pages. Each view fetches, binds a form, calls a service and redirects; the
services check roles and rules, so a refused step is refused here too (403, or a message)."""

from functools import partial

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import condition, require_POST
from django_htmx.http import HttpResponseClientRefresh

from . import claimreview, policy
from .exports import claims_csv, claims_json, export_name, versions_csv
from .fetching import FetchError
from .filters import ClaimFilter
from .forms import (
    CitationForm,
    ClaimEditForm,
    ConflictDecisionForm,
    EntityForm,
    EvidenceForm,
    FetchedSourceForm,
    FetchForm,
    ImportForm,
    MergeForm,
    ProposalQueryForm,
    RecordForm,
    ReviewStepForm,
    SearchRecordForm,
    SourceForm,
    ValueDecisionForm,
    VersionForm,
    add_service_error,
)
from .interchange.table import template as csv_template
from .models import (
    Appearance,
    Citation,
    Claim,
    ClaimStatus,
    Conflict,
    Entity,
    ImportJob,
    Snapshot,
    Source,
    TrackRecord,
    ValueType,
)
from .pagination import EstimatingPaginator, count_about
from .services import (
    Step,
    add_citation,
    add_entity,
    add_evidence,
    add_fetched_source,
    add_search_record,
    add_source,
    available_steps,
    claim_origins,
    claim_timeline,
    current_value,
    current_values,
    decide_conflict,
    decide_value,
    delete_appearance,
    describe_conflicts,
    disagreement_of,
    export_desk,
    fetch_page,
    highlight_segments,
    mark_drift_checked,
    merge_claims,
    possible_duplicates,
    propose_claims,
    recent_activity,
    recheck_source,
    record_claim_from_source,
    remove_citation,
    search_everything,
    source_record,
    start_import,
    suggest_citations,
    take_step,
    update_appearance,
    update_claim,
    versions_side_by_side,
)
from .text import diff_paragraphs

PAGE_SIZE = 25


def _claim_rows(queryset):
    """A claim list's rows with what each row shows, in a fixed number of queries."""
    return queryset.with_counts().select_related("verdict", "subject", "assignee")


def _page(request, queryset, size=PAGE_SIZE):
    return EstimatingPaginator(queryset, size).get_page(request.GET.get("page"))


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _form_error_text(form) -> str:
    """A form's errors in one line, for a message on the page it came from."""
    return " ".join(message for errors in form.errors.values() for message in errors)


# A status under its count, agreeing with it ("1 new claim", «15 nouvelles affirmations»).
COUNTED_STATUS = {
    ClaimStatus.NEW: lambda n: ngettext("new claim", "new claims", n),
    ClaimStatus.IN_REVIEW: lambda n: ngettext("claim in review", "claims in review", n),
    ClaimStatus.REVIEWED: lambda n: ngettext("reviewed claim", "reviewed claims", n),
    ClaimStatus.ARCHIVED: lambda n: ngettext("archived claim", "archived claims", n),
}


@login_required
def dashboard(request):
    # Each count bounded, an estimate beyond (a GROUP BY read every claim: 450 ms a million).
    counts = {
        status: count_about(Claim.objects.filter(status=status)) for status in ClaimStatus.values
    }
    context = {
        "status_counts": [
            (status, COUNTED_STATUS[status](count), count, estimated)
            for status, (count, estimated) in counts.items()
        ],
        "open_conflicts": count_about(Conflict.objects.open()),
        "mine": _claim_rows(
            Claim.objects.filter(assignee=request.user).exclude(status=ClaimStatus.ARCHIVED)
        )[:10],
        "recent": recent_activity(),
    }
    return render(request, "claims/dashboard.html", context)


@login_required
def claim_list(request):
    claim_filter = ClaimFilter(request.GET, queryset=Claim.objects.all())
    claims = _claim_rows(claim_filter.qs)
    if not request.GET.get("ordering"):
        # A search lists the best matches first (ranked on PostgreSQL), else the latest activity.
        ranked = ["-search_rank"] if claim_filter.searching else []
        claims = claims.order_by(*ranked, "-last_activity_at", "-pk")
    page = _page(request, claims)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "claims/claim_list.html",
        {
            "filter": claim_filter,
            "page": page,
            "query": query.urlencode(),
            "words": claim_filter.search_words,
            "newest_only": claim_filter.searching and page.paginator.count >= claim_filter.newest,
            "search_newest": claim_filter.newest,
        },
    )


def _export(request, kind: str, lines, content_type: str, extension: str):
    """The claims of the list's filters — every match of a search, oldest first — streamed
    as ``lines`` make them, in a file named after them and the filters."""
    claim_filter = ClaimFilter(request.GET, queryset=Claim.objects.all())
    claim_filter.newest = None
    claims = _claim_rows(claim_filter.qs).order_by("pk")
    filters = claim_filter.form.cleaned_data if claim_filter.is_valid() else {}
    response = StreamingHttpResponse(lines(claims), content_type=content_type)
    name = export_name(kind, filters, extension)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _csv(request, kind: str, lines):
    """A CSV export: its lines link each claim by its absolute URL."""
    lines = partial(lines, link=request.build_absolute_uri)
    return _export(request, kind, lines, "text/csv; charset=utf-8", "csv")


@login_required
def claim_export(request):
    """The filtered list as CSV, a claim a row with its current value (README, "Export")."""
    return _csv(request, "claims", claims_csv)


@login_required
def claim_export_versions(request):
    """The versions of the filtered list's claims as CSV, a version a row."""
    return _csv(request, "versions", versions_csv)


@login_required
def claim_export_json(request):
    """The filtered list as JSON, streamed: each claim with its versions (README, "Export")."""
    return _export(request, "claims", claims_json, "application/json", "json")


@login_required
def claim_detail(request, pk):
    return _claim_page(request, pk)


def _claim_page(request, pk, *, decision_form: ValueDecisionForm | None = None):
    """The claim page; ``decision_form``: a decision refused, shown again with its choice,
    its note and why."""
    claim = get_object_or_404(
        Claim.objects.select_related(
            "subject", "verdict", "assignee", "proposed_verdict", "proposed_by"
        ),
        pk=pk,
    )
    steps = available_steps(claim, request.user)
    disagreement = disagreement_of(claim)
    # The disagreement's conflicts are decided together, above; the others one by one.
    together = {conflict.pk for conflict in disagreement.conflicts} if disagreement else set()
    conflicts = describe_conflicts(
        Conflict.objects.involving(claim)
        .exclude(pk__in=together)
        .select_related(
            "claim", "appearance_a__source", "appearance_b__source", "resolved_by", "prevailing"
        )
        .order_by("state", "created_at")
    )
    can_decide = policy.can(request.user, "decide_conflict")
    if disagreement and can_decide and decision_form is None:
        decision_form = ValueDecisionForm(disagreement=disagreement)
    columns = versions_side_by_side(claim)
    context = {
        "claim": claim,
        "columns": columns,
        "origins": claim_origins([column.appearance for column in columns]),
        "current": current_value(claim),
        "disagreement": disagreement,
        "decision_form": decision_form,
        "conflicts": conflicts,
        "evidence": claim.evidence.select_related("source"),
        "search_records": claim.search_records.all()
        if claim.value_type == ValueType.ABSENCE
        else [],
        "search_form": SearchRecordForm(auto_id="search-%s")
        if claim.value_type == ValueType.ABSENCE and policy.can(request.user, "add_evidence")
        else None,
        "timeline": claim_timeline(claim),
        "review_forms": [ReviewStepForm.for_step(step, based_on=claim.version) for step in steps],
        "can_decide": can_decide,
        "can_edit": policy.can(request.user, "change_claim"),
        "can_correct": policy.can(request.user, "change_appearance"),
        "evidence_form": EvidenceForm(auto_id="evidence-%s")
        if policy.can(request.user, "add_evidence")
        else None,
        "duplicates": possible_duplicates(claim),
        "can_merge": policy.can(request.user, "merge_claims"),
    }
    return render(request, "claims/claim_detail.html", context)


@login_required
@require_POST
def claim_decide(request, pk):
    """Decide which value of the claim's disagreement holds (``decide_value``). Refused, the
    page comes back with the choice and the note kept and the reason beside them."""
    policy.require(request.user, "decide_conflict")
    claim = get_object_or_404(Claim, pk=pk)
    disagreement = disagreement_of(claim)
    page = reverse("claims:claim-detail", args=[pk])
    if disagreement is None:
        messages.info(request, _("Nothing is left to decide: the conflicts were decided."))
        return redirect(f"{page}#conflicts")
    form = ValueDecisionForm(request.POST, disagreement=disagreement)
    if form.is_valid():
        try:
            decide_value(claim=claim, by=request.user, **form.decision())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Decided: the conflicts are resolved."))
            if request.htmx:  # the whole page changed: htmx loads it again
                return HttpResponseClientRefresh()
            return redirect(f"{page}#conflicts")
    return _claim_page(request, pk, decision_form=form)


@login_required
def claim_edit(request, pk):
    claim = get_object_or_404(Claim, pk=pk)
    policy.require(request.user, "change_claim")
    form = ClaimEditForm(request.POST or None, instance=claim)
    if request.method == "POST":
        with transaction.atomic():
            if form.is_valid():
                try:
                    if form.changes():
                        update_claim(
                            claim=claim,
                            by=request.user,
                            based_on=form.cleaned_data["based_on"],
                            **form.changes(),
                        )
                except ValidationError as error:
                    add_service_error(form, error)
                else:
                    messages.success(request, _("Claim saved."))
                    return redirect("claims:claim-detail", pk=claim.pk)
    return render(request, "claims/claim_form.html", {"form": form, "claim": claim})


@login_required
def version_edit(request, pk):
    """Correct a version of a claim (``update_appearance``: on the revision it was opened
    on, its fact compared again); or remove it."""
    appearance = get_object_or_404(
        Appearance.objects.select_related("claim", "source", "speaker"), pk=pk
    )
    policy.require(request.user, "change_appearance")
    form = VersionForm(request.POST or None, appearance=appearance)
    back = f"{reverse('claims:claim-detail', args=[appearance.claim_id])}#version-{pk}"
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        try:
            update_appearance(
                appearance=appearance,
                by=request.user,
                based_on=form.cleaned_data["based_on"],
                value_entities=changes.pop("value_entities", None),
                **changes,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Version corrected."))
            return redirect(back)
    context = {
        "form": form,
        "appearance": appearance,
        "can_delete": policy.may_delete_version(request.user, appearance),
    }
    return render(request, "claims/version_form.html", context)


@login_required
@require_POST
def version_delete(request, pk):
    appearance = get_object_or_404(Appearance.objects.select_related("claim"), pk=pk)
    try:
        delete_appearance(appearance=appearance, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("claims:version-edit", pk=pk)
    messages.success(request, _("Version removed."))
    return redirect("claims:claim-detail", pk=appearance.claim_id)


@login_required
@require_POST
def version_checked(request, pk):
    """An editor has checked a version whose page changed since it was quoted."""
    appearance = get_object_or_404(Appearance, pk=pk)
    try:
        mark_drift_checked(appearance=appearance, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Marked as checked."))
    return redirect(f"{reverse('claims:claim-detail', args=[appearance.claim_id])}#version-{pk}")


@login_required
@require_POST
def evidence_add(request, pk):
    """Add a source as evidence for the claim (``add_evidence``)."""
    claim = get_object_or_404(Claim, pk=pk)
    policy.require(request.user, "add_evidence")
    form = EvidenceForm(request.POST)
    if form.is_valid():
        try:
            add_evidence(claim=claim, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("Evidence added."))
    else:
        messages.error(request, _form_error_text(form))
    return redirect(f"{reverse('claims:claim-detail', args=[pk])}#evidence")


@login_required
@require_POST
def search_record_add(request, pk):
    """Record a search made for a claim that none happened (``add_search_record``)."""
    claim = get_object_or_404(Claim, pk=pk)
    policy.require(request.user, "add_evidence")
    form = SearchRecordForm(request.POST)
    if form.is_valid():
        try:
            add_search_record(claim=claim, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("Search recorded."))
    else:
        messages.error(request, _form_error_text(form))
    return redirect(f"{reverse('claims:claim-detail', args=[pk])}#scope")


@login_required
@require_POST
def claim_review(request, pk):
    """Take one workflow step (from the claim's page, or the admin's: ``next`` says where to
    go back). The role is checked by the service (403); a rule that refuses the step (wrong
    status, no note, open conflicts, a stale version) comes back as a message."""
    claim = get_object_or_404(Claim, pk=pk)
    back = request.POST.get("next", "")
    # A URL of this site only, taken as a URL (never as a view name, as redirect() would).
    if not back.startswith("/") or not url_has_allowed_host_and_scheme(
        back, {request.get_host()}, request.is_secure()
    ):
        back = reverse("claims:claim-detail", args=[pk])
    form = ReviewStepForm(request.POST, steps=Step.values)
    if not form.is_valid():
        messages.error(request, form.errors.as_text())
        return HttpResponseRedirect(back)
    # The step applies to the version the user saw, not whatever is there now.
    claim.version = form.cleaned_data["based_on"]
    try:
        take_step(
            claim=claim,
            by=request.user,
            step=form.cleaned_data["step"],
            verdict=form.cleaned_data["verdict"],
            note=form.cleaned_data["note"],
            assignee=form.cleaned_data["assignee"],
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request, _("Done: %(step)s.") % {"step": Step(form.cleaned_data["step"]).label}
        )
    return HttpResponseRedirect(back)


@login_required
@require_POST
def claim_merge(request, pk):
    """Merge this claim into the one it duplicates (reviewers); back to the kept claim."""
    policy.require(request.user, "merge_claims")
    claim = get_object_or_404(Claim, pk=pk)
    form = MergeForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors.as_text())
        return redirect("claims:claim-detail", pk=pk)
    try:
        kept = merge_claims(
            duplicate=claim,
            into=form.cleaned_data["into"],
            by=request.user,
            based_on=form.cleaned_data["based_on"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("claims:claim-detail", pk=pk)
    messages.success(
        request, _("Claim %(duplicate)s merged into this one.") % {"duplicate": claim.pk}
    )
    return redirect("claims:claim-detail", pk=kept.pk)


@login_required
@require_POST
def conflict_decide(request, pk):
    policy.require(request.user, "decide_conflict")
    conflict = get_object_or_404(
        Conflict.objects.select_related("appearance_a", "appearance_b"), pk=pk
    )
    form = ConflictDecisionForm(request.POST)
    # Back to the claim page the decision was taken on (a conflict between two claims of one
    # fact shows on both), when the form names one of them; else the conflict's own claim.
    pair = {conflict.claim_id, conflict.appearance_a.claim_id, conflict.appearance_b.claim_id}
    shown_on = request.POST.get("claim", "")
    back_to = next((pk for pk in pair if str(pk) == shown_on), conflict.claim_id)
    # Back where the decision was taken, with the message beside it.
    back = redirect(f"{reverse('claims:claim-detail', args=[back_to])}#conflict-{conflict.pk}")
    if not form.is_valid():
        messages.error(request, form.errors.as_text())
        return back
    try:
        decide_conflict(
            conflict=conflict,
            by=request.user,
            decision=form.cleaned_data["decision"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Conflict updated."))
    return back


@login_required
def source_list(request):
    sources = (
        Source.objects.with_appearance_count()
        .select_related("publisher")
        .order_by("-created_at", "-pk")
    )
    return render(request, "claims/source_list.html", {"page": _page(request, sources)})


@login_required
def source_create(request):
    policy.require(request.user, "add_source")
    form = SourceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            source = add_source(by=request.user, **form.source_fields())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Source added. Select a passage to record a claim."))
            return redirect("claims:source-detail", pk=source.pk)
    context = {"form": form, "fetch_form": FetchForm()}
    return render(request, "claims/source_form.html", context)


@login_required
@require_POST
def source_fetch(request):
    """Fetch a page for a new source (``fetch_page``), then show what was read from it."""
    policy.require(request.user, "add_source")
    fetch_form = FetchForm(request.POST)
    if fetch_form.is_valid():
        try:
            snapshot, _page = fetch_page(url=fetch_form.cleaned_data["url"], by=request.user)
        except FetchError as error:
            fetch_form.add_error("url", str(error))
        else:
            return redirect("claims:source-fetched", pk=snapshot.pk)
    context = {"form": SourceForm(), "fetch_form": fetch_form}
    return render(request, "claims/source_form.html", context)


@login_required
def source_fetched(request, pk):
    """What was read from a page the editor fetched: they confirm or correct it, and the
    source is added with the page's text (``add_fetched_source``)."""
    policy.require(request.user, "add_source")
    snapshot = get_object_or_404(
        Snapshot.objects.unconfirmed().defer("raw_gzip"), pk=pk, fetched_by=request.user
    )
    form = FetchedSourceForm(
        request.POST or None, initial=FetchedSourceForm.initial_from(snapshot.metadata)
    )
    if request.method == "POST" and form.is_valid():
        try:
            source = add_fetched_source(
                snapshot=snapshot, by=request.user, **form.metadata_fields()
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Source added. Select a passage to record a claim."))
            return redirect("claims:source-detail", pk=source.pk)
    context = {"form": form, "snapshot": snapshot, "paragraphs": snapshot.text.split("\n\n")}
    return render(request, "claims/source_fetched.html", context)


@login_required
def source_detail(request, pk):
    source = get_object_or_404(
        Source.objects.select_related("publisher", "snapshot").defer(
            "snapshot__raw_gzip",
            "snapshot__text",  # the page shows when, not what, it read
        ),
        pk=pk,
    )
    appearances = list(
        source.appearances.select_related("claim", "speaker").order_by("start", "pk")
    )
    snapshots = list(source.snapshots.only("pk", "source", "fetched_at", "raw_size"))
    form = RecordForm(request.POST or None, source=source)
    if request.method == "POST":
        policy.require(request.user, "record_appearance")
        if form.is_valid():
            fields = form.appearance_fields()
            try:
                appearance = record_claim_from_source(
                    source=source,
                    by=request.user,
                    claim=form.cleaned_data.get("claim"),
                    new_claim=form.new_claim(),
                    value_entities=fields.pop("value_entities", ()),
                    **fields,
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Recorded as a version of this claim."))
                return redirect("claims:claim-detail", pk=appearance.claim_id)
    context = {
        "source": source,
        "segments": highlight_segments(source.text, appearances),
        "appearances": appearances,
        # Each fetch of the page with the one before it, to compare them.
        "snapshots": zip(snapshots, [*snapshots[1:], None], strict=True),
        "form": form,
        "can_record": policy.can(request.user, "record_appearance"),
        "can_recheck": policy.can(request.user, "change_source"),
        "citations": source.citations.select_related("cited__publisher").defer(
            "cited__text", "cited__search_text"
        ),
        "cited_by": source.cited_by.select_related("citing").defer(
            "citing__text", "citing__search_text"
        ),
        "suggestions": suggest_citations(source)
        if policy.can(request.user, "change_source")
        else [],
        "citation_form": CitationForm(auto_id="citation-%s"),
        "record": source_record(Source.objects.filter(pk=source.pk)),
    }
    return render(request, "claims/source_detail.html", context)


@login_required
@require_POST
def source_cite(request, pk):
    """Record that this source cites or repeats another (``add_citation``)."""
    source = get_object_or_404(Source, pk=pk)
    form = CitationForm(request.POST)
    if form.is_valid():
        try:
            add_citation(
                citing=source,
                cited=form.cleaned_data["cited"],
                kind=form.cleaned_data["kind"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("Citation recorded."))
    else:
        messages.error(request, _form_error_text(form))
    return redirect(f"{reverse('claims:source-detail', args=[pk])}#citations")


@login_required
@require_POST
def citation_remove(request, pk):
    citation = get_object_or_404(Citation, pk=pk)
    remove_citation(citation=citation, by=request.user)
    messages.success(request, _("Citation removed."))
    return redirect(f"{reverse('claims:source-detail', args=[citation.citing_id])}#citations")


@login_required
@require_POST
def source_recheck(request, pk):
    """Fetch a source's page again now (``recheck_source``) and say what changed."""
    source = get_object_or_404(Source, pk=pk)
    try:
        result = recheck_source(source=source, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        if result.error:
            messages.error(
                request, _("The page could not be fetched: %(error)s") % {"error": result.error}
            )
        elif result.changed:
            messages.warning(request, _("The page changed: %(what)s.") % {"what": result})
        else:
            messages.success(request, _("The page is unchanged."))
    return redirect("claims:source-detail", pk=pk)


@login_required
def source_changes(request, pk):
    """How the page of a source changed between two of its snapshots (by default the last
    two), paragraph by paragraph."""
    source = get_object_or_404(Source, pk=pk)
    snapshots = list(source.snapshots.defer("raw_gzip"))
    by_id = {snapshot.pk: snapshot for snapshot in snapshots}
    try:
        new = by_id[int(request.GET["to"])] if "to" in request.GET else snapshots[0]
        old = by_id[int(request.GET["from"])] if "from" in request.GET else snapshots[1]
    except (KeyError, IndexError, ValueError):
        raise Http404(_("No such pair of snapshots of this source.")) from None
    context = {
        "source": source,
        "old": old,
        "new": new,
        "paragraphs": diff_paragraphs(old.text, new.text),
    }
    return render(request, "claims/source_changes.html", context)


@login_required
def entity_create(request):
    policy.require(request.user, "add_entity")
    form = EntityForm(request.POST or None, initial={"name": request.GET.get("name", "")})
    if request.method == "POST" and form.is_valid():
        try:
            entity = add_entity(
                by=request.user,
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
                description=form.cleaned_data["description"],
                wikidata_id=form.cleaned_data["wikidata_id"],
                aliases=form.alias_list(),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("%(name)s added.") % {"name": entity.name})
            return redirect("claims:entity-detail", pk=entity.pk)
    return render(
        request,
        "claims/entity_form.html",
        {"form": form, "existing": getattr(form, "existing", [])},
    )


@login_required
def entity_detail(request, pk):
    entity = get_object_or_404(Entity, pk=pk)
    made = Claim.objects.filter(
        Exists(Appearance.objects.filter(claim=OuterRef("pk"), speaker=entity))
    )
    conflicts = Conflict.objects.select_related("claim").newest_said_by(entity, limit=50)
    context = {
        "entity": entity,
        "aliases": entity.aliases.all(),
        "page": _page(request, _claim_rows(made).order_by("-last_activity_at", "-pk")),
        "track_record": TrackRecord.objects.of(entity),
        "conflicts": conflicts,
        # As a publisher: how its sources fared (only for an entity that publishes).
        "publisher_record": source_record(entity.published_sources.all())
        if entity.published_sources.exists()
        else None,
    }
    return render(request, "claims/entity_detail.html", context)


QUEUES = {
    "conflicts": gettext_lazy("Open conflicts, oldest first"),
    "mine": gettext_lazy("Claims assigned to me"),
    "unreviewed": gettext_lazy("Claims not yet reviewed"),
}


@login_required
def queue(request, name):
    if name not in QUEUES:
        raise Http404
    if name == "conflicts":
        conflicts = (
            Conflict.objects.open()
            .select_related("claim", "appearance_a__source", "appearance_b__source")
            .order_by("created_at", "pk")
        )
        page = _page(request, conflicts)
        page.object_list = describe_conflicts(page.object_list)
        return render(request, "claims/conflict_queue.html", {"title": QUEUES[name], "page": page})
    claims = Claim.objects.all()
    if name == "mine":
        claims = claims.filter(assignee=request.user).exclude(status=ClaimStatus.ARCHIVED)
    else:
        claims = claims.filter(status__in=[ClaimStatus.NEW, ClaimStatus.IN_REVIEW])
    page = _page(request, _claim_rows(claims).order_by("created_at", "pk"))
    return render(
        request, "claims/claim_queue.html", {"title": QUEUES[name], "page": page, "name": name}
    )


def _suggestions(request, results: list[dict]):
    """A look-up box's suggestions: options htmx puts under the box, JSON otherwise."""
    if request.htmx:
        return render(request, "claims/includes/suggestions.html", {"results": results})
    return JsonResponse({"results": results})


@login_required
def entity_search(request):
    """Entities for a look-up box: by name or alias, accents and case aside, prefix first,
    then near spellings."""
    found = Entity.objects.look_up(request.GET.get("q", ""))
    return _suggestions(
        request,
        [{"id": e.pk, "name": e.name, "aliases": [a.name for a in e.aliases.all()]} for e in found],
    )


@login_required
def source_search(request):
    """Sources for a look-up box: every word of the query in the title, URL or publisher's
    names, accents and case aside."""
    found = Source.objects.search(request.GET.get("q", "")).order_by("title", "pk")[:10]
    return _suggestions(request, [{"id": s.pk, "name": s.title} for s in found])


@login_required
def search(request):
    """The header's search box: claims, sources and entities, grouped, with counts."""
    query = request.GET.get("q", "")[:200]
    return render(
        request,
        "claims/search.html",
        {"results": search_everything(query), "search_query": query},
    )


@login_required
def claim_similar(request):
    """Claims that may be the one a passage states, best first with their reasons, for the
    record form: a list of buttons for htmx (the form's ``#proposals``), JSON otherwise.
    Takes the passage (``q``, or the form's ``quote``) and what the form holds so far:
    subject, property, value type and value."""
    form = ProposalQueryForm(request.GET)
    form.is_valid()
    data = form.cleaned_data
    proposals = propose_claims(
        data.get("q", ""),
        subject=data.get("subject"),
        property=data.get("property", ""),
        value_type=data.get("value_type", ""),
        values=data.get("values"),
    )
    # Each proposal's current value, for the form to show once one is picked.
    current = current_values([p.claim for p in proposals])
    if request.htmx:
        shown = [(proposal, current[proposal.claim.pk]) for proposal in proposals]
        return render(request, "claims/includes/proposals.html", {"proposals": shown})
    return JsonResponse(
        {
            "results": [
                {
                    "id": p.claim.pk,
                    "statement": p.claim.statement,
                    "value_type": p.claim.value_type,
                    "value_type_label": p.claim.get_value_type_display(),
                    "current_value": current[p.claim.pk].text,
                    "score": p.score,
                    "reasons": p.reasons,
                }
                for p in proposals
            ],
            "empty": _("No existing claim looks like this passage."),
        }
    )


# --- Published reviews: no login (README, "ClaimReview") ---------------------------------------

FEED_PAGE_SIZE = 100


def _site(request) -> str:
    """The scheme and host the page was asked for: a review's URL starts with it."""
    return request.build_absolute_uri("/").rstrip("/")


def review(request, pk):
    """A reviewed claim's public page, its ClaimReview embedded for search engines."""
    claim = get_object_or_404(claimreview.reviewed_claims(), pk=pk)
    (reviewed,) = claimreview.claim_reviews([claim], site=_site(request))
    context = {
        "claim": claim,
        "review": reviewed,
        "json_ld": claimreview.script_text(claimreview.document(reviewed)),
    }
    return render(request, "claims/review.html", context)


def _feed_changed(request):
    # Any claim's change: a claim reopened leaves the feed, and was not a reviewed one since.
    return Claim.objects.aggregate(Max("updated_at"))["updated_at__max"]


@condition(last_modified_func=_feed_changed)
def review_feed(request):
    """Every reviewed claim as a schema.org DataFeed of ClaimReviews, latest first, a page at a
    time (``?page=``; the next page in a ``Link`` header). ``If-Modified-Since`` is honoured:
    a client that has the latest review gets 304."""
    claims = claimreview.reviewed_claims().order_by("-updated_at", "-pk")
    page = Paginator(claims, FEED_PAGE_SIZE).get_page(request.GET.get("page"))
    feed = claimreview.document(
        {
            "@type": "DataFeed",
            "name": settings.DESK["name"],
            "dataFeedElement": claimreview.claim_reviews(page.object_list, site=_site(request)),
        }
    )
    response = JsonResponse(feed, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/ld+json"
    if page.has_next():
        next_page = f"{reverse('claims:review-feed')}?page={page.next_page_number()}"
        response["Link"] = f'<{request.build_absolute_uri(next_page)}>; rel="next"'
    return response


# --- Imports ------------------------------------------------------------------------------------


@login_required
def import_page(request):
    """Upload a file to import (editors); the user's recent imports."""
    policy.require(request.user, "record_appearance")
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = start_import(
                upload=form.cleaned_data["file"],
                by=request.user,
                format=form.cleaned_data["format"],
                dry_run=form.cleaned_data["dry_run"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            return redirect("claims:import-job", pk=job.pk)
    jobs = ImportJob.objects.filter(user=request.user)[:10]
    return render(
        request,
        "claims/import.html",
        {"form": form, "jobs": jobs, "may_dump": policy.can(request.user, "dump_desk")},
    )


def _job(request, pk) -> ImportJob:
    # An import is its importer's to see.
    return get_object_or_404(ImportJob, pk=pk, user=request.user)


@login_required
def import_job(request, pk):
    job = _job(request, pk)
    return render(request, "claims/import_job.html", {"job": job, "progress": job.progress()})


@login_required
def import_progress(request, pk):
    job = _job(request, pk)
    return JsonResponse({"finished": job.finished, **job.progress()})


@login_required
def import_template(request):
    response = HttpResponse(csv_template(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="versions-template.csv"'
    return response


@login_required
def desk_dump_download(request):
    """The whole desk as one JSON document, streamed (administrators)."""
    response = StreamingHttpResponse(export_desk(by=request.user), content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="desk-dump.json"'
    return response
