from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import policy
from .forms import AppearanceForm, ClaimForm, ConflictForm, ReviewStepForm
from .models import (
    Alias,
    Appearance,
    Claim,
    ClaimStatus,
    Conflict,
    Entity,
    Evidence,
    ReviewEvent,
    Source,
    Verdict,
)
from .services import (
    available_steps,
    claim_timeline,
    current_value,
    decide_conflict,
    detect_conflicts,
    detect_conflicts_for_appearances,
    flag_conflict,
    reanchor_appearances,
    update_appearance,
    update_claim,
)
from .services.comparison import describe
from .services.conflicts import stated_value
from .text import normalize_name

admin.site.site_header = _("Claim tracker administration")
admin.site.site_title = _("Claim tracker")


# --- Entities -----------------------------------------------------------------------------------


class AliasInline(admin.TabularInline):
    model = Alias
    fields = ("name", "language")
    extra = 1


@admin.register(Entity)
class EntityAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "wikidata_id", "alias_names", "updated_at")
    list_filter = ("kind",)
    search_fields = ("name", "wikidata_id")
    inlines = (AliasInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("aliases")

    @admin.display(description=_("aliases"))
    def alias_names(self, entity):
        return ", ".join(alias.name for alias in entity.aliases.all())

    def delete_model(self, request, obj):
        self.delete_queryset(request, self.model.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        # An entity deleted from a set changes the versions that listed it: compare them again.
        claims = set(
            Appearance.objects.filter(value_entities__in=queryset).values_list(
                "claim_id", flat=True
            )
        )
        super().delete_queryset(request, queryset)
        detect_conflicts_for_appearances(claims, by=request.user)

    def get_search_results(self, request, queryset, search_term):
        """Also match any alias, case and accents aside, so “etats-unis” finds the United
        States (in the change list and in every autocomplete that picks an entity)."""
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        key = normalize_name(search_term)
        if key:
            aliased = Alias.objects.filter(normalized__contains=key).values("entity_id")
            queryset |= self.model.objects.filter(
                Q(normalized_name__contains=key) | Q(pk__in=aliased)
            )
        return queryset, may_have_duplicates


@admin.register(Alias)
class AliasAdmin(admin.ModelAdmin):
    list_display = ("name", "entity", "language")
    list_filter = ("language",)
    list_select_related = ("entity",)
    search_fields = ("name", "normalized", "entity__name")
    autocomplete_fields = ("entity",)


# --- Sources ------------------------------------------------------------------------------------


class ReadOnlyInlineForm(forms.ModelForm):
    def _post_clean(self):
        # Every field is read-only: nothing to validate or write back. (Validating would re-check
        # the quotes against a source text being edited on the same page; they are re-anchored
        # after the save instead.)
        pass


class SourceAppearanceInline(admin.TabularInline):
    """The quotes recorded from this source; they are edited on their claim's page."""

    model = Appearance
    form = ReadOnlyInlineForm
    fields = ("claim", "quote", "speaker", "attribution", "start", "end")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = _("recorded quotes")

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("claim", "speaker")


@admin.register(Source)
class SourceAdmin(SimpleHistoryAdmin):
    list_display = (
        "title",
        "kind",
        "language",
        "publisher",
        "published",
        "appearance_count",
        "created_at",
    )
    list_filter = ("kind", "language", "published_precision")
    list_select_related = ("publisher",)
    search_fields = ("title", "url")
    autocomplete_fields = ("publisher",)
    readonly_fields = ("content_sha256", "added_by", "created_at", "updated_at")
    fields = (
        "title",
        "url",
        "publisher",
        "kind",
        "language",
        ("published_on", "published_precision"),
        "text",
        "content_sha256",
        "added_by",
        ("created_at", "updated_at"),
    )
    inlines = (SourceAppearanceInline,)
    # Django 6's default, adopted now: a URL typed without a scheme is taken as https.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request):
        return super().get_queryset(request).with_appearance_count()

    @admin.display(description=_("published"), ordering="published_on")
    def published(self, source):
        return source.published_label or "—"

    @admin.display(description=_("quotes"), ordering="appearance_count")
    def appearance_count(self, source):
        return source.appearance_count

    def save_model(self, request, obj, form, change):
        if not change:
            obj.added_by = request.user
        super().save_model(request, obj, form, change)
        if change and "text" in form.changed_data:
            report = reanchor_appearances(source=obj)
            level = messages.WARNING if report.lost or report.requoted else messages.INFO
            self.message_user(request, _("Quotes re-anchored: %s.") % report, level)
        if change and {"published_on", "published_precision"} & set(form.changed_data):
            # Versions without their own "as of" date hold as of their source's date.
            detect_conflicts_for_appearances(obj.appearances.all(), by=request.user)


# --- Claims -------------------------------------------------------------------------------------


class ClaimAppearanceInline(admin.StackedInline):
    model = Appearance
    form = AppearanceForm
    extra = 0
    autocomplete_fields = ("source", "speaker", "value_entities")
    fields = (
        ("source", "speaker", "attribution"),
        "quote",
        ("start", "end"),
        ("said_on", "said_on_precision", "as_of", "as_of_precision"),
        "value_entities",
        ("value_number", "value_date", "value_date_precision", "value_boolean"),
        "value_text",
        ("rank", "rank_reason"),
        "based_on",
    )
    show_change_link = True

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("source", "speaker")
            .prefetch_related("value_entities")
        )


class EvidenceInline(admin.TabularInline):
    model = Evidence
    fields = ("source", "stance", "note")
    autocomplete_fields = ("source",)
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source")


class ConflictInline(admin.TabularInline):
    model = Conflict
    fk_name = "claim"
    fields = ("kind", "timing", "detail", "state", "resolution", "origin", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class ReviewEventInline(admin.TabularInline):
    model = ReviewEvent
    fields = ("created_at", "actor", "action", "old_value", "new_value", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("review history")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


@admin.register(Claim)
class ClaimAdmin(SimpleHistoryAdmin):
    form = ClaimForm
    change_form_template = "admin/claims/claim/change_form.html"
    list_display = (
        "short_statement",
        "status",
        "verdict",
        "subject",
        "property",
        "assignee",
        "appearance_count",
        "open_conflict_count",
        "updated_at",
    )
    list_filter = ("status", "verdict", "value_type")
    list_select_related = ("verdict", "subject", "assignee")
    search_fields = ("statement", "property", "subject__name")
    autocomplete_fields = ("subject",)
    # Status, verdict and assignment change only through the review workflow (below the form).
    readonly_fields = (
        "current_value",
        "same_fact",
        "status",
        "verdict",
        "assignee",
        "proposed_verdict",
        "proposed_by",
        "version",
        "created_by",
        "created_at",
        "updated_at",
    )
    fields = (
        "statement",
        ("subject", "property", "value_type"),
        ("tolerance", "compare_text"),
        "current_value",
        "same_fact",
        ("status", "verdict", "assignee"),
        ("proposed_verdict", "proposed_by"),
        ("version", "created_by", "created_at", "updated_at"),
        "based_on",
    )
    inlines = (ClaimAppearanceInline, ConflictInline, EvidenceInline, ReviewEventInline)

    def get_queryset(self, request):
        return super().get_queryset(request).with_counts()

    def has_delete_permission(self, request, obj=None):
        # Nothing a user does deletes history: a reviewed claim is archived, never deleted.
        if obj is not None and obj.status == ClaimStatus.REVIEWED:
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description=_("statement"), ordering="statement")
    def short_statement(self, claim):
        return str(claim)

    @admin.display(description=_("versions"), ordering="appearance_count")
    def appearance_count(self, claim):
        return claim.appearance_count

    @admin.display(description=_("open conflicts"), ordering="open_conflict_count")
    def open_conflict_count(self, claim):
        return claim.open_conflict_count

    @admin.display(description=_("current value"))
    def current_value(self, claim):
        value = current_value(claim)
        labels = {
            "preferred": _("from its preferred version"),
            "agreed": _("all its versions agree"),
            "disputed": _("its versions disagree"),
            "none": _("no version states a value"),
        }
        if value.basis in ("disputed", "none"):
            return labels[value.basis]
        return f"{value.text} ({labels[value.basis]})"

    @admin.display(description=_("possible duplicates"))
    def same_fact(self, claim):
        twins = Claim.objects.same_fact_as(claim).exclude(pk=claim.pk).order_by("pk")
        return (
            format_html_join(
                mark_safe("<br>"),
                '<a href="{}">{}</a>',
                ((reverse("admin:claims_claim_change", args=[twin.pk]), twin) for twin in twins),
            )
            or "—"
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        claim = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if claim is not None:
            steps = available_steps(claim, request.user)
            if steps:
                extra_context["review_form"] = ReviewStepForm(
                    steps=steps, initial={"based_on": claim.version}
                )
            extra_context["timeline"] = claim_timeline(claim)
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
            super().save_model(request, obj, form, change)
            return
        changes = form.changes()
        if changes:
            update_claim(
                claim=obj, by=request.user, based_on=form.cleaned_data["based_on"], **changes
            )

    def save_formset(self, request, form, formset, change):
        if formset.model is not Appearance:
            instances = formset.save(commit=False)
            for instance in instances:
                if isinstance(instance, Evidence) and instance.pk is None:
                    instance.added_by = request.user
                instance.save()
            for instance in formset.deleted_objects:
                instance.delete()
            formset.save_m2m()
            return
        formset.save(commit=False)
        for instance in formset.deleted_objects:
            instance.delete()
        for instance in formset.new_objects:
            instance.added_by = request.user
            instance.save()
        edited = {version_form.instance.pk: version_form for version_form in formset.initial_forms}
        for instance, _changed in formset.changed_objects:
            save_version_form(edited[instance.pk], request.user)
        formset.save_m2m()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # After the versions and their entities are saved: compare them (same transaction).
        detect_conflicts(form.instance, by=request.user)


def save_version_form(form, user) -> None:
    """Save an edited version through the service: on the version it was based on."""
    changes = form.changes()
    entities = changes.pop("value_entities", None)
    update_appearance(
        appearance=form.instance,
        by=user,
        based_on=form.cleaned_data["based_on"],
        value_entities=entities,
        **changes,
    )


@admin.register(Appearance)
class AppearanceAdmin(SimpleHistoryAdmin):
    form = AppearanceForm
    list_display = ("__str__", "claim", "source", "speaker", "attribution", "rank", "start", "end")
    list_filter = ("attribution", "rank", "source__language")
    list_select_related = ("claim", "source", "speaker")
    search_fields = ("quote", "claim__statement", "speaker__name", "source__title")
    autocomplete_fields = ("claim", "source", "speaker", "value_entities")
    readonly_fields = ("prefix", "suffix", "version", "added_by", "created_at", "updated_at")

    def save_model(self, request, obj, form, change):
        if change:
            save_version_form(form, request.user)
            return
        obj.added_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change:
            # A new version, once its entities are saved (an edited one was compared, with the
            # claim it left, by update_appearance).
            detect_conflicts(form.instance.claim, by=request.user)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        detect_conflicts_for_appearances([obj.claim_id], by=request.user)

    def delete_queryset(self, request, queryset):
        claims = set(queryset.values_list("claim_id", flat=True))
        super().delete_queryset(request, queryset)
        detect_conflicts_for_appearances(claims, by=request.user)


# --- Conflicts, evidence, verdicts, history -----------------------------------------------------


@admin.register(Conflict)
class ConflictAdmin(SimpleHistoryAdmin):
    form = ConflictForm
    list_display = (
        "__str__",
        "claim",
        "kind",
        "timing",
        "state",
        "origin",
        "created_at",
        "resolved_at",
    )
    list_filter = ("state", "kind", "timing", "origin", "resolution")
    list_select_related = ("claim",)
    search_fields = ("detail", "claim__statement")
    autocomplete_fields = ("appearance_a", "appearance_b")
    readonly_fields = (
        "claim",
        "version_a",
        "version_b",
        "timing",
        "origin",
        "state",
        "resolution",
        "prevailing",
        "resolution_note",
        "flagged_by",
        "resolved_by",
        "resolved_at",
        "created_at",
    )

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("appearance_a", "appearance_b", "kind", "detail")
        return (
            "claim",
            ("version_a", "version_b"),
            "kind",
            "timing",
            "detail",
            ("state", "resolution", "origin"),
            "prevailing",
            "resolution_note",
            ("flagged_by", "resolved_by", "resolved_at", "created_at"),
            *(("decision", "decision_note") if policy.can(request.user, "decide_conflict") else ()),
        )

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("appearance_a__source", "appearance_b__source", "appearance_a__claim")
            .prefetch_related("appearance_a__value_entities", "appearance_b__value_entities")
        )

    def _version(self, appearance):
        value = stated_value(appearance, appearance.claim.value_type)
        names = {entity.pk: entity.name for entity in appearance.value_entities.all()}
        return format_html(
            "<strong>{}</strong><br>“{}”<br>{}: {}",
            appearance.source,
            appearance.quote or "—",
            _("value"),
            "—" if value is None else describe(value, names),
        )

    @admin.display(description=_("version A"))
    def version_a(self, conflict):
        return self._version(conflict.appearance_a)

    @admin.display(description=_("version B"))
    def version_b(self, conflict):
        return self._version(conflict.appearance_b)

    def save_model(self, request, obj, form, change):
        if not change:
            # Flagging by hand goes through the service, which also writes the review history.
            flagged = flag_conflict(
                appearance_a=obj.appearance_a,
                appearance_b=obj.appearance_b,
                kind=obj.kind,
                detail=obj.detail,
                by=request.user,
            )
            obj.pk = flagged.pk
            return
        super().save_model(request, obj, form, change)
        if decision := form.cleaned_data.get("decision"):
            decide_conflict(
                conflict=obj,
                by=request.user,
                decision=decision,
                note=form.cleaned_data.get("decision_note", ""),
            )


@admin.register(Evidence)
class EvidenceAdmin(SimpleHistoryAdmin):
    list_display = ("claim", "source", "stance", "added_by", "created_at")
    list_filter = ("stance",)
    list_select_related = ("claim", "source", "added_by")
    search_fields = ("note", "claim__statement", "source__title")
    autocomplete_fields = ("claim", "source")
    readonly_fields = ("added_by",)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.added_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Verdict)
class VerdictAdmin(admin.ModelAdmin):
    list_display = ("label", "slug", "rating_value", "worst_rating", "best_rating", "position")
    search_fields = ("label", "slug")
    prepopulated_fields = {"slug": ("label",)}


@admin.register(ReviewEvent)
class ReviewEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "claim", "action", "old_value", "new_value", "actor")
    list_filter = ("action",)
    list_select_related = ("claim", "actor")
    search_fields = ("note", "claim__statement")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
