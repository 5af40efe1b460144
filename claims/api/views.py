"""The API's endpoints: each read is a queryset with what its rows show joined or prefetched
(no query per row); each write calls the service the pages call."""

import django_filters
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from claims.filters import ClaimFilter
from claims.models import (
    Appearance,
    Claim,
    Conflict,
    ConflictState,
    Entity,
    EntityKind,
    Evidence,
    Source,
    SourceKind,
    Verdict,
)
from claims.services import (
    add_entity,
    add_evidence,
    add_source,
    change_entity,
    change_evidence,
    change_source,
    create_claim,
    decide_conflict,
    delete_appearance,
    delete_claim,
    delete_entity,
    delete_source,
    record_appearance,
    remove_evidence,
    take_step,
    update_appearance,
    update_claim,
)

from . import serializers


class ServiceViewSet(viewsets.ModelViewSet):
    """Reads from the queryset; writes through ``create_with``, ``update_with`` and
    ``delete_with``, which call services (their permission checks included). Changes are
    partial (PATCH): there is no PUT."""

    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def perform_create(self, serializer):
        serializer.instance = self.create_with(dict(serializer.validated_data))

    def perform_update(self, serializer):
        serializer.instance = self.update_with(serializer.instance, dict(serializer.validated_data))

    def perform_destroy(self, instance):
        self.delete_with(instance)

    @property
    def by(self):
        return self.request.user

    def create_with(self, data: dict):
        raise NotImplementedError

    def update_with(self, instance, data: dict):
        raise NotImplementedError

    def delete_with(self, instance) -> None:
        raise NotImplementedError


def based_on(data: dict) -> int:
    """The version a change is based on, which it must give (optimistic locking)."""
    version = data.pop("version", None)
    if version is None:
        raise ValidationError(
            {"version": [_("The version your change is based on (the one you read) is required.")]}
        )
    return version


# --- Sources and entities -----------------------------------------------------------------------


class SourceFilter(django_filters.FilterSet):
    url = django_filters.CharFilter(help_text="The source at this address.")
    kind = django_filters.ChoiceFilter(choices=SourceKind.choices)
    language = django_filters.CharFilter()
    publisher = django_filters.ModelChoiceFilter(queryset=Entity.objects.all())

    class Meta:
        model = Source
        fields = []


class SourceViewSet(ServiceViewSet):
    queryset = Source.objects.all()
    filterset_class = SourceFilter

    def get_serializer_class(self):
        if self.action == "list":
            return serializers.SourceSerializer
        return serializers.SourceDetailSerializer

    def create_with(self, data):
        return add_source(by=self.by, **data)

    def update_with(self, source, data):
        change_source(source=source, by=self.by, **data)
        return source

    def delete_with(self, source):
        delete_source(source=source, by=self.by)


class EntityFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(
        method="filter_name",
        help_text="Entities called so, by their name or an alias, case and accents aside "
        "(«etats-unis», «USA»).",
    )
    kind = django_filters.ChoiceFilter(choices=EntityKind.choices)
    wikidata_id = django_filters.CharFilter()

    class Meta:
        model = Entity
        fields = []

    def filter_name(self, queryset, name, value):
        return queryset & Entity.objects.named(value)


def _aliases(data: dict) -> list[tuple[str, str]] | None:
    aliases = data.pop("aliases", None)
    return None if aliases is None else [(a["name"], a.get("language", "")) for a in aliases]


class EntityViewSet(ServiceViewSet):
    queryset = Entity.objects.prefetch_related("aliases")
    serializer_class = serializers.EntitySerializer
    filterset_class = EntityFilter

    def create_with(self, data):
        return add_entity(by=self.by, aliases=_aliases(data) or (), **data)

    def update_with(self, entity, data):
        return change_entity(entity=entity, by=self.by, aliases=_aliases(data), **data)

    def delete_with(self, entity):
        delete_entity(entity=entity, by=self.by)


# --- Claims and their versions ------------------------------------------------------------------


class ApiClaimFilter(ClaimFilter):
    # The API's order is its pagination's (newest first).
    ordering = None

    @extend_schema_field(OpenApiTypes.INT)
    def filter_publisher(self, queryset, name, value):
        return super().filter_publisher(queryset, name, value)


class ClaimViewSet(ServiceViewSet):
    filterset_class = ApiClaimFilter

    def get_queryset(self):
        claims = Claim.objects.select_related("verdict", "proposed_verdict", "assignee")
        if self.action == "list":
            return claims
        versions = Appearance.objects.prefetch_related("value_entities").order_by("pk")
        return claims.prefetch_related(
            Prefetch("appearances", queryset=versions),
            Prefetch("conflicts", queryset=Conflict.objects.order_by("pk")),
        )

    def get_serializer_class(self):
        if self.action == "list":
            return serializers.ClaimSerializer
        return serializers.ClaimDetailSerializer

    def create_with(self, data):
        data.pop("version", None)
        return create_claim(by=self.by, **data)

    def update_with(self, claim, data):
        update_claim(claim=claim, by=self.by, based_on=based_on(data), **data)
        return self.get_queryset().get(pk=claim.pk)

    def delete_with(self, claim):
        delete_claim(claim=claim, by=self.by)

    @extend_schema(
        request=serializers.StepSerializer,
        responses=serializers.ClaimDetailSerializer,
        summary="Take a workflow step: start the review, mark reviewed with a verdict, "
        "confirm or send back a proposed verdict, archive, reopen, assign.",
    )
    @action(detail=True, methods=["post"])
    def steps(self, request, pk=None):
        claim = self.get_object()
        step = serializers.StepSerializer(data=request.data)
        step.is_valid(raise_exception=True)
        take_step(claim=claim, by=request.user, **step.validated_data)
        claim = self.get_queryset().get(pk=claim.pk)
        return Response(self.get_serializer(claim).data)


class AppearanceFilter(django_filters.FilterSet):
    class Meta:
        model = Appearance
        fields = ["claim", "source", "speaker", "rank"]


class AppearanceViewSet(ServiceViewSet):
    queryset = Appearance.objects.prefetch_related("value_entities")
    serializer_class = serializers.AppearanceSerializer
    filterset_class = AppearanceFilter

    def create_with(self, data):
        data.pop("version", None)
        return record_appearance(by=self.by, **data)

    def update_with(self, appearance, data):
        return update_appearance(appearance=appearance, by=self.by, based_on=based_on(data), **data)

    def delete_with(self, appearance):
        delete_appearance(appearance=appearance, by=self.by)


# --- Conflicts, evidence, verdicts --------------------------------------------------------------


class ConflictFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=ConflictState.choices)

    class Meta:
        model = Conflict
        fields = ["claim", "state"]


class ConflictViewSet(viewsets.ReadOnlyModelViewSet):
    """Conflicts are opened by the contradiction engine (or flagged on the claim's page) and
    decided by reviewers."""

    queryset = Conflict.objects.all()
    serializer_class = serializers.ConflictSerializer
    filterset_class = ConflictFilter

    @extend_schema(
        request=serializers.DecisionSerializer,
        responses=serializers.ConflictSerializer,
        summary="Decide: a version prevails, both hold at their dates, dismiss, or reopen.",
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        conflict = self.get_object()
        decision = serializers.DecisionSerializer(data=request.data)
        decision.is_valid(raise_exception=True)
        conflict = decide_conflict(conflict=conflict, by=request.user, **decision.validated_data)
        return Response(self.get_serializer(conflict).data)


class EvidenceViewSet(ServiceViewSet):
    queryset = Evidence.objects.all()
    serializer_class = serializers.EvidenceSerializer
    filterset_fields = ["claim", "source", "stance"]

    def create_with(self, data):
        return add_evidence(by=self.by, **data)

    def update_with(self, evidence, data):
        return change_evidence(evidence=evidence, by=self.by, **data)

    def delete_with(self, evidence):
        remove_evidence(evidence=evidence, by=self.by)


class VerdictViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The desk's verdict scale (changed in the administration)."""

    queryset = Verdict.objects.all()
    serializer_class = serializers.VerdictSerializer
    lookup_field = "slug"
    pagination_class = None
