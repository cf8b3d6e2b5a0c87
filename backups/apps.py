from django.apps import AppConfig


class BackupsConfig(AppConfig):
    """Backup and restore of the whole portfolio (`export_portfolio`, `import_portfolio`).
    It reads every app's tables, so it sits above them all; nothing imports it."""

    name = "backups"
    verbose_name = "Backups"
