from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import pre_delete


def attach_text_index(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        from .search import attach

        attach(connection.connection, connection.settings_dict["NAME"])


class DemosConfig(AppConfig):
    name = "demos"
    verbose_name = "Demos"

    def ready(self):
        from .models import Dataset
        from .services import delete_examples

        connection_created.connect(attach_text_index, dispatch_uid="demos.attach_text_index")
        pre_delete.connect(delete_examples, sender=Dataset, dispatch_uid="demos.delete_examples")

        # Live traffic (drift): a deleted version stops being what live traffic is compared with.
        from .services.live import reference_deleted

        pre_delete.connect(
            reference_deleted, sender=Dataset, dispatch_uid="demos.live_reference_deleted"
        )
