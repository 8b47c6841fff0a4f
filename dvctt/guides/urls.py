"""The public guides and FAQ, mounted at /huong-dan/ (docs/guides.md)."""

from django.urls import path

from .views import public

app_name = "guides"

urlpatterns = [
    path("", public.guide_list, name="list"),
    path("hoi-dap/", public.faq_page, name="faq"),
    path("hoi-dap/gop-y/", public.faq_feedback, name="faq_feedback"),
    path("anh/<int:image_id>/", public.image, name="image"),
    path("<slug:slug>/", public.guide_detail, name="guide"),
    path("<slug:slug>/gop-y/", public.guide_feedback, name="guide_feedback"),
]
