"""What the API reads and writes. Serializers check the shape of a request (types, ids that
exist, choices); the services check the rest, as they do for the pages, and write."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from claims.dates import PreciseDate, precise_date_text, precision_field_of
from claims.models import (
    Alias,
    Appearance,
    Claim,
    Conflict,
    Entity,
    Evidence,
    Source,
    Verdict,
)
from claims.services import Decision, Step, available_steps, current_value

User = get_user_model()


@extend_schema_field(
    {"type": "string", "nullable": True, "example": "2022-05", "pattern": r"^\d{4}(-\d{2}){0,2}$"}
)
class PreciseDateField(serializers.Field):
    """A date as precise as it was given — "2021", "2022-05" or "2018-06-26" — read from and
    written to a model's date field and its precision field."""

    def __init__(self, date_field: str, **kwargs):
        self.date_field, self.precision_field = date_field, precision_field_of(date_field)
        super().__init__(source="*", required=False, allow_null=True, **kwargs)

    def to_representation(self, instance):
        return precise_date_text(instance, self.date_field)

    def to_internal_value(self, data):
        if data in (None, ""):
            return {self.date_field: None, self.precision_field: ""}
        if not isinstance(data, str):
            raise serializers.ValidationError(_("Expected a date: YYYY, YYYY-MM or YYYY-MM-DD."))
        try:
            date = PreciseDate.parse(data)
        except ValueError as error:
            raise serializers.ValidationError(str(error)) from error
        return {self.date_field: date.value, self.precision_field: date.precision}

    def validate_empty_values(self, data):
        # None is "no date": written as such (the field's source is the whole row).
        if data is None:
            return (False, data)
        return super().validate_empty_values(data)


class UsernameField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        super().__init__(slug_field="username", queryset=User.objects.all(), **kwargs)


class VerdictSerializer(serializers.ModelSerializer):
    class Meta:
        model = Verdict
        fields = ["slug", "label", "label_fr", "description", "description_fr", "rating_value",
                  "best_rating", "worst_rating"]  # fmt: skip


class SourceSerializer(serializers.ModelSerializer):
    published = PreciseDateField("published_on")

    class Meta:
        model = Source
        fields = ["id", "title", "url", "publisher", "kind", "language", "published",
                  "content_sha256", "created_at", "updated_at"]  # fmt: skip
        read_only_fields = ["content_sha256", "created_at", "updated_at"]
        # A new source is in the desk's language unless it says otherwise.
        extra_kwargs = {"language": {"default": settings.LANGUAGE_CODE[:2]}}


class SourceDetailSerializer(SourceSerializer):
    """A source with its text (the list leaves texts out: they can be long)."""

    class Meta(SourceSerializer.Meta):
        fields = [*SourceSerializer.Meta.fields, "text"]


class AliasSerializer(serializers.ModelSerializer):
    class Meta:
        model = Alias
        fields = ["name", "language"]


class EntitySerializer(serializers.ModelSerializer):
    aliases = AliasSerializer(many=True, required=False)

    class Meta:
        model = Entity
        fields = ["id", "name", "kind", "wikidata_id", "description", "aliases"]


class AppearanceSerializer(serializers.ModelSerializer):
    """A version of a claim: where it was said, by whom, what it states. ``version`` is the
    row's revision: a change sends the one it was based on."""

    said_on = PreciseDateField("said_on")
    as_of = PreciseDateField("as_of")
    value_date = PreciseDateField("value_date")
    value_entities = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Entity.objects.all(), required=False
    )

    class Meta:
        model = Appearance
        fields = ["id", "claim", "source", "speaker", "speaker_description", "attribution",
                  "quote", "start", "end",
                  "said_on", "as_of", "value_number", "value_date", "value_text",
                  "value_boolean", "value_entities", "rank", "rank_reason", "version",
                  "created_at", "updated_at"]  # fmt: skip
        read_only_fields = ["rank", "rank_reason", "created_at", "updated_at"]
        extra_kwargs = {"version": {"required": False}}


class ConflictSerializer(serializers.ModelSerializer):
    class Meta:
        model = Conflict
        fields = ["id", "claim", "appearance_a", "appearance_b", "kind", "detail", "timing",
                  "origin", "state", "resolution", "resolution_note", "prevailing",
                  "created_at", "resolved_at"]  # fmt: skip
        read_only_fields = fields


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    note = serializers.CharField(allow_blank=True, default="", max_length=5000)


class EvidenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Evidence
        fields = ["id", "claim", "source", "stance", "note", "created_at"]
        read_only_fields = ["created_at"]


class ClaimSerializer(serializers.ModelSerializer):
    """A claim. Status, verdict and assignment change by workflow steps (``steps/``), its
    wording and structure by a change based on its ``version``."""

    verdict = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    proposed_verdict = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    assignee = serializers.SlugRelatedField(slug_field="username", read_only=True)
    page = serializers.SerializerMethodField()

    class Meta:
        model = Claim
        fields = ["id", "external_id", "statement", "subject", "property", "value_type",
                  "tolerance", "compare_text", "changes_over_time", "status", "verdict",
                  "proposed_verdict", "assignee", "version", "merged_into", "page", "created_at",
                  "updated_at"]  # fmt: skip
        read_only_fields = ["external_id", "status", "merged_into", "created_at", "updated_at"]
        extra_kwargs = {"version": {"required": False}}

    def get_page(self, claim) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("claims:claim-detail", args=[claim.pk])
        )


class CurrentValueSerializer(serializers.Serializer):
    basis = serializers.ChoiceField(
        choices=["preferred", "agreed", "disputed", "none"],
        help_text="Where the value comes from: the preferred version, all versions agreeing, "
        "or none (disputed: they disagree).",
    )
    text = serializers.CharField()


class ClaimDetailSerializer(ClaimSerializer):
    """A claim with its versions, its conflicts, its current value and the workflow steps the
    asking user may take on it."""

    versions = AppearanceSerializer(many=True, read_only=True, source="appearances")
    conflicts = ConflictSerializer(many=True, read_only=True)
    current_value = serializers.SerializerMethodField()
    steps = serializers.SerializerMethodField()

    class Meta(ClaimSerializer.Meta):
        fields = [*ClaimSerializer.Meta.fields, "versions", "conflicts", "current_value", "steps"]

    @extend_schema_field(CurrentValueSerializer)
    def get_current_value(self, claim) -> dict:
        value = current_value(claim)
        return {"basis": value.basis, "text": value.text}

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(Step.choices)))
    def get_steps(self, claim) -> list[str]:
        return [str(step) for step in available_steps(claim, self.context["request"].user)]


class StepSerializer(serializers.Serializer):
    step = serializers.ChoiceField(choices=Step.choices)
    verdict = serializers.SlugRelatedField(
        slug_field="slug", queryset=Verdict.objects.all(), required=False, allow_null=True
    )
    note = serializers.CharField(allow_blank=True, default="", max_length=5000)
    assignee = UsernameField(required=False, allow_null=True)
