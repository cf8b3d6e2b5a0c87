"""The user's profile page: their account and their personal API tokens.

A token's secret is shown once, in the answer to the post that made it; only its hash is kept.
Each user sees and revokes only their own tokens (someone else's is a 404).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_POST

from accounts.requests import SignedInRequest
from api.forms import ApiTokenForm
from api.selectors import api_token_of_or_404, api_tokens_of
from api.services import api_token_create, api_token_revoke
from lifecycle.selectors.digests import digest_preferences


def _tokens_response(
    request: SignedInRequest, *, form=None, new_secret=None, new_token=None, status=200
):
    """The profile page, or just its tokens section for htmx."""
    template = "accounts/profile.html"
    if request.htmx:
        template += "#tokens"
    context = {
        "form": form or ApiTokenForm(),
        "tokens": api_tokens_of(request.user),
        "new_secret": new_secret,
        "new_token": new_token,
        "digest_preferences": digest_preferences(user=request.user),  # digests' section
    }
    return TemplateResponse(request, template, context, status=status)


@require_GET
@login_required
def profile(request):
    return _tokens_response(request)


@require_POST
@login_required
def token_create(request):
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return _tokens_response(request, form=form, status=422)
    token, secret = api_token_create(user=request.user, name=form.cleaned_data["name"])
    # Rendered, not redirected: the secret must not survive this one answer.
    response = _tokens_response(request, new_secret=secret, new_token=token, status=201)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@login_required
def token_revoke(request: SignedInRequest, pk: int):
    token = api_token_of_or_404(request.user, pk)
    api_token_revoke(token=token)
    if request.htmx:
        return _tokens_response(request)
    messages.success(request, f"Revoked the token “{token.name}” ({token.prefix}…).")
    return redirect("accounts:profile")
