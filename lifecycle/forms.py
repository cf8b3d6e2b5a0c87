from django import forms
from django.contrib.auth import get_user_model

from accounts.models import Role, Team

from .models import (
    Charter,
    Direction,
    ExitCriterion,
    Project,
    Risk,
    Stage,
    StageKind,
    StopReason,
    StopRule,
    SuccessCriterion,
)

# <input type="date"> only understands ISO dates, whatever the site's locale.
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class VersionedForm(forms.ModelForm):
    """A section form that carries the version it was opened at, for conflict detection."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version
        if not self.instance.pk:
            self.fields["version"].required = False

    def changed_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class CharterForm(VersionedForm):
    class Meta:
        model = Charter
        fields = Charter.TEXT_FIELDS
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in Charter.TEXT_FIELDS}
        help_texts = {
            "problem": "What goes wrong today, for whom. Markdown allowed.",
            "audience": "The people whose work or experience changes.",
            "value": "Why the business cares: money, time, risk, satisfaction.",
            "behaviour_change": "What people will do differently once the output exists.",
            "delivery": "How the output reaches them: a screen, an email, an API, a report.",
            "constraints": "Latency, cost, privacy, regulation, explainability...",
        }


class ProjectDetailsForm(VersionedForm):
    class Meta:
        model = Project
        fields = ["name", "summary", "owner"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The owner answers for the project: an owner or editor of its team.
        self.fields["owner"].queryset = (
            get_user_model()
            .objects.filter(
                memberships__team_id=self.instance.team_id,
                memberships__role__in=[Role.OWNER, Role.EDITOR],
            )
            .order_by("username")
        )
        self.fields["owner"].label_from_instance = lambda user: user.display_name
        self.fields["owner"].required = True


class StopRuleForm(VersionedForm):
    class Meta:
        model = StopRule
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}


class CriterionForm(VersionedForm):
    class Meta:
        model = SuccessCriterion
        fields = ["name", "kind", "metric", "unit", "baseline", "target", "direction"]

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        others = self.project.criteria.filter(name__iexact=name)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(
                "This project already has a criterion with that name; pick another name."
            )
        return name

    def clean(self):
        data = super().clean()
        baseline, target, direction = (
            data.get("baseline"),
            data.get("target"),
            data.get("direction"),
        )
        if baseline is not None and target is not None and direction:
            if direction == Direction.HIGHER and target <= baseline:
                self.add_error(
                    "target",
                    "With “higher is better” the target must be above the baseline "
                    f"({baseline:g}). Raise the target or switch the direction.",
                )
            if direction == Direction.LOWER and target >= baseline:
                self.add_error(
                    "target",
                    "With “lower is better” the target must be below the baseline "
                    f"({baseline:g}). Lower the target or switch the direction.",
                )
        return data


class RiskForm(VersionedForm):
    class Meta:
        model = Risk
        fields = ["title", "category", "likelihood", "impact", "mitigation", "owner", "status"]
        widgets = {
            "mitigation": forms.Textarea(attrs={"rows": 2}),
            "likelihood": forms.NumberInput(attrs={"min": 1, "max": 5}),
            "impact": forms.NumberInput(attrs={"min": 1, "max": 5}),
        }

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        # A risk's owner is one of the project team's members.
        self.fields["owner"].queryset = (
            get_user_model()
            .objects.filter(memberships__team_id=project.team_id)
            .order_by("username")
        )
        self.fields["owner"].label_from_instance = lambda user: user.display_name


class StageForm(VersionedForm):
    class Meta:
        model = Stage
        fields = [
            "goals",
            "expected_inputs",
            "expected_outputs",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
        ]
        widgets = {
            "goals": forms.Textarea(attrs={"rows": 2}),
            "expected_inputs": forms.Textarea(attrs={"rows": 2}),
            "expected_outputs": forms.Textarea(attrs={"rows": 2}),
            "planned_start": DATE_INPUT,
            "planned_end": DATE_INPUT,
            "actual_start": DATE_INPUT,
            "actual_end": DATE_INPUT,
        }

    def clean(self):
        data = super().clean()
        for start, end, what in [
            ("planned_start", "planned_end", "planned"),
            ("actual_start", "actual_end", "actual"),
        ]:
            if data.get(start) and data.get(end) and data[end] < data[start]:
                self.add_error(end, f"The {what} end is before the {what} start; fix one of them.")
        return data


class ExitCriterionForm(forms.ModelForm):
    class Meta:
        model = ExitCriterion
        fields = ["text"]
        labels = {"text": "New exit criterion"}


class ProjectCreateForm(forms.Form):
    name = forms.CharField(max_length=120)
    team = forms.ModelChoiceField(queryset=Team.objects.none())
    summary = forms.CharField(
        max_length=240,
        required=False,
        help_text="One line a stakeholder would understand.",
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        only = list(teams[:2])
        if len(only) == 1:
            self.initial["team"] = only[0]


class MoveStageForm(forms.Form):
    to_stage = forms.ChoiceField(label="Move to", choices=StageKind.choices)
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why now? This goes into the decision log.",
        error_messages={"required": "Say why the project moves; it goes into the decision log."},
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_stage"].choices = [
            (kind.value, kind.label) for kind in StageKind if kind != project.stage
        ]


class ShipForm(forms.Form):
    note = forms.CharField(
        label="What went live",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say what went live and how it is watched."},
    )


class StopForm(forms.Form):
    stop_reason = forms.ChoiceField(
        label="Why stop",
        choices=[("", "Choose the main reason"), *StopReason.choices],
        error_messages={"required": "Choose the main reason the project stops."},
    )
    note = forms.CharField(
        label="In a sentence",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        data = super().clean()
        if data.get("stop_reason") == StopReason.OTHER and not data.get("note", "").strip():
            self.add_error("note", "With “Other”, say in a sentence why the project stops.")
        return data


class ReopenForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why the project is reopened."},
    )
