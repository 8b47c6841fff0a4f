"""The citizen portal's pages.

URL names (stable, templates use them): portal:home, portal:procedure_list (/thu-tuc/),
portal:procedure_detail (/thu-tuc/<code>/), portal:unit_list (/don-vi/), portal:unit_detail (/don-vi/<code>/),
portal:dossier_lookup (/tra-cuu/?ma=<code>: the slips' QR codes point there), portal:apply (/nop-ho-so/<code>/),
portal:my_dossiers (/ho-so-cua-toi/), portal:my_papers (/giay-to-cua-toi/), the draft steps (/ho-so-nhap/<id>/...), the owner's dossier actions
(/ho-so/<code>/...), payments (/thanh-toan/...). The sandbox payment gateway is mounted at /sandbox-gateway/
when it is on (docs/payments.md).
"""

from django.urls import URLPattern, URLResolver, include, path

from dvctt.integrations.payments.config import sandbox_enabled
from dvctt.portal.views import apply, catalog, complaints, dossiers, home, papers, payments, units
from dvctt.portal.views import statistics as statistics_views

app_name = "portal"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", home.home, name="home"),
    path("thu-tuc/", catalog.procedure_list, name="procedure_list"),
    path("thu-tuc/<str:code>/", catalog.procedure_detail, name="procedure_detail"),
    path("thu-tuc/<str:code>/mau/<int:component_id>/", catalog.component_template, name="component_template"),
    path("don-vi/", units.unit_list, name="unit_list"),
    path("don-vi/<str:code>/", units.unit_detail_page, name="unit_detail"),
    path("tra-cuu/", dossiers.dossier_lookup, name="dossier_lookup"),
    path("thong-ke/", statistics_views.statistics_page, name="statistics"),
    path("nop-ho-so/<str:code>/", apply.apply_start, name="apply"),
    path("ho-so-nhap/<int:draft_id>/thong-tin/", apply.draft_details, name="draft_details"),
    path("ho-so-nhap/<int:draft_id>/giay-to/", apply.draft_files, name="draft_files"),
    path(
        "ho-so-nhap/<int:draft_id>/giay-to/<int:file_id>/xoa/",
        apply.draft_file_delete,
        name="draft_file_delete",
    ),
    path(
        "ho-so-nhap/<int:draft_id>/chon-giay-to/<int:position>/",
        papers.draft_paper_pick,
        name="draft_paper_pick",
    ),
    path("ho-so-nhap/<int:draft_id>/xem-lai/", apply.draft_review, name="draft_review"),
    path("ho-so-nhap/<int:draft_id>/xoa/", apply.draft_delete, name="draft_delete"),
    path("ho-so-cua-toi/", dossiers.my_dossier_list, name="my_dossiers"),
    path("giay-to-cua-toi/", papers.my_papers, name="my_papers"),
    path("giay-to-cua-toi/<int:paper_id>/an/", papers.my_paper_hide, name="my_paper_hide"),
    path("giay-to-cua-toi/<int:paper_id>/hien/", papers.my_paper_unhide, name="my_paper_unhide"),
    path("ho-so/<str:code>/da-nop/", dossiers.dossier_submitted, name="dossier_submitted"),
    path("ho-so/<str:code>/bo-sung/", dossiers.dossier_supplement_answer, name="dossier_supplement"),
    path("ho-so/<str:code>/tep/<int:file_id>/", dossiers.dossier_file_download, name="dossier_file"),
    path("ho-so/<str:code>/danh-gia/", dossiers.dossier_rate_view, name="dossier_rate"),
    path("ho-so/<str:code>/phan-anh/", dossiers.dossier_complaint, name="dossier_complaint"),
    path(
        "ho-so/<str:code>/phan-anh/<int:complaint_id>/danh-gia/",
        complaints.complaint_rate_view,
        name="complaint_rate",
    ),
    path("phan-anh-kien-nghi/", complaints.published_list, name="complaints_published"),
    path("ho-so/<str:code>/thanh-toan/", payments.payment_begin, name="payment_begin"),
    path("thanh-toan/ket-qua/", payments.payment_return, name="payment_return"),
    path("thanh-toan/ipn/", payments.payment_ipn, name="payment_ipn"),
    path("thanh-toan/paygov/ket-qua/", payments.payment_paygov_callback, name="payment_paygov_callback"),
]

if sandbox_enabled():
    # A nested namespace: portal:sandbox_gateway:pay.
    urlpatterns.append(path("sandbox-gateway/", include("dvctt.integrations.payments.sandbox")))
