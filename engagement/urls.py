from django.urls import path

from engagement import apis

urlpatterns = [
    path("engagement/", apis.EngagementCreateApi.as_view(), name="engagement-record"),
    path("engagement/mine/", apis.MyEngagementApi.as_view(), name="engagement-mine"),
    path("engagement/sentiment/", apis.SentimentApi.as_view(), name="engagement-sentiment"),
    path("me/", apis.MeApi.as_view(), name="me"),
    path("analytics/users/", apis.UserEngagementSummaryApi.as_view(), name="analytics-users"),
]
