import datetime
import re
from decimal import Decimal, InvalidOperation
from functools import partial

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.core.validators import DecimalValidator
from django.db import transaction
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from .dates import PreciseDate, precise_date_text
from .models import (
    DATED_TYPES,
    Appearance,
    Attribution,
    CitationKind,
    Claim,
    Conflict,
    ConflictState,
    Entity,
    ImportFormat,
    SearchRecord,
    Source,
    Stance,
    ValueType,
    Verdict,
)
from .services import Decision, Step, ValueDecision, check_version
from .services.sources import text_from_upload
from .services.workflow import EDITABLE_FIELDS
from .text import ISO_639_1, normalize_text, record_id


def add_service_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's refusal on ``form``: each message under the field it names when the
    form has that field (``form.error_fields`` maps a model's field names to the form's), the
    others at the top, prefixed with their field's name."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    renamed = getattr(form, "error_fields", {})
    for name, errors in error.error_dict.items():
        field = renamed.get(name, name)
        if field in form.fields:
            form.add_error(field, errors)
            continue
        messages = [message for item in errors for message in item.messages]
        if name != NON_FIELD_ERRORS:
            model = getattr(getattr(form, "_meta", None), "model", None)
            label = name
            if model is not None:
                try:
                    label = str(model._meta.get_field(name).verbose_name)
                except FieldDoesNotExist:
                    pass
            messages = [f"{label}: {message}" for message in messages]
        form.add_error(None, messages)


class PromptedChoices:
    """A form whose drop-downs start with "Choose…" rather than Django's "---------", which
    says nothing in any language."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                if field.empty_label == "---------":
                    field.empty_label = _("Choose…")
            elif isinstance(field, forms.ChoiceField):
                field.choices = [
                    (value, _("Choose…") if (value, label) == ("", "---------") else label)
                    for value, label in field.choices
                ]


class VersionedForm(PromptedChoices, forms.ModelForm):
    """An edit form that carries the version of the row it was based on, and refuses to save
    over a newer one (with who changed what since)."""

    based_on = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["based_on"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None or not self.has_changed():
            return cleaned
        based_on = cleaned.get("based_on")
        if based_on is None:
            raise ValidationError(_("This form does not say which version it edits; reload it."))
        if transaction.get_connection().in_atomic_block:
            # Hold the row until the save (views save in one transaction): a concurrent save
            # of the same version waits here, then finds the version moved on.
            list(
                type(self.instance)
                .objects.select_for_update()
                .filter(pk=self.instance.pk)
                .values_list("pk")
            )
        check_version(self.instance, based_on)
        return cleaned

    def changes(self) -> dict:
        """The edited fields and their new values (what a service is given)."""
        return {name: self.cleaned_data[name] for name in self.changed_data if name != "based_on"}


class ClaimForm(VersionedForm):
    class Meta:
        model = Claim
        fields = EDITABLE_FIELDS


class AppearanceForm(VersionedForm):
    """Adds the check the model cannot make itself: a set of entities only on a claim whose
    value type is a set of entities (many-to-many values are saved after the row)."""

    class Meta:
        model = Appearance
        fields = (
            "claim",
            "source",
            "speaker",
            "attribution",
            "quote",
            "start",
            "end",
            "said_on",
            "said_on_precision",
            "as_of",
            "as_of_precision",
            "value_entities",
            "value_number",
            "value_date",
            "value_date_precision",
            "value_text",
            "value_boolean",
        )

    def clean(self):
        cleaned = super().clean()
        claim = cleaned.get("claim") or getattr(self.instance, "claim", None)
        if cleaned.get("value_entities") and claim and claim.value_type != ValueType.ENTITIES:
            self.add_error(
                "value_entities",
                _("This claim's value type is “%(type)s”; leave this empty.")
                % {"type": claim.get_value_type_display()},
            )
        return cleaned


class ReviewStepForm(forms.Form):
    """One step of the review workflow; ``steps`` are those the user may take now. A page
    shows a form per step (``for_step``) with only what that step asks for: nothing is
    picked for the reviewer."""

    step = forms.ChoiceField(label=_("Step"))
    verdict = forms.ModelChoiceField(
        label=_("Verdict"), queryset=Verdict.objects.all(), required=False, empty_label=_("Choose…")
    )
    assignee = forms.ModelChoiceField(
        label=_("Assign to"),
        queryset=get_user_model().objects.filter(is_active=True).order_by("username"),
        required=False,
        empty_label=_("Nobody (unassign)"),
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    based_on = forms.IntegerField(widget=forms.HiddenInput)

    # What each step asks for besides itself; a note is required where the service says so.
    ASKS = {
        Step.START_REVIEW: (),
        Step.MARK_REVIEWED: ("verdict", "note"),
        Step.CONFIRM_VERDICT: ("note",),
        Step.SEND_BACK: ("note",),
        Step.ARCHIVE: ("note",),
        Step.REOPEN: ("note",),
        Step.ASSIGN: ("assignee",),
    }
    NOTE_REQUIRED = {Step.MARK_REVIEWED, Step.SEND_BACK, Step.ARCHIVE, Step.REOPEN}

    def __init__(self, *args, steps=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = [(step, Step(step).label) for step in steps]

    @classmethod
    def for_step(cls, step: str, *, based_on: int) -> "ReviewStepForm":
        """The form of one step: the step fixed, its own fields only."""
        initial = {"step": step, "based_on": based_on}
        form = cls(steps=[step], initial=initial, auto_id=f"id_{step}_%s")
        form.step_taken = Step(step)  # not "step": a template would find the field
        form.fields["step"].widget = forms.HiddenInput()
        for name in {"verdict", "assignee", "note"} - set(cls.ASKS[step]):
            del form.fields[name]
        if "note" in form.fields:
            form.fields["note"].required = step in cls.NOTE_REQUIRED
            form.fields["note"].widget.attrs["required"] = step in cls.NOTE_REQUIRED
        if "verdict" in form.fields:
            form.fields["verdict"].widget.attrs["required"] = True
        return form


class ConflictForm(forms.ModelForm):
    """The conflict's admin page is where a reviewer decides it: the decision and its note are
    carried out by the lifecycle services when the form is saved."""

    decision = forms.ChoiceField(
        label=_("decision"), choices=[("", "—"), *Decision.choices], required=False
    )
    decision_note = forms.CharField(
        label=_("note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_(
            "Required to resolve or dismiss: why this version prevails, why both hold, "
            "or why this is not a real contradiction."
        ),
    )

    class Meta:
        model = Conflict
        fields = ("appearance_a", "appearance_b", "kind", "detail")

    def clean(self):
        cleaned = super().clean()
        decision = cleaned.get("decision")
        if not decision or self.instance.pk is None:
            return cleaned
        is_open = self.instance.state == ConflictState.OPEN
        if decision == Decision.REOPEN and is_open:
            self.add_error("decision", _("This conflict is already open."))
        elif decision != Decision.REOPEN and not is_open:
            self.add_error("decision", _("This conflict is closed; reopen it first."))
        elif decision != Decision.REOPEN and not cleaned.get("decision_note", "").strip():
            self.add_error("decision_note", _("A note is required to resolve or dismiss."))
        return cleaned


# --- The editors' pages -------------------------------------------------------------------------


def entity_named(name: str) -> Entity:
    """The one entity called ``name`` (by its name or any alias, case and accents aside)."""
    matches = list(Entity.objects.named(name)[:2])
    if not matches:
        raise ValidationError(
            _("No entity is called “%(name)s”; check the spelling or add it first."),
            params={"name": name},
        )
    if len(matches) > 1:
        raise ValidationError(
            _("Several entities are called “%(name)s”; use a more precise name."),
            params={"name": name},
        )
    return matches[0]


class EntityNameField(forms.CharField):
    """An entity typed by any of its names or aliases (the look-up box suggests them)."""

    widget = forms.TextInput(
        attrs={"data-lookup-url": reverse_lazy("claims:entity-search"), "autocomplete": "off"}
    )

    def prepare_value(self, value):
        if isinstance(value, Entity):
            return value.name
        if isinstance(value, int):
            entity = Entity.objects.filter(pk=value).first()
            return entity.name if entity else ""
        return value

    def clean(self, value):
        name = super().clean(value)
        return entity_named(name) if name else None


class SourceTitleField(forms.CharField):
    """A source typed by its title (the look-up box suggests them), or its number."""

    def __init__(self, **kwargs):
        widget = forms.TextInput(
            attrs={"data-lookup-url": reverse_lazy("claims:source-search"), "autocomplete": "off"}
        )
        super().__init__(widget=widget, max_length=500, **kwargs)

    def clean(self, value):
        text = super().clean(value).strip()
        if not text:
            return None
        if (pk := record_id(text)) is not None:
            found = Source.objects.filter(pk=pk).first()
        else:
            titled = Source.objects.defer("text", "search_text")
            found = titled.filter(title__iexact=text).first() or titled.search(text).first()
        if found is None:
            raise ValidationError(
                _("No source is called “%(title)s”."), params={"title": text[:80]}
            )
        return found


class PreciseDateField(forms.CharField):
    """A date as precise as the source is: "2021", "2022-05", "2018-06-26", "mai 2022"."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("YYYY, YYYY-MM or YYYY-MM-DD"))
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        try:
            return PreciseDate.parse(text)
        except ValueError as error:
            raise ValidationError(str(error)) from None


_value_number = Appearance._meta.get_field("value_number")
NUMBER_LIMITS = DecimalValidator(_value_number.max_digits, _value_number.decimal_places)


def parse_value(value_type: str, text: str) -> dict:
    """Appearance value fields from what an editor typed, read by the claim's value type:
    names separated by commas for a set, a number, a date as precise as known, yes or no."""
    text = text.strip()
    if not text or value_type == ValueType.NONE:
        return {}
    if value_type == ValueType.ENTITIES:
        names = [name.strip() for name in re.split(r"[,;\n]", text) if name.strip()]
        errors, entities = [], []
        for name in names:
            try:
                entities.append(entity_named(name))
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return {"value_entities": entities}
    if value_type == ValueType.NUMBER:
        try:
            number = Decimal(re.sub(r"[\s\u202f\xa0]", "", text).replace(",", "."))
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise ValidationError(
                _("“%(text)s” is not a number."), params={"text": text[:40]}
            ) from None
        # The column's limits, with Django's own messages (too many digits or decimals).
        NUMBER_LIMITS(number)
        return {"value_number": number}
    if value_type in DATED_TYPES:
        try:
            date = PreciseDate.parse(text)
        except ValueError as error:
            raise ValidationError(str(error)) from None
        return {"value_date": date.value, "value_date_precision": date.precision}
    if value_type == ValueType.BOOLEAN:
        folded = text.casefold()
        if folded in {"yes", "oui", "true", "1"}:
            return {"value_boolean": True}
        if folded in {"no", "non", "false", "0"}:
            return {"value_boolean": False}
        raise ValidationError(_("Answer yes or no."))
    return {"value_text": text}


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(
        label=_("Claim it duplicates"), queryset=Claim.objects.all(), widget=forms.NumberInput
    )
    based_on = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), required=False, max_length=5000)


class ProposalQueryForm(forms.Form):
    """What the record form holds when it asks for proposals. Anything unreadable (an unknown
    subject, a value that does not parse) is left out rather than refused: proposals are a
    help while the editor is still typing (``cleaned_data`` keeps the valid fields)."""

    q = forms.CharField(required=False, max_length=5000)
    # The record form's own field, as htmx sends it (its ``quote``).
    quote = forms.CharField(required=False, max_length=5000)
    subject = EntityNameField(required=False)
    property = forms.CharField(required=False, max_length=200)
    value_type = forms.ChoiceField(required=False, choices=[("", ""), *ValueType.choices])
    value = forms.CharField(required=False, max_length=1000)

    def clean(self):
        cleaned = super().clean()
        cleaned["q"] = cleaned.get("q") or cleaned.get("quote", "")
        try:
            cleaned["values"] = parse_value(cleaned.get("value_type", ""), cleaned.get("value", ""))
        except ValidationError:
            cleaned["values"] = None
        return cleaned


class VersionFields(PromptedChoices, forms.Form):
    """What a version of a claim says, as an editor types it: who said it, how, when, the
    value. The record form and the version's correction form share them."""

    # A service's refusal of a value or a date is shown under the field it was typed in.
    error_fields = {
        "value_entities": "value",
        "value_number": "value",
        "value_date": "value",
        "value_date_precision": "value",
        "value_text": "value",
        "value_boolean": "value",
        "said_on_precision": "said_on",
        "as_of_precision": "as_of",
    }

    quote = forms.CharField(
        label=_("Quote"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Select the passage in the text: the quote and its position fill in."),
    )
    # Filled in when the passage is selected; without them the quote is looked up in the text.
    start = forms.IntegerField(min_value=0, widget=forms.HiddenInput, required=False)
    end = forms.IntegerField(min_value=1, widget=forms.HiddenInput, required=False)
    speaker = EntityNameField(
        label=_("Speaker"), required=False, help_text=_("Any of their names or aliases.")
    )
    speaker_description = forms.CharField(
        label=_("Or, not named: described as"),
        required=False,
        max_length=200,
        help_text=_("When the source does not name who said it: “le ministre”, “a spokesperson”."),
    )
    # No default: whether the source quotes, paraphrases or reports is the editor's call.
    attribution = forms.ChoiceField(
        label=_("Attribution"), choices=[("", _("Choose…")), *Attribution.choices]
    )
    said_on = PreciseDateField(label=_("Said on"), required=False)
    as_of = PreciseDateField(
        label=_("Holds as of"),
        required=False,
        help_text=_("The date the value is true at, when the source gives one; else its date."),
    )
    value = forms.CharField(
        label=_("Value as this source states it"),
        required=False,
        help_text=_(
            "For a set, names separated by commas; a number; a date (YYYY, YYYY-MM, "
            "YYYY-MM-DD); yes or no."
        ),
        # What value.js shows when it shapes the field to the claim's value type.
        widget=forms.TextInput(
            attrs={
                "data-lookup-url": reverse_lazy("claims:entity-search"),
                "data-lookup-list": "true",
                "data-hint-entities": _("Names, separated by commas"),
                "data-hint-number": _("A number"),
                "data-hint-date": _("YYYY, YYYY-MM or YYYY-MM-DD"),
                "data-hint-boolean": _("yes or no"),
                "data-yes": _("yes"),
                "data-no": _("no"),
                "data-chips-label": _("Names in the value"),
                "data-remove-label": _("Remove {name}"),
                "data-precision-label": _("Precision"),
                "data-year": _("a year"),
                "data-month": _("a month"),
                "data-day": _("a day"),
            }
        ),
    )

    def __init__(self, *args, source: Source, **kwargs):
        super().__init__(*args, **kwargs)
        self.source = source

    def clean_quote(self):
        # Stored texts are normalised (line endings, NFC): so is a quote typed or pasted.
        return normalize_text(self.cleaned_data["quote"])

    def place_quote(self, cleaned: dict) -> None:
        quote = cleaned.get("quote")
        if quote and (cleaned.get("start") is None or cleaned.get("end") is None):
            # Typed or pasted rather than selected (from a keyboard, say): find it in the text.
            found = self.source.text.count(quote)
            if found == 1:
                cleaned["start"] = self.source.text.index(quote)
                cleaned["end"] = cleaned["start"] + len(quote)
            elif found == 0:
                self.add_error("quote", _("This passage is not in the source's text."))
            else:
                self.add_error(
                    "quote",
                    _("This passage occurs %(count)d times in the text; select the one you mean.")
                    % {"count": found},
                )

    def read_value(self, cleaned: dict, value_type: str) -> None:
        try:
            cleaned["values"] = parse_value(value_type, cleaned.get("value", ""))
        except ValidationError as error:
            self.add_error("value", error)

    def appearance_fields(self) -> dict:
        said_on, as_of = self.cleaned_data.get("said_on"), self.cleaned_data.get("as_of")
        return {
            "quote": self.cleaned_data["quote"],
            "start": self.cleaned_data["start"],
            "end": self.cleaned_data["end"],
            "speaker": self.cleaned_data.get("speaker"),
            "speaker_description": self.cleaned_data.get("speaker_description", ""),
            "attribution": self.cleaned_data["attribution"],
            "said_on": said_on.value if said_on else None,
            "said_on_precision": said_on.precision if said_on else "",
            "as_of": as_of.value if as_of else None,
            "as_of_precision": as_of.precision if as_of else "",
            **self.cleaned_data.get("values", {}),
        }


class RecordForm(VersionFields):
    """Record a passage of a source as a version of a claim, existing or new."""

    claim = forms.ModelChoiceField(
        label=_("Existing claim"),
        queryset=Claim.objects.all(),
        required=False,
        widget=forms.NumberInput,
        help_text=_("Its number, or pick one of the proposals; leave empty for a new claim."),
    )
    statement = forms.CharField(
        label=_("New claim: statement"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The proposition in a canonical wording."),
    )
    subject = EntityNameField(label=_("New claim: subject"), required=False)
    property = forms.CharField(label=_("New claim: property"), required=False, max_length=200)
    value_type = forms.ChoiceField(
        label=_("New claim: value type"),
        choices=ValueType.choices,
        initial=ValueType.NONE,
        required=False,
    )
    field_order = ["quote", "start", "end", "claim", "statement", "subject", "property",
                   "value_type"]  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        self.place_quote(cleaned)
        claim, statement = cleaned.get("claim"), cleaned.get("statement", "").strip()
        if claim and statement:
            raise ValidationError(_("Choose an existing claim or write a new one, not both."))
        if not claim and not statement:
            raise ValidationError(_("Choose an existing claim or write a new statement."))
        value_type = claim.value_type if claim else cleaned.get("value_type") or ValueType.NONE
        self.read_value(cleaned, value_type)
        return cleaned

    def new_claim(self) -> dict | None:
        if self.cleaned_data.get("claim"):
            return None
        return {
            "statement": self.cleaned_data["statement"].strip(),
            "subject": self.cleaned_data.get("subject"),
            "property": self.cleaned_data.get("property", ""),
            "value_type": self.cleaned_data.get("value_type") or ValueType.NONE,
        }


def value_text(appearance: Appearance, value_type: str) -> str:
    """A version's value as an editor types it (``parse_value`` reads it back)."""
    if value_type == ValueType.ENTITIES:
        return ", ".join(sorted(entity.name for entity in appearance.value_entities.all()))
    if value_type == ValueType.NUMBER and appearance.value_number is not None:
        return format(appearance.value_number.normalize(), "f")
    if value_type in DATED_TYPES:
        return precise_date_text(appearance, "value_date") or ""
    if value_type == ValueType.TEXT:
        return appearance.value_text
    if value_type == ValueType.BOOLEAN and appearance.value_boolean is not None:
        return _("yes") if appearance.value_boolean else _("no")
    return ""


# What a correction clears before setting what was typed: a version states one value.
NO_VALUE = {"value_number": None, "value_date": None, "value_date_precision": "",
            "value_text": "", "value_boolean": None}  # fmt: skip


class VersionForm(VersionFields):
    """Correct a version: what it quotes, who said it, how, when, its value — on the
    revision it was opened on (``based_on``)."""

    based_on = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, appearance: Appearance, **kwargs):
        claim = appearance.claim
        said_on = precise_date_text(appearance, "said_on")
        as_of = precise_date_text(appearance, "as_of")
        initial = {
            "quote": appearance.quote,
            "start": appearance.start,
            "end": appearance.end,
            "speaker": appearance.speaker.name if appearance.speaker else "",
            "speaker_description": appearance.speaker_description,
            "attribution": appearance.attribution,
            "said_on": said_on or "",
            "as_of": as_of or "",
            "value": value_text(appearance, claim.value_type),
            "based_on": appearance.version,
        }
        super().__init__(*args, source=appearance.source, initial=initial, **kwargs)
        self.appearance = appearance
        self.fields["quote"].required = False
        self.fields["quote"].help_text = _("Exactly as the source's text has it.")
        if claim.value_type == ValueType.NONE:
            del self.fields["value"]
        else:
            self.fields["value"].widget.attrs["data-value-type"] = claim.value_type

    def clean(self):
        cleaned = super().clean()
        # A quote changed here is found again in the text; one left as it is keeps its place.
        if cleaned.get("quote") != self.appearance.quote:
            cleaned["start"] = cleaned["end"] = None
        self.place_quote(cleaned)
        if not cleaned.get("quote"):
            cleaned["start"] = cleaned["end"] = None
        self.read_value(cleaned, self.appearance.claim.value_type)
        return cleaned

    def changes(self) -> dict:
        fields = self.appearance_fields()
        values = fields.pop("value_entities", [])
        if self.appearance.claim.value_type != ValueType.NONE:
            fields = {**NO_VALUE, **fields}
            fields["value_entities"] = values
        return fields


class SourceMetadataForm(PromptedChoices, forms.ModelForm):
    """What a source is: title, publisher, author, kind, language, date of publication."""

    error_fields = {"published_on": "published", "published_precision": "published"}

    published = PreciseDateField(label=_("Published on"), required=False)
    publisher = EntityNameField(label=_("Publisher"), required=False)

    class Meta:
        model = Source
        fields = ("title", "author", "kind", "language")

    def metadata_fields(self) -> dict:
        published = self.cleaned_data.get("published")
        return {
            "title": self.cleaned_data["title"],
            "author": self.cleaned_data.get("author", ""),
            "publisher": self.cleaned_data.get("publisher"),
            "kind": self.cleaned_data["kind"],
            "language": self.cleaned_data["language"],
            "published_on": published.value if published else None,
            "published_precision": published.precision if published else "",
        }


class SourceForm(SourceMetadataForm):
    """A new source, its text pasted or uploaded (.txt or .html, reduced to readable text)."""

    upload = forms.FileField(
        label=_("…or upload a file"),
        required=False,
        help_text=_(".txt or .html, UTF-8, up to 5 MB; HTML is reduced to its readable text."),
    )
    url = forms.URLField(label=_("URL"), max_length=2000, required=False, assume_scheme="https")

    field_order = ["title", "url", "kind", "language", "text", "upload", "published", "publisher"]

    class Meta(SourceMetadataForm.Meta):
        fields = ("title", "url", "kind", "language", "author", "text")
        widgets = {"text": forms.Textarea(attrs={"rows": 12})}
        labels = {"text": _("Text (paste it here)")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False
        self.fields["title"].help_text = _("Taken from an HTML file's title when left empty.")

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("upload")
        if upload:
            try:
                text, title = text_from_upload(upload)
            except ValidationError as error:
                self.add_error("upload", error)
                return cleaned
            cleaned["text"] = text
            cleaned["title"] = cleaned.get("title") or title
        if not cleaned.get("text", "").strip():
            self.add_error("text", _("Paste the source's text or upload a file."))
        if not cleaned.get("title"):
            self.add_error("title", _("Give the source a title."))
        return cleaned

    def source_fields(self) -> dict:
        return {
            **self.metadata_fields(),
            "url": self.cleaned_data.get("url", ""),
            "text": self.cleaned_data["text"],
        }


class FetchForm(forms.Form):
    """The address of a page to add as a source."""

    url = forms.URLField(
        label=_("Address of the page"),
        max_length=2000,
        assume_scheme="https",
        help_text=_("The tracker fetches it, reads the article and shows it to you first."),
    )

    def clean_url(self):
        url = self.cleaned_data["url"]
        if existing := Source.objects.filter(url=url).first():
            raise ValidationError(
                _("This page is already a source: “%(title)s”."), params={"title": existing.title}
            )
        return url


class FetchedSourceForm(SourceMetadataForm):
    """What was read from a fetched page, for the editor to confirm or correct."""

    @classmethod
    def initial_from(cls, metadata: dict) -> dict:
        """The form's initial values from what the page says of itself; a publisher only
        when one entity has that name."""
        initial = {
            "title": metadata.get("title", "")[:500],
            "author": metadata.get("author", "")[:300],
            "published": metadata.get("published_on", ""),
        }
        if metadata.get("language") in ISO_639_1:
            initial["language"] = metadata["language"]
        if name := metadata.get("publisher"):
            named = list(Entity.objects.named(name)[:2])
            if len(named) == 1:
                initial["publisher"] = named[0]
        return initial


class ClaimEditForm(VersionedForm):
    subject = EntityNameField(label=_("Subject"), required=False)
    recorded_by = EntityNameField(
        label=_("Recorded by"),
        required=False,
        help_text=_("For a claim that none happened: who keeps the record it says is empty."),
    )

    class Meta:
        model = Claim
        fields = EDITABLE_FIELDS
        widgets = {"statement": forms.Textarea(attrs={"rows": 3})}


class ConflictDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices)
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Required to resolve or dismiss."),
    )


class ValueDecisionForm(forms.Form):
    """Which value of a disagreement holds (``services.decide_value``). Nothing is chosen in
    advance: the reviewer picks one of the values, each held at its date, or no real
    contradiction."""

    choice = forms.ChoiceField(
        label=_("What holds?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what holds.")},
    )
    note = forms.CharField(
        label=_("Why"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why: the note is kept with the decision.")},
    )
    conflicts = forms.CharField(widget=forms.HiddenInput)
    # The service's messages under the fields that show them.
    error_fields = {"decision": "choice", "holds": "choice"}

    def __init__(self, *args, disagreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.disagreement = disagreement
        choices = [(value.choice, value.text) for value in disagreement.values]
        if disagreement.may_each_hold:
            choices.append((ValueDecision.EACH_AT_ITS_DATE, ValueDecision.EACH_AT_ITS_DATE.label))
        choices.append((ValueDecision.DISMISS, ValueDecision.DISMISS.label))
        self.fields["choice"].choices = choices
        self.fields["conflicts"].initial = disagreement.conflict_ids

    def decision(self) -> dict:
        """The keyword arguments of ``decide_value`` the form stands for."""
        choice = self.cleaned_data["choice"]
        ids = [int(pk) for pk in re.findall(r"[0-9]{1,18}", self.cleaned_data["conflicts"])]
        decision = {"conflict_ids": ids, "note": self.cleaned_data["note"]}
        if choice.startswith("holds:"):
            holds = self.disagreement.appearance(int(choice.removeprefix("holds:")))
            return {**decision, "decision": ValueDecision.HOLDS, "holds": holds}
        return {**decision, "decision": choice}


class EvidenceForm(PromptedChoices, forms.Form):
    """A source a reviewer or editor checked the claim against, and what it says of it."""

    source = SourceTitleField(label=_("Source"), help_text=_("Its title: suggestions show."))
    stance = forms.ChoiceField(label=_("It"), choices=[("", _("Choose…")), *Stance.choices])
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class SearchRecordForm(forms.ModelForm):
    """A search made for a claim that none happened."""

    class Meta:
        model = SearchRecord
        fields = ("searched", "url", "query", "covered_from", "covered_to", "searched_on",
                  "found_nothing", "found")  # fmt: skip
        widgets = {
            "query": forms.Textarea(attrs={"rows": 2}),
            "found": forms.Textarea(attrs={"rows": 3}),
            "covered_from": forms.DateInput(attrs={"type": "date"}),
            "covered_to": forms.DateInput(attrs={"type": "date"}),
            "searched_on": forms.DateInput(attrs={"type": "date"}),
        }
        field_classes = {"url": partial(forms.URLField, assume_scheme="https")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["searched_on"].initial = datetime.date.today


class CitationForm(forms.Form):
    """Another source this one reports (cites) or repeats (republishes)."""

    cited = SourceTitleField(label=_("It cites"), help_text=_("Its title: suggestions show."))
    kind = forms.ChoiceField(label=_("How"), choices=CitationKind.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class EntityForm(PromptedChoices, forms.ModelForm):
    """A new entity and the other names it goes by."""

    aliases = forms.CharField(
        label=_("Also called"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Other names, spellings or translations, one per line."),
    )
    different = forms.BooleanField(
        label=_("It is a different one: add it anyway"),
        required=False,
        help_text=_("Tick only if an entity of that name exists and this is another one."),
    )

    class Meta:
        model = Entity
        fields = ("name", "kind", "description", "wikidata_id")

    def clean(self):
        cleaned = super().clean()
        names = [cleaned.get("name", ""), *self.alias_list()]
        existing = list(Entity.objects.named_any(names)[:5])
        if existing and not cleaned.get("different"):
            self.existing = existing
            raise ValidationError(
                _(
                    "An entity already goes by one of these names: %(names)s. Use it, or tick "
                    "“It is a different one”."
                ),
                params={"names": ", ".join(entity.name for entity in existing)},
            )
        return cleaned

    def alias_list(self) -> list[str]:
        return [
            line.strip()
            for line in self.cleaned_data.get("aliases", "").splitlines()
            if line.strip()
        ]


class ImportForm(forms.Form):
    """A file to import: the desk's dump, a CSV of versions or schema.org ClaimReview (README,
    "Import")."""

    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "A CSV of versions (see the template), a dump of a desk (JSON), or fact-checks as "
            "schema.org ClaimReview: a feed, a list, or a fact-check's web page. Their ratings "
            "become verdicts through the rating mappings an administrator keeps."
        ),
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("", _("Tell from the file")), *ImportFormat.choices],
        required=False,
    )
    dry_run = forms.BooleanField(
        label=_("Trial run: check the whole file, write nothing"), required=False
    )
