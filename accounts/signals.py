"""A successful login clears that account's failed logins (django-axes' public reset()).

Only the account's own: axes' AXES_RESET_ON_SUCCESS would also clear the failures recorded
against the address, so someone guessing another account's password could log in to their own
between guesses and never reach the limit.
"""

from axes.utils import reset
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver


@receiver(user_logged_in, dispatch_uid="accounts.login_clears_account_failures")
def login_clears_account_failures(sender, request, user, **kwargs):
    reset(username=user.get_username())
