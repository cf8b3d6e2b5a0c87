from django.apps import AppConfig
from django.db.backends.signals import connection_created


def attach_text_index(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        from .search import attach

        attach(connection.connection, connection.settings_dict["NAME"])


class DemosConfig(AppConfig):
    name = "demos"
    verbose_name = "Demos"

    def ready(self):
        connection_created.connect(attach_text_index, dispatch_uid="demos.attach_text_index")
