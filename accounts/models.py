from django.contrib.auth.models import AbstractUser
from django.db import models
from simple_history.models import HistoricalRecords


class User(AbstractUser):
    """A Waypoint user. Portfolio managers hold the `accounts.view_all_projects` permission."""

    class Meta(AbstractUser.Meta):  # type: ignore[name-defined]  # not in django-stubs
        swappable = "AUTH_USER_MODEL"
        permissions = [("view_all_projects", "Can see every project read-only (portfolio manager)")]

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_portfolio_manager(self) -> bool:
        return self.has_perm("accounts.view_all_projects")


class Team(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    members: "models.ManyToManyField[User, Membership]" = models.ManyToManyField(
        User, through="Membership", related_name="teams"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    EDITOR = "editor", "Editor"
    VIEWER = "viewer", "Viewer"


class Membership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)
    # Who added whom, changed whose role or removed whom, and when (the team page shows it;
    # accounts/services/teams.py names the person, the admin's changes are recorded too).
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="one_membership_per_team")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.team} ({self.role})"


class NotificationKind(models.TextChoices):
    ALERT = "alert", "Alert"
    REMINDER = "reminder", "Reminder"
    FEEDBACK = "feedback", "Feedback"
    DIGEST = "digest", "Digest"
    OTHER = "other", "Other"


class Notification(models.Model):
    """One in-app notification for one person; `read_at` is null while unread.

    `key` (blank or unique per user) lets a caller make "exactly once" notifications, e.g.
    `reminder:log:<project_id>:<iso week>`; see accounts/services/notifications.py.
    The project FK points at lifecycle (accounts 0002 depends on lifecycle, which only depends on
    accounts 0001, so there is no cycle); deleting a project deletes its notifications.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    title = models.CharField(max_length=200)
    body = models.CharField(max_length=500, blank=True)
    url = models.CharField(max_length=500, blank=True)
    project = models.ForeignKey(
        "lifecycle.Project",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    key = models.CharField(max_length=200, blank=True)
    # How many events this one notification gathers while unread (new feedback on one demo).
    count = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"],
                condition=~models.Q(key=""),
                name="one_notification_per_user_and_key",
            )
        ]
        indexes = [
            models.Index(
                fields=["user"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread_by_user",
            ),
            models.Index(fields=["user", "-created_at"], name="notification_user_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.title} → {self.user}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None
