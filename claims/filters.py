import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q
from django.forms.utils import flatatt
from django.urls import reverse_lazy
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .models import Appearance, Claim, ClaimStatus, Entity, Rank, Source, Verdict
from .models.claims import SEARCH_NEWEST, STATEMENT_ORDER
from .text import language_choices, normalize_name, record_id, search_words


def _with_version(queryset, *conditions, **lookups):
    """Claims with at least one version matching: a semi-join (EXISTS), so a claim is listed
    once however many of its versions match."""
    versions = Appearance.objects.filter(*conditions, claim=OuterRef("pk"), **lookups)
    return queryset.filter(Exists(versions))


class LookUpInput(forms.TextInput):
    """A text box the page's script turns into a type-ahead look-up (``data-lookup-url`` is
    the JSON end point); without the script, a name typed in it is looked up on submit."""

    def __init__(self, lookup: str):
        super().__init__(attrs={"data-lookup-url": reverse_lazy(lookup), "autocomplete": "off"})


class ManyOptionsSelect(forms.Select):
    """A drop-down of many options (the 183 languages) written in one pass: Django renders a
    template an option, which took 40 ms of every claims list."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option["value"], " selected" if option["selected"] else "", option["label"])
                for _group, group_options, _index in widget["optgroups"]
                for option in group_options
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]), options
        )


def _entities_called(value: str) -> list:
    """The entities a look-up box names: by id (a link from another page), else those called
    exactly so (by name or alias, accents and case aside), else the best near match."""
    value = value.strip()
    if (pk := record_id(value)) is not None:
        return list(Entity.objects.filter(pk=pk))
    found = Entity.objects.look_up(value)
    key = normalize_name(value)
    exact = [
        entity
        for entity in found
        if key == entity.normalized_name or key in {a.normalized for a in entity.aliases.all()}
    ]
    return exact or found[:1]


def _sources_called(value: str):
    value = value.strip()
    if (pk := record_id(value)) is not None:
        return Source.objects.filter(pk=pk)
    return Source.objects.search(value)


class ClaimFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Text"),
        method="keep",  # applied last, in filter_queryset: the search keeps the newest matches
        help_text=_(
            "In statements, quotes, subjects, properties, speakers and the names of the "
            "entities in values, accents and case aside."
        ),
    )
    # A column of the claim: no row can repeat, so no DISTINCT (django-filter's default for
    # several choices), which sorted every matching claim whole for a page of 25.
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"),
        choices=ClaimStatus.choices,
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    verdict = django_filters.ModelChoiceFilter(label=_("Verdict"), queryset=Verdict.objects.all())
    speaker = django_filters.CharFilter(
        label=_("Speaker"),
        method="filter_speaker",
        widget=LookUpInput("claims:entity-search"),
        help_text=_("Any of their names or aliases."),
    )
    source = django_filters.CharFilter(
        label=_("Source"),
        method="filter_source",
        widget=LookUpInput("claims:source-search"),
        help_text=_("Words of its title or publisher."),
    )
    # A look-up, not a list: a desk's publishers are thousands (every one an <option> made
    # the page megabytes).
    publisher = django_filters.CharFilter(
        label=_("Publisher"),
        method="filter_publisher",
        widget=LookUpInput("claims:entity-search"),
        help_text=_("Any of its names or aliases."),
    )
    language = django_filters.ChoiceFilter(
        label=_("Source language"),
        choices=language_choices,
        method="filter_language",
        widget=ManyOptionsSelect,
    )
    subject = django_filters.CharFilter(
        label=_("Subject"),
        method="filter_subject",
        widget=LookUpInput("claims:entity-search"),
        help_text=_("Any of its names or aliases."),
    )
    assignee = django_filters.ModelChoiceFilter(
        label=_("Assignee"),
        queryset=get_user_model().objects.filter(is_active=True).order_by("username"),
    )
    # Both ends apply to one version: see filter_queryset.
    said_after = django_filters.DateFilter(
        label=_("Said on or after"),
        method="keep",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    said_before = django_filters.DateFilter(
        label=_("Said on or before"),
        method="keep",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("A version's date is when it was said, else its source's date."),
    )
    has_open_conflict = django_filters.BooleanFilter(
        label=_("Has an open conflict"),
        method="filter_open_conflict",
        widget=forms.Select(choices=[("", "—"), ("true", _("yes")), ("false", _("no"))]),
    )
    source_record = django_filters.ChoiceFilter(
        label=_("Its sources' track record"),
        method="filter_source_record",
        choices=[
            (Rank.DEPRECATED, _("a source with versions set aside by decisions")),
            (Rank.PREFERRED, _("a source with versions preferred by decisions")),
        ],
        empty_label="—",
    )
    source_changed = django_filters.BooleanFilter(
        label=_("A source changed since it was quoted"),
        method="filter_source_changed",
        widget=forms.Select(choices=[("", "—"), ("true", _("yes")), ("false", _("no"))]),
    )
    # Each order named in full (django-filter's own labels read "statement (descending)").
    # Left empty, the list's default: the best matches of a search first, else the latest
    # activity (ClaimQuerySet.mark_active).
    ordering = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(
            ("last_activity_at", "activity"),
            ("created_at", "created"),
            ("statement_order", "statement"),
        ),
        choices=[
            ("activity", _("Oldest activity first")),
            ("-created", _("Newest claims first")),
            ("created", _("Oldest claims first")),
            ("statement", _("Statement, A to Z")),
            ("-statement", _("Statement, Z to A")),
        ],
        empty_label=_("Latest activity first (a search: best matches first)"),
    )

    class Meta:
        model = Claim
        fields = []  # all declared above, in the order the form shows them

    # How many of a search's matches are kept, the newest (None keeps all: an export).
    newest = SEARCH_NEWEST

    @property
    def search_words(self) -> list[str]:
        return search_words(self.form.cleaned_data.get("q") or "") if self.is_valid() else []

    @property
    def searching(self) -> bool:
        return bool(self.search_words)

    def filter_speaker(self, queryset, name, value):
        return _with_version(queryset, speaker__in=_entities_called(value))

    def filter_source(self, queryset, name, value):
        return _with_version(queryset, source__in=_sources_called(value))

    def filter_subject(self, queryset, name, value):
        return queryset.filter(subject__in=_entities_called(value))

    def filter_publisher(self, queryset, name, value):
        return _with_version(queryset, source__publisher__in=_entities_called(value))

    def filter_language(self, queryset, name, value: str):
        return _with_version(queryset, source__language=value)

    def keep(self, queryset, name, value):
        return queryset

    def filter_queryset(self, queryset):
        queryset = queryset.annotate(statement_order=STATEMENT_ORDER)
        queryset = self._said_between(super().filter_queryset(queryset))
        if self.searching:
            queryset = queryset.search(self.form.cleaned_data["q"], newest=self.newest)
        return queryset

    def _said_between(self, queryset):
        after = self.form.cleaned_data.get("said_after")
        before = self.form.cleaned_data.get("said_before")
        if not after and not before:
            return queryset
        # A version's date is when it was said, or failing that its source's publication date
        # (dates with a precision count from the first day of their period).
        said, published = Q(said_on__isnull=False), Q(said_on__isnull=True)
        if after:
            said &= Q(said_on__gte=after)
            published &= Q(source__published_on__gte=after)
        if before:
            said &= Q(said_on__lte=before)
            published &= Q(source__published_on__lte=before)
        return _with_version(queryset, said | published)

    def filter_source_record(self, queryset, name, value: str):
        # The sources with a version so ranked: few (a partial index), then their claims.
        ranked = Appearance.objects.filter(rank=value).values("source_id")
        return _with_version(queryset, source__in=ranked)

    def filter_source_changed(self, queryset, name, value):
        # Few versions are flagged: the claims are found from them (a partial index), not
        # each claim looked through.
        flagged = Appearance.objects.exclude(drift="").values("claim_id")
        return queryset.filter(pk__in=flagged) if value else queryset.exclude(pk__in=flagged)

    def filter_open_conflict(self, queryset, name, value):
        # The count the services keep on the claim (the conflicts' two sides looked through
        # for every claim of a speaker took a second at a million claims).
        return queryset.filter(open_conflicts__gt=0) if value else queryset.filter(open_conflicts=0)
