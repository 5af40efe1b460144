"""The Django admin, for administrators. Every ModelAdmin of the app is a ServiceAdmin: what it
offers is what ``policy`` allows, and every save and delete goes through the services (the one
write path), so the admin validates, writes history and review events, and runs conflict
detection exactly as the pages do. A service's refusal shows on the form; nothing is written."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ERROR_FLAG
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import policy
from .forms import AppearanceForm, ClaimForm, ConflictForm, ReviewStepForm, add_service_error
from .models import (
    Alias,
    Appearance,
    Claim,
    ClaimStatus,
    Conflict,
    ConflictOrigin,
    Entity,
    Evidence,
    RatingMapping,
    ReviewEvent,
    Source,
    Verdict,
)
from .models.claims import SEARCH_NEWEST, STATEMENT_ORDER
from .pagination import EstimatingPaginator
from .services import (
    add_entity,
    add_evidence,
    add_source,
    available_steps,
    change_conflict,
    change_entity,
    change_evidence,
    change_source,
    claim_timeline,
    create_claim,
    current_value,
    decide_conflict,
    delete_appearance,
    delete_claim,
    delete_entity,
    delete_rating_mapping,
    delete_source,
    delete_verdict,
    flag_conflict,
    possible_duplicates,
    record_appearance,
    remove_evidence,
    save_rating_mapping,
    save_verdict,
    update_appearance,
    update_claim,
)
from .services.comparison import describe
from .services.conflicts import stated_value
from .text import normalize_name

admin.site.site_header = _("Claim tracker administration")
admin.site.site_title = _("Claim tracker")


def adopt(obj: models.Model, saved: models.Model) -> None:
    """Make the admin's unsaved ``obj`` the row a service created (the admin goes on with it:
    inlines, the log entry, the redirect)."""
    for field in obj._meta.concrete_fields:
        setattr(obj, field.attname, getattr(saved, field.attname))
    obj._state.adding = False


def _valid_keys(widget, value) -> list:
    """The submitted keys the related model's key can hold: Django's autocomplete widgets
    look the selected rows up by the raw values when a form is shown again, and a value like
    "abc" for an integer key raised an error instead of showing the form's own message, and
    one beyond the database's integers (10**20) an overflow."""
    target = widget.field.remote_field.model._meta.pk
    kept = []
    for item in value:
        try:
            target.run_validators(target.to_python(item))
        except ValidationError:
            continue
        kept.append(item)
    return kept


class SafeAutocompleteSelect(AutocompleteSelect):
    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, _valid_keys(self, value), attr)


class SafeAutocompleteSelectMultiple(AutocompleteSelectMultiple):
    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, _valid_keys(self, value), attr)


class SafeAutocomplete:
    """Autocomplete fields that show a form with an impossible key again, with its message."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class LongChangeLists:
    """A million rows: the count is estimated beyond 1,000, and no second, unfiltered count."""

    paginator = EstimatingPaginator
    show_full_result_count = False


class ServiceAdmin(LongChangeLists, SafeAutocomplete, SimpleHistoryAdmin):
    """What every ModelAdmin of the app shares.

    - Permissions: ``policy_actions`` names the policy action behind add, change and delete;
      none means the admin does not offer it.
    - Writes: ``save_model`` / ``save_related`` / ``delete_object`` call services. A service's
      ValidationError rolls the whole request back (the admin's own transaction) and the form
      is shown again with the message; a refused delete comes back as a message.
    - simple-history's Revert is not offered: it writes a whole past row at once (a text, a
      rank, a conflict's state) where the services need to know what changed and why — a new
      text re-anchors quotes, a state changes only by a decision with its review event. The
      history of every row stays readable.
    """

    policy_actions: dict[str, str] = {}

    def _may(self, request, what: str) -> bool:
        action = self.policy_actions.get(what)
        return action is not None and policy.can(request.user, action)

    def has_add_permission(self, request, *args):
        return self._may(request, "add")

    def has_change_permission(self, request, obj=None):
        return self._may(request, "change")

    def has_delete_permission(self, request, obj=None):
        return self._may(request, "delete")

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied(_("Reverting is not offered: change the row itself."))
        return super().history_form_view(request, object_id, version_id, extra_context)

    # --- A service's refusal shown on the form -------------------------------------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            if request.method != "POST":
                raise
            # The admin's transaction rolled everything back. Show the form again, as the user
            # filled it, with the service's message (get_form adds it).
            request.service_error = error
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        error = getattr(request, "service_error", None)
        if error is None:
            return form_class

        class Refused(form_class):
            def clean(self):
                cleaned = super().clean()
                add_service_error(self, error)
                return cleaned

        return Refused

    def changelist_view(self, request, extra_context=None):
        # A NUL in a filter or search reaches PostgreSQL as an error: refuse it as Django
        # refuses an unknown filter.
        if any("\x00" in key or "\x00" in value for key, value in request.GET.items()):
            return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")
        try:
            return super().changelist_view(request, extra_context)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return HttpResponseRedirect(request.path)

    # --- Writes through the services -----------------------------------------------------------

    def save_model(self, request, obj, form, change):
        raise NotImplementedError(f"{type(self).__name__} saves through a service.")

    def save_related(self, request, form, formsets, change):
        # Related rows (inlines, many-to-many) are written by the services, never by the forms.
        for formset in formsets:
            # Lists the new, changed and deleted rows for the change message; writes nothing.
            formset.save(commit=False)
            self.save_formset(request, form, formset, change)

    def save_formset(self, request, form, formset, change):
        """Write an inline's rows through the services (read-only inlines write nothing)."""

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        # A deleted version's conflicts go with it: they are never deleted on their own, so
        # no one holds a permission to delete them, and none is needed for that.
        perms_needed.discard(str(Conflict._meta.verbose_name))
        return deleted, counts, perms_needed, protected

    def delete_model(self, request, obj):
        self.delete_object(request, obj)

    def delete_queryset(self, request, queryset):
        # All or nothing: one refused row and none is deleted.
        with transaction.atomic():
            for obj in queryset:
                self.delete_object(request, obj)

    def delete_object(self, request, obj):
        raise PermissionDenied


# --- Entities -----------------------------------------------------------------------------------


class AliasInline(admin.TabularInline):
    model = Alias
    fields = ("name", "language")
    extra = 1

    # Permissions follow the entity's: aliases are part of it.
    def has_add_permission(self, request, obj=None):
        return policy.can(request.user, "change_entity")

    def has_change_permission(self, request, obj=None):
        return policy.can(request.user, "change_entity")

    def has_delete_permission(self, request, obj=None):
        return policy.can(request.user, "change_entity")


def alias_rows(formset) -> list[tuple[str, str]]:
    """The aliases an entity's inline holds once saved: (name, language) of each row kept."""
    return [
        (alias_form.cleaned_data["name"], alias_form.cleaned_data.get("language", ""))
        for alias_form in formset.forms
        if alias_form.cleaned_data.get("name") and not alias_form.cleaned_data.get("DELETE")
    ]


@admin.register(Entity)
class EntityAdmin(ServiceAdmin):
    policy_actions = {"add": "add_entity", "change": "change_entity", "delete": "delete_entity"}
    list_display = ("name", "kind", "wikidata_id", "alias_names", "updated_at")
    list_filter = ("kind",)
    search_fields = ("name", "wikidata_id")
    fields = ("name", "kind", "description", "wikidata_id")
    inlines = (AliasInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("aliases")

    @admin.display(description=_("aliases"))
    def alias_names(self, entity):
        return ", ".join(alias.name for alias in entity.aliases.all())

    def save_model(self, request, obj, form, change):
        # The entity and its aliases are one write, made once the inline is read (save_related).
        pass

    def save_related(self, request, form, formsets, change):
        fields = {name: form.cleaned_data[name] for name in self.fields}
        aliases = None
        for formset in formsets:
            formset.save(commit=False)  # lists the rows for the change message; writes nothing
            aliases = alias_rows(formset)
        if change:
            change_entity(entity=form.instance, by=request.user, aliases=aliases, **fields)
        else:
            adopt(form.instance, add_entity(by=request.user, aliases=aliases or (), **fields))

    def delete_object(self, request, obj):
        delete_entity(entity=obj, by=request.user)

    def get_search_results(self, request, queryset, search_term):
        """The pages' look-up: any name or alias, case and accents aside (“etats-unis” finds
        the United States), and near spellings (“Chekori”) — in the change list and in every
        autocomplete that picks an entity."""
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if normalize_name(search_term):
            near = [entity.pk for entity in Entity.objects.look_up(search_term)]
            queryset |= self.model.objects.filter(
                Q(pk__in=Entity.objects.containing(search_term).values("pk")) | Q(pk__in=near)
            )
        return queryset, may_have_duplicates


# --- Sources ------------------------------------------------------------------------------------


class ReadOnlyInlineForm(forms.ModelForm):
    def _post_clean(self):
        # Every field is read-only: nothing to validate or write back. (Validating would re-check
        # the quotes against a source text being edited on the same page; they are re-anchored
        # after the save instead.)
        pass


class ReadOnlyInline:
    """An inline that shows rows edited elsewhere."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SourceAppearanceInline(ReadOnlyInline, admin.TabularInline):
    """The quotes recorded from this source; they are edited on their claim's page."""

    model = Appearance
    form = ReadOnlyInlineForm
    fields = ("claim", "quote", "speaker", "attribution", "start", "end")
    readonly_fields = fields
    show_change_link = True
    verbose_name_plural = _("recorded quotes")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("claim", "speaker")


SOURCE_FIELDS = ("title", "url", "publisher", "kind", "language", "published_on",
                 "published_precision", "text")  # fmt: skip


@admin.register(Source)
class SourceAdmin(ServiceAdmin):
    policy_actions = {"add": "add_source", "change": "change_source", "delete": "delete_source"}
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
    readonly_fields = ("content_sha256", "snapshot", "added_by", "created_at", "updated_at")
    fields = (
        "title",
        "url",
        "publisher",
        "author",
        "kind",
        "language",
        ("published_on", "published_precision"),
        "text",
        "content_sha256",
        "snapshot",
        "added_by",
        ("created_at", "updated_at"),
    )
    inlines = (SourceAppearanceInline,)
    # Django 6's default, adopted now: a URL typed without a scheme is taken as https.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request):
        return super().get_queryset(request).with_appearance_count()

    def get_readonly_fields(self, request, obj=None):
        # A fetched source's text is its page's: it changes when the page is fetched again.
        fetched = obj is not None and obj.snapshot_id is not None
        return (*self.readonly_fields, "text") if fetched else self.readonly_fields

    @admin.display(description=_("published"), ordering="published_on")
    def published(self, source):
        return source.published_label or "—"

    @admin.display(description=_("quotes"), ordering="appearance_count")
    def appearance_count(self, source):
        return source.appearance_count

    def save_model(self, request, obj, form, change):
        if not change:
            fields = {name: form.cleaned_data[name] for name in SOURCE_FIELDS}
            adopt(obj, add_source(by=request.user, **fields))
            return
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        report = change_source(source=obj, by=request.user, **changes)
        if report is not None:
            level = messages.WARNING if report.lost or report.requoted else messages.INFO
            self.message_user(request, _("Quotes re-anchored: %s.") % report, level)

    def delete_object(self, request, obj):
        delete_source(source=obj, by=request.user)


# --- Claims -------------------------------------------------------------------------------------

VERSION_FIELDS = tuple(name for name in AppearanceForm.Meta.fields if name != "value_entities")


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


def record_version_form(form, user, claim=None) -> Appearance:
    """Record a new version from its form, through the service."""
    data = form.cleaned_data
    fields = {name: data[name] for name in VERSION_FIELDS if name in data}
    fields.pop("claim", None)
    return record_appearance(
        claim=claim or data["claim"],
        source=fields.pop("source"),
        by=user,
        value_entities=data.get("value_entities") or (),
        **{name: value for name, value in fields.items() if value is not None},
    )


class ClaimAppearanceInline(SafeAutocomplete, admin.StackedInline):
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
    # A rank changes only by deciding a conflict.
    readonly_fields = ("rank", "rank_reason")
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return policy.can(request.user, "record_appearance")

    def has_change_permission(self, request, obj=None):
        return policy.can(request.user, "change_appearance")

    def has_delete_permission(self, request, obj=None):
        return policy.can(request.user, "delete_appearance")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("source", "speaker")
            .prefetch_related("value_entities")
        )


class EvidenceInline(SafeAutocomplete, admin.TabularInline):
    model = Evidence
    fields = ("source", "stance", "note")
    autocomplete_fields = ("source",)
    extra = 0

    def has_add_permission(self, request, obj=None):
        return policy.can(request.user, "add_evidence")

    def has_change_permission(self, request, obj=None):
        return policy.can(request.user, "change_evidence")

    def has_delete_permission(self, request, obj=None):
        return policy.can(request.user, "delete_evidence")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source")


class ConflictInline(ReadOnlyInline, admin.TabularInline):
    model = Conflict
    fk_name = "claim"
    fields = ("kind", "timing", "detail", "state", "resolution", "origin", "created_at")
    readonly_fields = fields
    show_change_link = True


class ReviewEventInline(ReadOnlyInline, admin.TabularInline):
    model = ReviewEvent
    fields = ("created_at", "actor", "action", "old_value", "new_value", "note")
    readonly_fields = fields
    verbose_name_plural = _("review history")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


@admin.register(Claim)
class ClaimAdmin(ServiceAdmin):
    policy_actions = {"add": "add_claim", "change": "change_claim", "delete": "delete_claim"}
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
        "open_conflicts",
        "updated_at",
    )
    list_filter = ("status", "verdict", "value_type")
    list_select_related = ("verdict", "subject", "assignee")
    search_fields = ("statement", "property", "subject__name")
    autocomplete_fields = ("subject", "recorded_by")
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
        "recorded_by",
        ("tolerance", "compare_text", "changes_over_time"),
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

    @admin.display(description=_("statement"), ordering=STATEMENT_ORDER)
    def short_statement(self, claim):
        return str(claim)

    @admin.display(description=_("versions"), ordering="appearance_count")
    def appearance_count(self, claim):
        return claim.appearance_count

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
        # The pages' ranking, with its reasons.
        return (
            format_html_join(
                mark_safe("<br>"),
                '<a href="{}">#{} {}</a> <span class="help">{}</span>',
                (
                    (
                        reverse("admin:claims_claim_change", args=[p.claim.pk]),
                        p.claim.pk,
                        p.claim,
                        "; ".join(p.reasons),
                    )
                    for p in possible_duplicates(claim)
                ),
            )
            or "—"
        )

    def get_search_results(self, request, queryset, search_term):
        """The one search of the tracker (accents, case, aliases aside), its newest 1,000
        matches as in the pages (the admin's filters apply first)."""
        if not search_term.strip():
            return queryset, False
        return queryset.search(search_term, newest=SEARCH_NEWEST), False

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
            fields = {name: form.cleaned_data[name] for name in ClaimForm.Meta.fields}
            adopt(obj, create_claim(by=request.user, **fields))
            return
        if changes := form.changes():
            update_claim(
                claim=obj, by=request.user, based_on=form.cleaned_data["based_on"], **changes
            )

    def save_formset(self, request, form, formset, change):
        claim = form.instance
        if formset.model is Appearance:
            for appearance in formset.deleted_objects:
                delete_appearance(appearance=appearance, by=request.user)
            for version_form in formset.initial_forms:
                if version_form.has_changed() and version_form not in formset.deleted_forms:
                    save_version_form(version_form, request.user)
            for version_form in formset.extra_forms:
                if version_form.has_changed() and version_form not in formset.deleted_forms:
                    record_version_form(version_form, request.user, claim=claim)
        elif formset.model is Evidence:
            for evidence in formset.deleted_objects:
                remove_evidence(evidence=evidence, by=request.user)
            for evidence, changed in formset.changed_objects:
                change_evidence(
                    evidence=evidence,
                    by=request.user,
                    **{name: getattr(evidence, name) for name in changed},
                )
            for evidence in formset.new_objects:
                add_evidence(
                    claim=claim,
                    source=evidence.source,
                    by=request.user,
                    stance=evidence.stance,
                    note=evidence.note,
                )

    def delete_object(self, request, obj):
        delete_claim(claim=obj, by=request.user)


@admin.register(Appearance)
class AppearanceAdmin(ServiceAdmin):
    policy_actions = {
        "add": "record_appearance",
        "change": "change_appearance",
        "delete": "delete_appearance",
    }
    form = AppearanceForm
    list_display = ("__str__", "claim", "source", "speaker", "attribution", "rank", "start", "end")
    # Newest first, by the primary key: the model's order (by claim, source and place) joins
    # and sorts two million versions for a page of 100.
    ordering = ("-pk",)
    list_filter = ("attribution", "rank", "source__language")
    list_select_related = ("claim", "source", "speaker")
    search_fields = ("quote", "claim__statement", "speaker__name", "source__title")
    autocomplete_fields = ("claim", "source", "speaker", "value_entities")
    # A rank changes only by deciding a conflict.
    readonly_fields = (
        "rank",
        "rank_reason",
        "prefix",
        "suffix",
        "version",
        "added_by",
        "created_at",
        "updated_at",
    )

    def save_model(self, request, obj, form, change):
        if change:
            save_version_form(form, request.user)
        else:
            adopt(obj, record_version_form(form, request.user))

    def delete_object(self, request, obj):
        delete_appearance(appearance=obj, by=request.user)


# --- Conflicts, evidence, verdicts, history -----------------------------------------------------


@admin.register(Conflict)
class ConflictAdmin(ServiceAdmin):
    # Conflicts are never deleted: dismissed, with the reason.
    policy_actions = {"add": "flag_conflict", "change": "change_conflict"}
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

    def has_change_permission(self, request, obj=None):
        # Reviewers decide conflicts here; administrators also correct those flagged by hand.
        return self._may(request, "change") or policy.can(request.user, "decide_conflict")

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
        if obj is None:
            return ()
        # What the engine detected is the engine's to describe.
        editable = obj.origin == ConflictOrigin.MANUAL and self._may(request, "change")
        return self.readonly_fields if editable else (*self.readonly_fields, "kind", "detail")

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
            adopt(
                obj,
                flag_conflict(
                    appearance_a=obj.appearance_a,
                    appearance_b=obj.appearance_b,
                    kind=obj.kind,
                    detail=obj.detail,
                    by=request.user,
                ),
            )
            return
        if {"kind", "detail"} & set(form.changed_data):
            change_conflict(
                conflict=obj,
                by=request.user,
                kind=form.cleaned_data["kind"],
                detail=form.cleaned_data["detail"],
            )
        if decision := form.cleaned_data.get("decision"):
            decide_conflict(
                conflict=obj,
                by=request.user,
                decision=decision,
                note=form.cleaned_data.get("decision_note", ""),
            )


@admin.register(Evidence)
class EvidenceAdmin(ServiceAdmin):
    policy_actions = {
        "add": "add_evidence",
        "change": "change_evidence",
        "delete": "delete_evidence",
    }
    list_display = ("claim", "source", "stance", "added_by", "created_at")
    list_filter = ("stance",)
    list_select_related = ("claim", "source", "added_by")
    search_fields = ("note", "claim__statement", "source__title")
    autocomplete_fields = ("claim", "source")
    fields = ("claim", "source", "stance", "note", "added_by")
    readonly_fields = ("added_by",)

    def get_readonly_fields(self, request, obj=None):
        # Evidence belongs to one claim: to move it, remove it and add it to the other.
        return ("claim", "added_by") if obj is not None else ("added_by",)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            changes = {name: data[name] for name in form.changed_data}
            change_evidence(evidence=obj, by=request.user, **changes)
        else:
            adopt(
                obj,
                add_evidence(
                    claim=data["claim"],
                    source=data["source"],
                    by=request.user,
                    stance=data["stance"],
                    note=data["note"],
                ),
            )

    def delete_object(self, request, obj):
        remove_evidence(evidence=obj, by=request.user)


@admin.register(Verdict)
class VerdictAdmin(ServiceAdmin):
    policy_actions = {
        "add": "manage_verdicts",
        "change": "manage_verdicts",
        "delete": "manage_verdicts",
    }
    list_display = ("label", "slug", "rating_value", "worst_rating", "best_rating", "position")
    search_fields = ("label", "slug")
    prepopulated_fields = {"slug": ("label",)}

    def save_model(self, request, obj, form, change):
        save_verdict(verdict=obj, by=request.user)

    def delete_object(self, request, obj):
        delete_verdict(verdict=obj, by=request.user)


@admin.register(RatingMapping)
class RatingMappingAdmin(ServiceAdmin):
    """How other publishers' ClaimReview ratings read as the desk's verdicts (README,
    "ClaimReview import")."""

    policy_actions = VerdictAdmin.policy_actions
    list_display = ("publisher", "label", "rating_value", "worst_rating", "best_rating", "verdict")
    list_filter = ("verdict",)
    list_select_related = ("verdict",)
    search_fields = ("publisher", "label")

    def save_model(self, request, obj, form, change):
        save_rating_mapping(mapping=obj, by=request.user)

    def delete_object(self, request, obj):
        delete_rating_mapping(mapping=obj, by=request.user)


@admin.register(ReviewEvent)
class ReviewEventAdmin(LongChangeLists, admin.ModelAdmin):
    """The review history: read, never written here."""

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
