"""Helpers shared by the models: validators, constraint builders, the timestamp base."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from claims.text import ISO_639_1

# How many characters of context are kept on each side of a quote to find it again.
QUOTE_CONTEXT_LENGTH = 32


def validate_language(value: str) -> None:
    if value not in ISO_639_1:
        raise ValidationError(
            _("“%(value)s” is not an ISO 639-1 language code (two letters, e.g. “fr”, “en”)."),
            params={"value": value},
            code="invalid_language",
        )


validate_wikidata_id = RegexValidator(
    r"^Q[1-9][0-9]*$", _("A Wikidata id is a Q followed by digits, e.g. “Q1028”.")
)

LANGUAGE_SHAPE = Q(language__regex=r"^[a-z][a-z]$")


def choices_constraint(
    model_name: str, field: str, choices: type[models.Choices], *, blank: bool = False
):
    allowed = [*choices.values, ""] if blank else choices.values
    return models.CheckConstraint(
        condition=Q(**{f"{field}__in": allowed}), name=f"{model_name}_{field}_valid"
    )


def count_of(related: models.QuerySet, field: str) -> Coalesce:
    """A correlated COUNT of ``related`` rows whose ``field`` points at the outer row.

    A subquery, not a JOIN + GROUP BY: on a paginated list it is evaluated for the rows of the
    page only."""
    counted = (
        related.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counted), 0)


def folded_length_error(folded: str, field: models.Field) -> str | None:
    """The message for a value whose folded form (kept for look-ups and comparisons) outgrows
    ``field``'s column: folding spells some characters out ("ß" → "ss", "ﷺ" → 18 letters)."""
    if len(folded) <= field.max_length:
        return None
    return _(
        "This is too long once spelled out for comparison (%(length)d characters; at most "
        "%(max)d): shorten it."
    ) % {"length": len(folded), "max": field.max_length}


class History(HistoricalRecords):
    """simple-history's records, reachable from the model (``Model.history_records``) so that
    a service can write one record of a row as it is now, its tracked sets included (the bulk
    helpers leave sets out)."""

    def contribute_to_class(self, cls, name):
        # The history is read by row (``id``) and by claim (``claim``): the other relations
        # need no index there, and each index costs every save and every import.
        self.no_db_index = [
            field.name for field in cls._meta.fields if field.is_relation and field.name != "claim"
        ]
        super().contribute_to_class(cls, name)
        cls.history_records = self


class Timestamped(models.Model):
    # Now, unless an import gives the time the row was first made elsewhere.
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True
