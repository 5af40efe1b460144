from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from .models import Appearance, Claim, Conflict, ConflictState, ValueType, Verdict
from .services import Step, check_version
from .services.workflow import EDITABLE_FIELDS


class VersionedForm(forms.ModelForm):
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
            "rank",
            "rank_reason",
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
    """One step of the review workflow; ``steps`` are those the user may take now."""

    step = forms.ChoiceField(label=_("step"))
    verdict = forms.ModelChoiceField(
        label=_("verdict"), queryset=Verdict.objects.all(), required=False
    )
    assignee = forms.ModelChoiceField(
        label=_("assign to"),
        queryset=get_user_model().objects.filter(is_active=True).order_by("username"),
        required=False,
        help_text=_("Empty: unassign."),
    )
    note = forms.CharField(
        label=_("note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Required to mark reviewed, send back, archive or reopen."),
    )
    based_on = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, steps=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = [(step, Step(step).label) for step in steps]


class ConflictDecision(models.TextChoices):
    """What a reviewer decides on a conflict's page."""

    PREVAILS_A = "prevails_a", _("Resolve: version A prevails")
    PREVAILS_B = "prevails_b", _("Resolve: version B prevails")
    BOTH_HOLD = "both_hold", _("Resolve: both hold at their dates")
    DISMISS = "dismiss", _("Dismiss: not a real contradiction")
    REOPEN = "reopen", _("Reopen")


class ConflictForm(forms.ModelForm):
    """The conflict's admin page is where a reviewer decides it: the decision and its note are
    carried out by the lifecycle services when the form is saved."""

    decision = forms.ChoiceField(
        label=_("decision"), choices=[("", "—"), *ConflictDecision.choices], required=False
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
        if decision == ConflictDecision.REOPEN and is_open:
            self.add_error("decision", _("This conflict is already open."))
        elif decision != ConflictDecision.REOPEN and not is_open:
            self.add_error("decision", _("This conflict is closed; reopen it first."))
        elif decision != ConflictDecision.REOPEN and not cleaned.get("decision_note", "").strip():
            self.add_error("decision_note", _("A note is required to resolve or dismiss."))
        return cleaned
