"""Text search over the columns an example shows.

A query matches the examples that have every word of it, each word also as the start of a longer
one ("log in" finds "Cannot log in" and "login failed"), ignoring case. Punctuation separates
words.

- PostgreSQL, the production database: a GIN index on the string values of `fields` as a
  tsvector ('simple': no stemming, no stop words), kept by PostgreSQL itself, so a word that only
  ten rows in a million hold is found without reading the million. The planner cannot tell such
  a word from a common one (a prefix query's selectivity is a fixed guess, ~1 %), so on its own it
  walks the score index and tests every row for a rare word (1M rows: 12 s). The index is
  therefore asked first, bounded (RARE_ROWS): a word that few rows hold reads just those rows; a
  common one keeps the score-ordered walk, which meets enough matches at once (bench/README.md).
- SQLite, the embedded default for trials: the same answers through Django's own lookups (a
  regular expression on each shown column), reading the dataset's rows. Correct, not tuned.
"""

import re
from collections.abc import Iterable

from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.fields.json import KeyTextTransform

MAX_WORDS = 8
RARE_ROWS = 2000  # at most this many matches: the page reads them by id (PostgreSQL)
WORD = re.compile(r"\w+")

# The migration creates the index on exactly this expression, so the planner can use it.
PG_DOCUMENT = """jsonb_to_tsvector('simple'::regconfig, "demos_example"."fields", '["string"]')"""


def query_words(text: str) -> list[str]:
    """The words searched for: letters and digits only, so nothing reaches the query syntax."""
    return WORD.findall(text.casefold())[:MAX_WORDS]


def matching(examples: QuerySet, dataset_id: int, columns: list[str], text: str) -> QuerySet:
    """The examples of the dataset that hold every word of `text` in their shown `columns`
    (none for no words). `examples` is the unfiltered Example queryset (the dataset goes in)."""
    words = query_words(text)
    if not words:
        return examples.none()
    examples = examples.filter(dataset_id=dataset_id)
    if connection.vendor == "postgresql":
        query = " & ".join(f"{word}:*" for word in words)
        # The query is a parameter; the SQL around it is constant.
        condition = RawSQL(  # noqa: S611
            f"{PG_DOCUMENT} @@ to_tsquery('simple'::regconfig, %s)",
            [query],
            output_field=BooleanField(),
        )
        hits = examples.filter(condition)
        # In no order: the model's default one (dataset, row) would sort every match first.
        few = list(hits.order_by().values_list("pk", flat=True)[: RARE_ROWS + 1])
        if len(few) <= RARE_ROWS:
            return examples.filter(pk__in=few)
        return hits
    if not columns:
        return examples.none()
    shown = {f"shown_{i}": KeyTextTransform(column, "fields") for i, column in enumerate(columns)}
    examples = examples.alias(**shown)
    for word in words:
        # A word starts where no letter or digit comes before it, as the index's tokens do.
        starts = rf"(?<!\w){word}"
        examples = examples.filter(_any(Q(**{f"{name}__iregex": starts}) for name in shown))
    return examples


def _any(conditions: Iterable[Q]) -> Q:
    combined = Q()
    for condition in conditions:
        combined |= condition
    return combined
