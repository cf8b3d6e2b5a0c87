"""Forms of the team pages."""

from django import forms

from .models import Role, Team, User
from .selectors.teams import account_matching


class MemberAddForm(forms.Form):
    who = forms.CharField(
        label="Username or email",
        max_length=254,
        help_text="Their exact username or the email of their Waypoint account.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    role = forms.ChoiceField(choices=Role.choices, initial=Role.VIEWER)

    def __init__(self, *args, team: Team, **kwargs):
        super().__init__(*args, **kwargs)
        self.team = team
        self.user: User | None = None

    def clean_who(self) -> str:
        who = self.cleaned_data["who"].strip()
        user = account_matching(who)
        if user is None:
            raise forms.ValidationError(
                f"No Waypoint account has the username or email “{who}”. Check the spelling, "
                "or ask them to sign in once first."
            )
        if self.team.memberships.filter(user=user).exists():
            raise forms.ValidationError(f"{user.display_name} is already in {self.team.name}.")
        self.user = user
        return who


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
    # The role the page showed: a change made meanwhile by someone else is not overwritten.
    was = forms.ChoiceField(choices=Role.choices, widget=forms.HiddenInput)
