"""The reader's pages (mounted at the site's root); the API's routes are in grid/urls.py."""

from django.urls import path

from grid import views

urlpatterns = [
    path("", views.homepage_view, name="homepage"),
]
