"""Dates with a precision: "2021", "2022-05" and "2018-06-26" are all values a source states.

A date is stored as a pair of fields, ``<name>`` (a DateField holding the first day of the
period) and ``<name>_precision`` (year / month / day). This module holds the vocabulary, the
database constraints every such pair carries, and the interval arithmetic that compares them.
"""

import calendar
import datetime
from dataclasses import dataclass

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DatePrecision(models.TextChoices):
    YEAR = "year", _("year")
    MONTH = "month", _("month")
    DAY = "day", _("day")


def precision_field_of(field: str) -> str:
    # Source.published_on pairs with published_precision; every other date with <name>_precision.
    return "published_precision" if field == "published_on" else f"{field}_precision"


def precise_date_constraints(model_name: str, field: str) -> list[models.BaseConstraint]:
    """Constraints for a date + precision pair: both or neither, and the date is the first day
    of its period, so that equal periods are stored equally."""
    precision = precision_field_of(field)
    return [
        models.CheckConstraint(
            condition=Q(**{f"{field}__isnull": True, precision: ""})
            | Q(**{f"{field}__isnull": False, f"{precision}__in": DatePrecision.values}),
            name=f"{model_name}_{field}_with_precision",
            violation_error_message=_("A date needs its precision, and a precision its date."),
        ),
        models.CheckConstraint(
            # A date without precision is the other constraint's business.
            condition=Q(**{f"{field}__isnull": True})
            | Q(**{precision: ""})
            | Q(**{precision: DatePrecision.DAY})
            | Q(**{precision: DatePrecision.MONTH, f"{field}__day": 1})
            | Q(**{precision: DatePrecision.YEAR, f"{field}__day": 1, f"{field}__month": 1}),
            name=f"{model_name}_{field}_starts_its_period",
            violation_error_message=_("A date must be the first day of its month or year."),
        ),
    ]


@dataclass(frozen=True)
class PreciseDate:
    value: datetime.date
    precision: str

    @classmethod
    def parse(cls, text: str) -> "PreciseDate":
        """Parse "2021", "2022-05" or "2018-06-26"; raise ValueError naming the problem."""
        text = text.strip()
        parts = text.split("-")
        try:
            numbers = [int(part) for part in parts]
            if len(parts) == 1 and len(parts[0]) == 4:
                return cls(datetime.date(numbers[0], 1, 1), DatePrecision.YEAR)
            if len(parts) == 2:
                return cls(datetime.date(numbers[0], numbers[1], 1), DatePrecision.MONTH)
            if len(parts) == 3:
                return cls(datetime.date(*numbers), DatePrecision.DAY)
        except ValueError as exc:
            raise ValueError(f"{text!r} is not a valid date: {exc}.") from None
        raise ValueError(f"{text!r} is not a date: use YYYY, YYYY-MM or YYYY-MM-DD.")

    def truncated(self) -> "PreciseDate":
        """The same period, with its date moved to the period's first day."""
        if self.precision == DatePrecision.YEAR:
            return PreciseDate(self.value.replace(month=1, day=1), self.precision)
        if self.precision == DatePrecision.MONTH:
            return PreciseDate(self.value.replace(day=1), self.precision)
        return self

    def interval(self) -> tuple[datetime.date, datetime.date]:
        """First and last day of the period this date covers (2021 is the whole year)."""
        start = self.truncated().value
        if self.precision == DatePrecision.YEAR:
            return start, start.replace(month=12, day=31)
        if self.precision == DatePrecision.MONTH:
            last_day = calendar.monthrange(start.year, start.month)[1]
            return start, start.replace(day=last_day)
        return start, start

    def overlaps(self, other: "PreciseDate") -> bool:
        start, end = self.interval()
        other_start, other_end = other.interval()
        return start <= other_end and other_start <= end

    def __str__(self) -> str:
        if self.precision == DatePrecision.YEAR:
            return f"{self.value.year:04d}"
        if self.precision == DatePrecision.MONTH:
            return f"{self.value.year:04d}-{self.value.month:02d}"
        return self.value.isoformat()


def clean_precise_date(instance: models.Model, field: str) -> dict[str, str]:
    """Validate a date pair on ``instance`` and move the date to its period's first day.

    Returns form-style errors keyed by field name (empty when valid)."""
    precision_field = precision_field_of(field)
    value = getattr(instance, field)
    precision = getattr(instance, precision_field)
    if value is None and not precision:
        return {}
    if value is None:
        return {field: _("Give the date, or clear its precision.")}
    if not precision:
        return {precision_field: _("Say whether this date is exact to the year, month or day.")}
    setattr(instance, field, PreciseDate(value, precision).truncated().value)
    return {}


def precise_date_of(instance: models.Model, field: str) -> PreciseDate | None:
    value = getattr(instance, field)
    if value is None:
        return None
    return PreciseDate(value, getattr(instance, precision_field_of(field)))
