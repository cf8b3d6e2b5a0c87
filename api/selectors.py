"""Reads of the api app: a person's tokens, and the token a request authenticates with."""

import datetime
from dataclasses import dataclass
from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import ApiToken, token_hash


@dataclass(frozen=True)
class TokenUse:
    """A request's token, as the API's authentication needs it."""

    user: AbstractBaseUser  # the token's user, every field loaded
    token_id: int
    prefix: str
    revoked: bool
    use_unrecorded: bool  # last_used_at is unset or older than the `since` asked about


@cache
def _token_use_sql() -> str:
    user, token = get_user_model()._meta, ApiToken._meta
    return (
        f"SELECT u.*, t.id AS api_token_id, t.prefix AS api_token_prefix, "  # noqa: S608 (names from the models)
        "t.revoked_at IS NOT NULL AS api_token_revoked, "
        "(t.last_used_at IS NULL OR t.last_used_at < %s) AS api_token_use_unrecorded "
        f"FROM {user.db_table} u JOIN {token.db_table} t ON t.user_id = u.{user.pk.column} "
        "WHERE t.token_hash = %s"
    )


def api_token_use(secret: str, *, since: datetime.datetime) -> TokenUse | None:
    """The token whose secret is `secret` with its user, in one statement; None when there is
    none. Revoked tokens are found too (the caller says so), and nothing is cached: a token
    revoked a moment ago fails on its next request.

    Every API request starts here, so this is the ORM's raw(): Django builds the user from the
    row with the fields' own conversions, and the statement costs a third of the CPU of
    `ApiToken.objects.select_related("user")` (~90 against ~320 us a lookup, measured in-process;
    with the ORM's queries on the readings path, log-metric fell to 2.2x MLflow in make bench,
    below its 3x goal). tests/fast_path_checks.py holds its answers equal to that queryset's for
    every state of a token, on PostgreSQL and on SQLite."""
    last_used = ApiToken._meta.get_field("last_used_at").get_db_prep_value(since, connection)
    params = [last_used, token_hash(secret)]
    user = next(iter(get_user_model().objects.raw(_token_use_sql(), params)), None)
    if user is None:
        return None
    # The statement's extra columns arrive as attributes of the user raw() builds.
    extra = user.__dict__
    return TokenUse(
        user=user,
        token_id=extra["api_token_id"],
        prefix=extra["api_token_prefix"],
        revoked=bool(extra["api_token_revoked"]),
        use_unrecorded=bool(extra["api_token_use_unrecorded"]),
    )


def api_tokens_of(user) -> QuerySet[ApiToken]:
    """`user`'s tokens, revoked ones included, newest first."""
    return ApiToken.objects.filter(user=user)


def api_token_of_or_404(user, pk: int) -> ApiToken:
    """`user`'s token `pk`; someone else's token is a 404, as if it did not exist."""
    return get_object_or_404(ApiToken, pk=pk, user=user)
