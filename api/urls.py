from django.urls import path, re_path

from .errors import endpoint_not_found
from .main import api

urlpatterns = [
    path("", endpoint_not_found),  # before ninja's own root view, which answers an HTML 404
    path("", api.urls),
    re_path(r"", endpoint_not_found),
]
