"""The back office (một cửa điện tử) for officials, mounted at /mot-cua/. URL names: backoffice:home, ..."""

from django.urls import include, path

from dvctt.backoffice.views import complaints, dossier, exports, inbox, intake, leader

app_name = "backoffice"

urlpatterns = [
    path("", inbox.inbox_page, name="home"),
    path("tim-kiem/", inbox.search_page, name="search"),
    path("tiep-nhan/", intake.intake_page, name="intake"),
    path("lanh-dao/", leader.leader_page, name="leader"),
    path("so-danh-sach/", exports.exports_page, name="exports"),
    path("so-danh-sach/qua-han.xlsx", exports.export_late, name="export_late"),
    path("so-danh-sach/tiep-nhan.xlsx", exports.export_received, name="export_received"),
    path("so-danh-sach/so-theo-doi-pdf/", exports.register_pdf_start, name="register_pdf"),
    path("so-danh-sach/ban-in/<int:export_id>/", exports.register_export_page, name="register_export"),
    path("ho-so/<str:code>/", dossier.dossier_page, name="dossier"),
    path("ho-so/<str:code>/thao-tac/<str:move>/", dossier.dossier_action, name="dossier_action"),
    path("ho-so/<str:code>/tep/<int:file_id>/", dossier.dossier_file, name="dossier_file"),
    path("ho-so/<str:code>/ket-qua/", include("dvctt.integrations.signing.urls")),
    path("phan-anh/", complaints.complaint_list, name="complaints"),
    path("phan-anh/<int:complaint_id>/", complaints.complaint_page, name="complaint"),
    path("phan-anh/<int:complaint_id>/<str:move>/", complaints.complaint_action, name="complaint_action"),
]
