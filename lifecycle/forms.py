from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import MaxLengthValidator, URLValidator

from accounts.models import Team

from .access import EDITOR_ROLES
from .models import (
    Charter,
    Direction,
    ExitCriterion,
    Experiment,
    MonitoringPlan,
    Project,
    Risk,
    Stage,
    StageKind,
    StopReason,
    StopRule,
    SuccessCriterion,
    Timebox,
    WatchedSeries,
)

# <input type="date"> only understands ISO dates, whatever the site's locale.
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# Every text a person writes here is at most this long (a few pages): Markdown is rendered on
# every view of a page, and longer material belongs in a linked document.
TEXT_MAX_CHARS = 20_000


class LimitedText:
    """A form whose text fields without a length limit of their own take TEXT_MAX_CHARS, with a
    message that says how long the text is and what to do."""

    fields: dict[str, forms.Field]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and field.max_length is None:
                field.max_length = TEXT_MAX_CHARS
                field.widget.attrs["maxlength"] = str(TEXT_MAX_CHARS)
                field.validators.append(
                    MaxLengthValidator(
                        TEXT_MAX_CHARS,
                        message=f"Keep this to {TEXT_MAX_CHARS:,} characters at most (it has "
                        "%(show_value)s): shorten it, or link to a document that holds the rest.",
                    )
                )


class VersionedForm(LimitedText, forms.ModelForm):
    """A section form that carries the version it was opened at, for conflict detection."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version
        if not self.instance.pk:
            self.fields["version"].required = False

    def changed_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields or ()}


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
        self.fields["owner"].queryset = (  # type: ignore[attr-defined]  # typed as Field
            get_user_model()
            .objects.filter(
                memberships__team_id=self.instance.team_id,
                memberships__role__in=EDITOR_ROLES,
            )
            .order_by("username")
        )
        self.fields["owner"].label_from_instance = lambda user: user.display_name  # type: ignore[attr-defined]  # typed as Field
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
        super().clean()
        data = self.cleaned_data  # what clean() returns, typed
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
        self.fields["owner"].queryset = (  # type: ignore[attr-defined]  # typed as Field
            get_user_model()
            .objects.filter(memberships__team_id=project.team_id)
            .order_by("username")
        )
        self.fields["owner"].label_from_instance = lambda user: user.display_name  # type: ignore[attr-defined]  # typed as Field


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
        super().clean()
        data = self.cleaned_data  # what clean() returns, typed
        for start, end, what in [
            ("planned_start", "planned_end", "planned"),
            ("actual_start", "actual_end", "actual"),
        ]:
            if data.get(start) and data.get(end) and data[end] < data[start]:
                self.add_error(end, f"The {what} end is before the {what} start; fix one of them.")
        return data


class ExitCriterionForm(LimitedText, forms.ModelForm):
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
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]  # typed as Field
        only = list(teams[:2])
        if len(only) == 1:
            self.initial["team"] = only[0]


class MoveStageForm(LimitedText, forms.Form):
    to_stage = forms.ChoiceField(label="Move to", choices=StageKind.choices)
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why now? This goes into the decision log.",
        error_messages={"required": "Say why the project moves; it goes into the decision log."},
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_stage"].choices = [  # type: ignore[attr-defined]  # typed as Field
            (kind.value, kind.label) for kind in StageKind if kind != project.stage
        ]


class ShipForm(LimitedText, forms.Form):
    note = forms.CharField(
        label="What went live",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say what went live and how it is watched."},
    )


class StopForm(LimitedText, forms.Form):
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
        super().clean()
        data = self.cleaned_data  # what clean() returns, typed
        if data.get("stop_reason") == StopReason.OTHER and not data.get("note", "").strip():
            self.add_error("note", "With “Other”, say in a sentence why the project stops.")
        return data


class ReopenForm(LimitedText, forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why the project is reopened."},
    )


# The weekly experiment log (lifecycle/views/log.py).

MAX_LINKS = 20
LINK_CHECK = URLValidator(schemes=["http", "https"])


class ExperimentForm(VersionedForm):
    links = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Notebooks, runs, dashboards: one http(s) link per line.",
    )

    class Meta:
        model = Experiment
        fields = ["title", "hypothesis", "what_was_done", "result", "outcome", "links"]
        widgets = {
            "hypothesis": forms.Textarea(attrs={"rows": 2}),
            "what_was_done": forms.Textarea(attrs={"rows": 2}),
            "result": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "hypothesis": "What you expect, and why. Markdown allowed.",
            "outcome": "Keep “Planned” until it has run.",
        }
        error_messages = {
            "title": {"required": "Give the experiment a short title."},
        }

    def __init__(self, *args, **kwargs):
        instance = kwargs.get("instance")
        if instance is not None and instance.pk:
            # Unique ids: several experiment forms can be open on the log page at once.
            kwargs.setdefault("auto_id", f"experiment-{instance.pk}-%s")
        super().__init__(*args, **kwargs)
        self.fields["hypothesis"].required = True
        self.fields["hypothesis"].error_messages["required"] = (
            "Write the hypothesis: what you expect to happen, and why."
        )
        if self.instance.pk and not self.is_bound:
            self.initial["links"] = "\n".join(self.instance.links or [])

    def clean_title(self):
        return self.cleaned_data["title"].strip()

    def clean_links(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["links"].splitlines()]
        links = [line for line in lines if line]
        if len(links) > MAX_LINKS:
            raise forms.ValidationError(f"Keep it to {MAX_LINKS} links or fewer.")
        for number, link in enumerate(links, start=1):
            try:
                LINK_CHECK(link)
            except forms.ValidationError:
                raise forms.ValidationError(
                    f"Link {number} (“{link[:80]}”) is not a web address. Give full "
                    "http:// or https:// links, one per line."
                ) from None
        return links


class TimeboxForm(VersionedForm):
    class Meta:
        model = Timebox
        fields = ["likelihood", "likelihood_reason", "review"]
        widgets = {
            "likelihood": forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1}),
            "review": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {
            "likelihood": "Likelihood of success (%)",
            "likelihood_reason": "Why, in one line",
        }
        help_texts = {
            "likelihood": "0–100: how likely the project is to meet its success criteria now.",
            "review": "What the team learned this week and what changes next. Markdown allowed.",
        }
        error_messages = {
            "likelihood": {
                "invalid": "Give the likelihood as a whole number from 0 to 100, without “%”.",
                "min_value": "The likelihood is a percentage: from 0 to 100.",
                "max_value": "The likelihood is a percentage: from 0 to 100.",
            },
            "likelihood_reason": {
                "max_length": "Keep the reason to one line (200 characters at most).",
            },
        }

    def __init__(self, *args, **kwargs):
        instance = kwargs.get("instance")
        if instance is not None and instance.week_start:
            kwargs.setdefault("auto_id", f"week-{instance.week}-%s")
        super().__init__(*args, **kwargs)

    def clean(self):
        super().clean()
        data = self.cleaned_data  # what clean() returns, typed
        if data.get("likelihood") is not None and not data.get("likelihood_reason", "").strip():
            self.add_error(
                "likelihood_reason", "Say in one line what moved the estimate (or kept it)."
            )
        return data


class ReadingForm(forms.Form):
    """One metric reading of a success criterion, measured by an experiment."""

    experiment_pk: int  # set by the log view: the experiment this form adds readings to

    criterion = forms.TypedChoiceField(
        coerce=int,
        error_messages={
            "required": "Choose the success criterion this value measures.",
            "invalid_choice": "Choose one of this project's success criteria.",
        },
    )
    value = forms.FloatField(
        error_messages={
            "required": "Give the measured value.",
            "invalid": "The value must be a number, for example 0.71 or 12.5.",
        },
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = {criterion.pk: criterion for criterion in criteria}
        self.fields["criterion"].choices = [  # type: ignore[attr-defined]  # typed as Field
            ("", "Choose a criterion"),
            *((criterion.pk, criterion.name) for criterion in criteria),
        ]

    def clean_criterion(self):
        return self.criteria[self.cleaned_data["criterion"]]


class BlockerForm(forms.Form):
    """Set or clear what blocks the project; `expected` is the blocker shown when opened."""

    blocker = forms.CharField(
        label="What blocks the project",
        required=False,
        max_length=280,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Shown on the portfolio board until you clear it. Leave empty to clear.",
    )
    expected = forms.CharField(required=False, widget=forms.HiddenInput)


class PortfolioFilterForm(forms.Form):
    """The board's filters, read from the query string; unknown values are reported, not 500s."""

    view = forms.ChoiceField(
        choices=[("columns", "Columns"), ("table", "Table")], required=False, initial="columns"
    )
    q = forms.CharField(label="Search", required=False, max_length=100)
    team = forms.ChoiceField(required=False)
    owner = forms.ChoiceField(required=False)
    stage = forms.ChoiceField(required=False, choices=[("", "All stages"), *StageKind.choices])
    health = forms.ChoiceField(required=False)
    status = forms.ChoiceField(required=False)
    alerts = forms.ChoiceField(
        required=False,
        choices=[("", "Alerts or not"), ("open", "With open alerts"), ("none", "No open alerts")],
    )
    sort = forms.CharField(required=False, max_length=20)
    page = forms.IntegerField(required=False, min_value=1)

    def __init__(self, data, *, teams, owners, health_choices, status_choices):
        super().__init__(data)
        self.fields["team"].choices = [("", "All teams"), *teams]  # type: ignore[attr-defined]  # typed as Field
        self.fields["owner"].choices = [("", "All owners"), *owners]  # type: ignore[attr-defined]  # typed as Field
        self.fields["health"].choices = [("", "Any health"), *health_choices]  # type: ignore[attr-defined]  # typed as Field
        self.fields["status"].choices = [("", "Any status"), *status_choices]  # type: ignore[attr-defined]  # typed as Field


class MonitoringPlanForm(VersionedForm):
    class Meta:
        model = MonitoringPlan
        fields = ["model_version", "trained_on", "retrain_every_days", "notes"]
        widgets = {"trained_on": DATE_INPUT, "notes": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        super().clean()
        data = self.cleaned_data  # what clean() returns, typed
        trained_on, every = data.get("trained_on"), data.get("retrain_every_days")
        if every and not trained_on and not self.has_error("trained_on"):
            self.add_error(
                "trained_on",
                "Say when the model in production was trained, so the retraining cadence "
                "has a start.",
            )
        return data


class WatchedSeriesForm(VersionedForm):
    class Meta:
        model = WatchedSeries
        fields = ["criterion", "expected_every_hours", "alert_threshold", "tell"]

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        watched = WatchedSeries.objects.filter(project=project)
        if self.instance.pk:
            watched = watched.exclude(pk=self.instance.pk)
        self.fields["criterion"].queryset = project.criteria.exclude(  # type: ignore[attr-defined]  # typed as Field
            pk__in=watched.values("criterion_id")
        )
        self.fields["criterion"].empty_label = "Pick a success criterion"  # type: ignore[attr-defined]  # typed as Field
        self.fields["criterion"].label_from_instance = lambda criterion: (  # type: ignore[attr-defined]  # typed as Field
            f"{criterion.name} ({criterion.get_direction_display().lower()})"
        )
        self.fields["criterion"].error_messages["invalid_choice"] = (
            "Pick one of this project's success criteria that is not watched yet."
        )


class AlertNoteForm(forms.Form):
    """The line someone writes when acknowledging or resolving an alert."""

    note = forms.CharField(
        max_length=1000,
        strip=True,
        widget=forms.TextInput(attrs={"placeholder": "What you are doing, or what fixed it"}),
        error_messages={
            "required": "Write a line about it first: what you are doing, or what fixed it.",
            "max_length": "Keep the note under 1,000 characters.",
        },
    )
