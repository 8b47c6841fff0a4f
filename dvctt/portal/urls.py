from django.urls import path

from dvctt.portal import views

urlpatterns = [
    path("", views.home, name="home"),
]
