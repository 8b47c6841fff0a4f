"""Mounted inside the back office (``/mot-cua/ho-so/<code>/ket-qua/...``, namespace ``backoffice:signing``)."""

from django.urls import path

from dvctt.integrations.signing import views

app_name = "signing"

urlpatterns = [
    path("<int:file_id>/ky-so/", views.result_sign_view, name="sign"),
    path("<int:file_id>/kiem-tra-chu-ky/", views.result_recheck_view, name="recheck"),
]
