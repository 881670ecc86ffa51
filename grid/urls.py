from django.urls import path

from grid import apis

urlpatterns = [
    path("grid/", apis.GridApi.as_view(), name="grid"),
    path("grid/personalized/", apis.PersonalizedGridApi.as_view(), name="grid-personalized"),
    path("grid/refresh/", apis.GridRefreshApi.as_view(), name="grid-refresh"),
    path("me/interests/", apis.MyInterestsApi.as_view(), name="my-interests"),
]
