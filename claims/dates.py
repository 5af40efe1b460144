"""Dates with a precision: "2021", "2022-05" and "2018-06-26" are all values a source states.

A date is stored as a pair of fields, ``<name>`` (a DateField holding the first day of the
period) and ``<name>_precision`` (year / month / day). This module holds the vocabulary, the
database constraints every such pair carries, and the interval arithmetic that compares them.
"""

import calendar
import datetime
import re
from dataclasses import dataclass

from django.db import models
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from claims.text import normalize_name


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


# Month names as sources write them, folded (case and accents aside): French, then English.
MONTHS = {
    name: number
    for names in (
        "janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre",
        "january february march april may june july august september october november december",
    )
    for number, name in enumerate(names.split(), start=1)
}
_NUMERIC = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_WRITTEN = re.compile(r"(?:(\d{1,2})(?: ?er)? )?([a-z]+) (\d{4})")


def _date_shape(text: str) -> tuple[int, int | None, int | None] | None:
    """(year, month, day) of a date written in one of the accepted forms, None otherwise. A
    year has four digits: "21-05" or "5-5-5" are not dates."""
    text = text.strip()
    if match := _NUMERIC.fullmatch(text):
        year, month, day = match.groups()
        return int(year), month and int(month), day and int(day)
    if match := _WRITTEN.fullmatch(normalize_name(text)):
        day, month_name, year = match.groups()
        if month_name in MONTHS:
            return int(year), MONTHS[month_name], day and int(day)
    return None


@dataclass(frozen=True)
class PreciseDate:
    value: datetime.date
    precision: str

    @classmethod
    def parse(cls, text: str) -> "PreciseDate":
        """Parse a date as precise as a source gives it: "2021", "2022-05", "2018-06-26", or
        the French and English forms "mai 2022", "26 juin 2018", "1er mars 2020", "May 2022",
        "26 June 2018". Raises ValueError with a translated message naming the problem."""
        shape = _date_shape(text)
        if shape is None:
            raise ValueError(
                gettext(
                    "“%(text)s” is not a date: write YYYY, YYYY-MM or YYYY-MM-DD "
                    "(or “mai 2022”, “26 juin 2018”)."
                )
                % {"text": text.strip()[:40]}
            )
        year, month, day = shape
        if year == 0:
            problem = gettext("there is no year 0")
        elif month is not None and not 1 <= month <= 12:
            problem = gettext("there is no month %(month)d") % {"month": month}
        elif day is not None and not 1 <= day <= calendar.monthrange(year, month)[1]:
            problem = gettext("that month has no day %(day)d") % {"day": day}
        else:
            problem = ""
        if problem:
            raise ValueError(
                gettext("“%(text)s” is not a valid date: %(problem)s.")
                % {"text": text.strip()[:40], "problem": problem}
            )
        value = datetime.date(year, month or 1, day or 1)
        precision = (
            DatePrecision.DAY if day else DatePrecision.MONTH if month else DatePrecision.YEAR
        )
        return cls(value, precision)

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

    def label(self) -> str:
        """The date as a reader writes it, in the active language: "2021", "May 2022" («mai
        2022»), "2 March 2023" («2 mars 2023»)."""
        if self.precision == DatePrecision.YEAR:
            return str(self)
        return date_format(self.value, "F Y" if self.precision == DatePrecision.MONTH else "j F Y")

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


def precise_date_text(instance: models.Model, field: str) -> str | None:
    """A date as precise as it was given: "2021", "2022-05", "2018-06-26" (None: no date)."""
    date = precise_date_of(instance, field)
    return None if date is None else str(date)
