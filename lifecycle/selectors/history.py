"""A project's revision history, read from django-simple-history's tables, with readable diffs."""

import difflib
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Field, Model
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ..models import (
    Charter,
    ExitCriterion,
    Experiment,
    Project,
    Risk,
    Stage,
    StopRule,
    SuccessCriterion,
    Timebox,
)
from ..weeks import week_label

# Bookkeeping fields that change on every save and mean nothing to a reader.
HIDDEN_FIELDS = {
    "id",
    "version",
    "position",
    "project_id",
    "stage_id",
    "created_at",
    # The log's bookkeeping: the week is in the entry's title, the author in its byline.
    "timebox_id",
    "week_start",
    "created_by_id",
}


@dataclass
class FieldChange:
    label: str
    old: str
    new: str
    diff: SafeString


@dataclass
class HistoryEntry:
    at: datetime
    user: Any
    action: str  # created, changed, deleted
    section: str
    title: str
    changes: list[FieldChange] = field(default_factory=list)


def _shown(value: Any, model_field: Field, people: dict[int, str]) -> str:
    if value is None or value == "":
        return ""
    if model_field.is_relation:
        return people.get(value, "a former member")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):  # JSON lists, e.g. an experiment's links: one item per line
        return "\n".join(str(item) for item in value)
    return str(value)


_TOKEN = re.compile(r"\s+|[^\s]+")


def text_diff(old: str, new: str) -> SafeString:
    """Word-level diff as HTML: removed words in <del>, added in <ins>; everything escaped."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    parts: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(escape("".join(a[i1:i2])))
            continue
        if i2 > i1:
            parts.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if j2 > j1:
            parts.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece is escaped above


def field_changes(
    model: type[Model],
    old: dict,
    new: dict,
    names: list[str] | None = None,
    people: dict[int, str] | None = None,
) -> list[FieldChange]:
    """What differs between two states of a `model` row, field by field, in readable form.

    `people` maps user ids to display names, for fields that point at a person.
    """
    people = people or {}
    changes = []
    for model_field in model._meta.concrete_fields:
        name = model_field.attname if model_field.is_relation else model_field.name
        if model_field.attname in HIDDEN_FIELDS or (names and model_field.name not in names):
            continue
        if name not in old and name not in new:
            continue
        before = _shown(old.get(name), model_field, people)
        after = _shown(new.get(name), model_field, people)
        if before != after:
            label = str(model_field.verbose_name).capitalize()
            changes.append(FieldChange(label, before, after, text_diff(before, after)))
    return changes


def _record_values(record: Any, model: type[Model]) -> dict:
    values = {}
    for model_field in model._meta.concrete_fields:
        name = model_field.attname if model_field.is_relation else model_field.name
        values[name] = getattr(record, name, None)
    return values


SECTIONS: list[tuple[type[Model], str, str]] = [
    (Project, "Project", "id"),
    (Charter, "Charter", "project_id"),
    (StopRule, "Stop rule", "project_id"),
    (SuccessCriterion, "Success criterion", "project_id"),
    (Risk, "Risk", "project_id"),
    (Stage, "Stage", "project_id"),
    (ExitCriterion, "Exit criterion", "stage__project_id"),
    (Timebox, "Week", "project_id"),
    (Experiment, "Experiment", "project_id"),
]

ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}


def _title(model: type[Model], record: Any) -> str:
    if model is Stage:
        return str(record.get_kind_display())
    if model in (Charter, StopRule):
        return ""
    if model is Timebox:
        return week_label(record.week_start)
    for name in ("name", "title", "text"):
        if hasattr(record, name):
            return str(getattr(record, name))
    return ""


def project_history(project: Project) -> list[HistoryEntry]:
    """Every revision of every document of `project`, newest first. One query per kind."""
    stage_names = {}
    people = _people_of(project)
    entries: list[HistoryEntry] = []
    for model, section, project_lookup in SECTIONS:
        records = (
            model.history.filter(**{project_lookup: project.pk})  # type: ignore[attr-defined]
            .select_related("history_user")
            .order_by("history_date", "history_id")
        )
        previous: dict[int, dict] = {}
        for record in records:
            values = _record_values(record, model)
            before = previous.get(record.id, {})
            previous[record.id] = values
            if model is Stage:
                stage_names[record.id] = record.get_kind_display()
            action = ACTIONS[record.history_type]
            changes = (
                [] if action == "deleted" else field_changes(model, before, values, None, people)
            )
            if action == "changed" and not changes:
                continue  # a save that changed nothing a reader would see
            title = _title(model, record)
            if model is ExitCriterion:
                title = f"{stage_names.get(record.stage_id, 'Stage')}: {title}"
            entries.append(
                HistoryEntry(
                    at=record.history_date,
                    user=record.history_user,
                    action=action,
                    section=section,
                    title=title,
                    changes=changes,
                )
            )
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries


def _people_of(project: Project) -> dict[int, str]:
    users = get_user_model().objects.filter(memberships__team_id=project.team_id)
    return {user.pk: user.display_name for user in users}


def values_at_version(instance: Model, version: int) -> dict | None:
    """Field values (by attname) of `instance` as they were at `version`, if still on record."""
    history = instance.history  # type: ignore[attr-defined]  # django-simple-history's manager
    record = history.filter(version=version).order_by("-history_id").first()
    return _record_values(record, type(instance)) if record else None


def changes_since(instance: Model, base_version: int, names: list[str]) -> list[FieldChange]:
    """What others changed in `instance` since `base_version` (for the conflict screen)."""
    model = type(instance)
    old = values_at_version(instance, base_version) or {}
    project = instance if isinstance(instance, Project) else instance.project  # type: ignore[attr-defined]  # every section has one
    people = _people_of(project)
    return field_changes(model, old, _record_values(instance, model), names, people)
