"""Every API error is a 4xx JSON body `{"detail": "<what to change>"}`.

Validation errors add `errors`: each problem with its location, as pydantic reports it.
"""

import json
from collections.abc import Callable
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.parser import Parser

from demos.services.live import LiveError
from lifecycle.services.experiment_log import LogError
from lifecycle.weeks import BadWeek
from plumbing.text import storable

HOW_TO_AUTHENTICATE = (
    "Send a personal API token as the header `Authorization: Bearer <token>`; "
    "create one on your profile page (/accounts/profile/)."
)


class BodyRejected(Exception):
    """A request body the API will not read; `status` and `message` say why."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object as a dict, unless a key repeats: which value was meant is anyone's guess."""
    result = dict(pairs)
    if len(result) != len(pairs):
        keys = [key for key, _ in pairs]
        repeated = next(key for key in keys if keys.count(key) > 1)
        raise ValueError(f"the key {json.dumps(repeated)[:80]} appears twice in one object")
    return result


class JsonBodyParser(Parser):
    """Reads JSON bodies only, strictly: no NaN or Infinity, no key twice in an object, a clear
    message when malformed."""

    def parse_body(self, request: HttpRequest) -> Any:
        content_type = request.content_type or ""
        if content_type != "application/json" and not content_type.endswith("+json"):
            raise BodyRejected(
                415,
                f"Send the body as JSON with the header Content-Type: application/json "
                f"(this request said {content_type or 'nothing'}).",
            )
        try:
            data = json.loads(
                request.body, parse_constant=_refuse_constant, object_pairs_hook=_unique_keys
            )
        except (ValueError, RecursionError) as error:  # JSONDecodeError, bad UTF-8, too deep
            raise BodyRejected(400, f"The body is not valid JSON: {error}.") from None
        # The database cannot store NUL or a lone surrogate, and JSON can only spell them as
        # \u escapes: look through the strings only when the body has one.
        if b"\\u" in request.body and not storable(data):
            raise BodyRejected(
                400,
                "Text in the body contains a NUL character (\\u0000) or a lone surrogate "
                "(\\ud800-\\udfff); remove it.",
            )
        return data


def _client_loc(loc: tuple | list) -> list:
    """Drop the view's parameter name after "body": the client never sees it.

    (Our views take their whole JSON body as one schema parameter.)"""
    parts = list(loc)
    if parts[:1] == ["body"] and len(parts) > 1:
        del parts[1]
    return parts


def _location(loc: tuple | list) -> str:
    """["body", "readings", 0, "value"] → "readings[0].value"."""
    parts = list(loc)
    source = parts.pop(0) if parts else ""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else str(part)
    if source in ("query", "header", "path") and text:
        return f"{text} ({source})"
    return text or "body"


def validation_detail(errors: list[dict]) -> str:
    shown = [f"{_location(e['loc'])}: {e['msg']}" for e in errors[:3]]
    more = len(errors) - len(shown)
    return "; ".join(shown) + (f" (and {more} more)" if more > 0 else "") + "."


def throttled_response(api: NinjaAPI, request: HttpRequest, exc: Throttled) -> HttpResponse:
    """429 for an address that sent too many unknown tokens (TokenAuth, api/throttle.py)."""
    wait = max(1, exc.wait or 1)
    minutes = -(-wait // 60)
    detail = (
        "Too many requests with an API token that is not valid came from your address: "
        f"try again in {minutes} minute{'s' if minutes != 1 else ''}. Check that the token "
        "was copied whole, or create a new one on your profile page (/accounts/profile/)."
    )
    response = error_response(api, request, 429, detail)
    response["Retry-After"] = str(wait)
    return response


def error_response(api: NinjaAPI, request: HttpRequest, status: int, detail: str, **extra):
    return api.create_response(request, {"detail": detail, **extra}, status=status)


def validation_response(api: NinjaAPI, request: HttpRequest, exc: ValidationError):
    """422 naming each field at fault; a body that is empty or not an object says that."""
    errors = [
        {
            "loc": _client_loc(e.get("loc", ())),
            "msg": e.get("msg", ""),
            "type": e.get("type", ""),
        }
        for e in exc.errors
    ]
    whole_body = [e for e in errors if e["loc"] == ["body"]]
    if whole_body:  # no body, or a list or a string where an object goes
        empty = whole_body[0]["type"] == "missing"
        return error_response(
            api,
            request,
            400 if empty else 422,
            f"The body {'is empty' if empty else 'is not a JSON object'}: send a JSON object "
            "with the fields this endpoint documents at /api/v1/docs.",
            errors=errors,
        )
    return error_response(api, request, 422, validation_detail(errors), errors=errors)


def install_error_handlers(api: NinjaAPI) -> None:
    def on_validation_error(request, exc: ValidationError):
        return validation_response(api, request, exc)

    def on_http_error(request, exc: HttpError):
        # ninja wraps any failure to read the body in a generic 400; ours says what to change.
        cause = exc.__cause__
        if isinstance(cause, BodyRejected):
            return error_response(api, request, cause.status, cause.message)
        return error_response(api, request, exc.status_code, str(exc))

    def on_authentication_error(request, exc: AuthenticationError):
        detail = str(exc) if str(exc) != "Unauthorized" else HOW_TO_AUTHENTICATE
        response = error_response(api, request, 401, detail)
        response["WWW-Authenticate"] = 'Bearer realm="waypoint"'
        return response

    def on_not_found(request, exc: Http404):
        return error_response(api, request, 404, str(exc) or "Not found.")

    def on_forbidden(request, exc: PermissionDenied):
        detail = str(exc) or "Your role on this project does not allow that."
        return error_response(api, request, 403, detail)

    def on_unprocessable(request, exc: LogError | BadWeek | LiveError):
        return error_response(api, request, 422, str(exc))

    def on_too_big(request, exc: RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return error_response(
            api,
            request,
            413,
            f"The request body is over {limit // 1024} KiB. Send fewer items per call "
            "(readings: at most 1000 per call).",
        )

    handlers: list[tuple[type[Exception], Callable[..., HttpResponse]]] = [
        (ValidationError, on_validation_error),
        (Throttled, partial(throttled_response, api)),
        (HttpError, on_http_error),
        (AuthenticationError, on_authentication_error),
        (Http404, on_not_found),
        (PermissionDenied, on_forbidden),
        (LogError, on_unprocessable),
        (BadWeek, on_unprocessable),
        (LiveError, on_unprocessable),
        (RequestDataTooBig, on_too_big),
    ]
    for exception, handler in handlers:
        api.add_exception_handler(exception, handler)


@csrf_exempt  # the API's JSON 404 for any method; not the HTML CSRF page (it changes nothing)
def endpoint_not_found(request: HttpRequest) -> HttpResponse:
    """Any other path under /api/v1/: a JSON 404 that points at the docs."""
    from django.http import JsonResponse

    return JsonResponse(
        {"detail": f"No API endpoint at {request.path}. The endpoints are listed at /api/v1/docs."},
        status=404,
    )
