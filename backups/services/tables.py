"""Which tables a backup holds, in which order, and how each column is written and read back.

Every model in the app registry is backed up (auto-created many-to-many tables included), so a
new model is in the next backup without a change here, unless EXCLUDED names it with a reason
(tests/backups/test_tables.py fails for a table that is neither). Tables are written in
dependency order (a table after the tables it points at, cycles broken by registry order); the
foreign keys are checked once everything is in (restore.py), so order is for reading only.

Values are written as JSON: numbers, text, booleans and JSON columns as they are; dates and times
in ISO 8601, decimals and UUIDs as text, bytes in base64. A column that points at a permission or
a content type, rows that `migrate` makes with ids of its own in every database, holds its
natural key instead of the id.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.utils.duration import duration_iso_string

EXCLUDED: dict[str, str] = {
    "sessions.Session": "sign-ins, not portfolio data: people sign in again after a restore",
    "admin.LogEntry": "the admin site's own audit trail of admin edits, kept by the admin site",
    "contenttypes.ContentType": "made by migrate in every database; rows that point at one hold "
    "its natural key (app label, model)",
    "auth.Permission": "made by migrate in every database; rows that point at one hold its "
    "natural key (app label, codename)",
}

# Columns whose JSON value is the database value: no conversion on the way in or out.
PLAIN_FIELDS = (
    models.AutoField,
    models.BigAutoField,
    models.SmallAutoField,
    models.IntegerField,
    models.FloatField,
    models.CharField,
    models.TextField,
    models.BooleanField,
)
# Columns read back through the field's own parsing (to_python), then its database preparation.
PARSED_FIELDS = (
    models.DateTimeField,
    models.DateField,
    models.TimeField,
    models.DurationField,
    models.DecimalField,
    models.UUIDField,
)

Convert = Callable[[Any], Any]
Progress = Callable[[str, int], None]  # (table, rows done so far in it)


def no_progress(table: str, rows: int) -> None:
    """The progress of a run nobody watches."""


@dataclass(frozen=True)
class Table:
    """One table of the backup: its model and its columns, in the order rows hold them."""

    model: type[models.Model]
    fields: tuple[models.Field[Any, Any], ...]

    @property
    def name(self) -> str:
        return self.model._meta.db_table

    @property
    def label(self) -> str:
        return self.model._meta.label

    @property
    def columns(self) -> list[str]:
        return [field.column for field in self.fields]

    @property
    def attnames(self) -> list[str]:
        return [field.attname for field in self.fields]


def backed_up_models() -> list[type[models.Model]]:
    """Every model with a table of its own that is not EXCLUDED, in registry order."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed
        and not model._meta.proxy
        and not model._meta.swapped
        and model._meta.label not in EXCLUDED
    ]


def backup_tables() -> list[Table]:
    """The tables of a backup, each after the tables its foreign keys point at."""
    ordered = _dependency_order(backed_up_models())
    return [Table(model, tuple(model._meta.concrete_fields)) for model in ordered]


def _dependency_order(candidates: list[type[models.Model]]) -> list[type[models.Model]]:
    remaining = list(candidates)
    ordered: list[type[models.Model]] = []
    while remaining:
        placed = {m for m in ordered}
        ready = next(
            (m for m in remaining if _targets(m, remaining) <= placed | {m}),
            remaining[0],  # a cycle (demo <-> its scale): registry order
        )
        ordered.append(ready)
        remaining.remove(ready)
    return ordered


def _targets(model: type[models.Model], among: list[type[models.Model]]) -> set[Any]:
    return {
        field.related_model
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model in among
    }


def _keyed_model(field: models.Field[Any, Any]) -> type[models.Model] | None:
    """Permission or ContentType, for a foreign key to one (written by natural key)."""
    target = field.related_model if field.is_relation else None
    return target if target in (Permission, ContentType) else None  # type: ignore[return-value]


def has_keyed_columns(table: Table) -> bool:
    return any(_keyed_model(field) is not None for field in table.fields)


class NaturalKeys:
    """The natural keys of this database's permissions and content types, and back."""

    def __init__(self) -> None:
        content_types = {ct.pk: [ct.app_label, ct.model] for ct in ContentType.objects.all()}
        self.keys: dict[type[models.Model], dict[int, list[str]]] = {
            ContentType: content_types,
            Permission: {
                pk: [*content_types[ct], codename]
                for pk, ct, codename in Permission.objects.values_list(
                    "pk", "content_type_id", "codename"
                )
            },
        }
        self.ids = {
            model: {tuple(key): pk for pk, key in keys.items()} for model, keys in self.keys.items()
        }

    def key(self, model: type[models.Model], pk: int | None) -> list[str] | None:
        return None if pk is None else self.keys[model][pk]

    def id(self, model: type[models.Model], key: list[str] | None) -> int | None:
        if key is None:
            return None
        try:
            return self.ids[model][tuple(key)]
        except (KeyError, TypeError):
            raise ValueError(f"no {model._meta.verbose_name} {key!r} in this database") from None


def encode(value: Any) -> Any:
    """json.dumps's `default`: the values JSON has no type for."""
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return duration_iso_string(value)
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    raise TypeError(f"cannot write {type(value).__name__} to a backup")


def writers(table: Table, keys: NaturalKeys) -> list[Convert | None]:
    """Per column, what turns the value the ORM read into the one written (None: as it is)."""
    result: list[Convert | None] = []
    for field in table.fields:
        keyed = _keyed_model(field)
        result.append(None if keyed is None else _key_writer(keyed, keys))
    return result


def _key_writer(model: type[models.Model], keys: NaturalKeys) -> Convert:
    return lambda pk: keys.key(model, pk)


def readers(table: Table, keys: NaturalKeys) -> list[Convert | None]:
    """Per column, what turns a JSON value back into the value the database takes (None: as it
    is). PostgreSQL's COPY takes dates, times, decimals and UUIDs as the text they were written
    as, and JSON as JSON text; on SQLite each field parses and prepares its own values, as
    Django's serializers do."""
    reader = _pg_reader if connection.vendor == "postgresql" else _reader
    return [reader(field, keys) for field in table.fields]


def _pg_reader(field: models.Field[Any, Any], keys: NaturalKeys) -> Convert | None:
    if isinstance(field, models.JSONField):
        return lambda v: None if v is None else json.dumps(v, ensure_ascii=False)
    if isinstance(field, PARSED_FIELDS):
        return None
    return _reader(field, keys)


def _reader(field: models.Field[Any, Any], keys: NaturalKeys) -> Convert | None:
    keyed = _keyed_model(field)
    if keyed is not None:
        return lambda v: keys.id(keyed, v)
    if isinstance(field, models.BinaryField):
        return lambda v: None if v is None else base64.b64decode(v)
    if isinstance(field, models.FloatField):
        # PostgreSQL writes NaN and infinities as the strings "NaN", "Infinity", "-Infinity".
        return lambda v: v if v is None or isinstance(v, float | int) else float(v)
    if isinstance(field, PLAIN_FIELDS) or field.is_relation and _plain_target(field):
        return None
    if isinstance(field, PARSED_FIELDS):
        return lambda v: field.get_db_prep_save(field.to_python(v), connection)
    return lambda v: field.get_db_prep_save(v, connection)  # JSON, files, anything else


def pg_select(field: models.Field[Any, Any]) -> str:
    """The expression PostgreSQL writes a column's JSON value from (export.py): decimals as text
    (a JSON number would pass through a float), bytes in base64."""
    column = connection.ops.quote_name(field.column)
    if isinstance(field, models.DecimalField):
        return f"{column}::text"
    if isinstance(field, models.BinaryField):
        return f"encode({column}, 'base64')"
    return column


def _plain_target(field: models.Field[Any, Any]) -> bool:
    target = field.target_field  # type: ignore[attr-defined]
    return isinstance(target, PLAIN_FIELDS)


def convert_row(row: Iterable[Any], converters: list[Convert | None]) -> list[Any]:
    return [
        value if convert is None else convert(value)
        for value, convert in zip(row, converters, strict=True)
    ]
