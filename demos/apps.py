from django.apps import AppConfig
from django.db.models.signals import pre_delete


class DemosConfig(AppConfig):
    name = "demos"
    verbose_name = "Demos"

    def ready(self):
        from .models import Dataset
        from .services import delete_examples

        pre_delete.connect(delete_examples, sender=Dataset, dispatch_uid="demos.delete_examples")

        # Live traffic (drift): a deleted version stops being what live traffic is compared with.
        from .services.live import reference_deleted

        pre_delete.connect(
            reference_deleted, sender=Dataset, dispatch_uid="demos.live_reference_deleted"
        )
