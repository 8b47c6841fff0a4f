"""Task and difficulty pages, mounted under the dashboards at /theo-doi/ (docs/steering.md)."""

from django.urls import path

from dvctt.steering import views

app_name = "steering"

urlpatterns = [
    path("nhiem-vu/", views.task_list, name="tasks"),
    path("nhiem-vu/them/", views.task_create, name="task_create"),
    path("nhiem-vu/nhap/", views.task_import, name="task_import"),
    path("nhiem-vu/mau.xlsx", views.task_template, name="task_template"),
    path("nhiem-vu/tep/<int:file_id>/", views.progress_file, name="progress_file"),
    path("nhiem-vu/<int:task_id>/", views.task_detail, name="task"),
    path("nhiem-vu/<int:task_id>/bao-cao/", views.task_report, name="task_report"),
    path("nhiem-vu/<int:task_id>/<str:action>/", views.task_move, name="task_move"),
    path("kho-khan/", views.difficulty_list, name="difficulties"),
    path("kho-khan/gui/", views.difficulty_create, name="difficulty_create"),
    path("kho-khan/<int:difficulty_id>/", views.difficulty_detail, name="difficulty"),
    path("kho-khan/<int:difficulty_id>/<str:action>/", views.difficulty_move, name="difficulty_move"),
]
