"""The department's pages for guides and FAQ, mounted at /theo-doi/huong-dan/ (docs/guides.md)."""

from django.urls import path

from .views import desk

app_name = "guides_desk"

urlpatterns = [
    path("", desk.guide_list, name="guides"),
    path("them/", desk.guide_create, name="guide_create"),
    path("gop-y/", desk.feedback, name="feedback"),
    path("hoi-dap/", desk.faq_list, name="faqs"),
    path("hoi-dap/them/", desk.faq_create, name="faq_create"),
    path("hoi-dap/<int:faq_id>/", desk.faq_detail, name="faq"),
    path("hoi-dap/<int:faq_id>/sua/", desk.faq_edit, name="faq_edit"),
    path("hoi-dap/<int:faq_id>/phien-ban/<int:history_id>/", desk.faq_revision, name="faq_revision"),
    path("hoi-dap/<int:faq_id>/<str:action>/", desk.faq_move, name="faq_move"),
    path("<int:guide_id>/", desk.guide_detail, name="guide"),
    path("<int:guide_id>/sua/", desk.guide_edit, name="guide_edit"),
    path("<int:guide_id>/anh/", desk.guide_image, name="guide_image"),
    path("<int:guide_id>/phien-ban/<int:history_id>/", desk.guide_revision, name="guide_revision"),
    path("<int:guide_id>/<str:action>/", desk.guide_move, name="guide_move"),
]
