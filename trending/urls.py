from django.urls import path

from trending import apis

urlpatterns = [
    path("trending/", apis.TrendingApi.as_view(), name="trending"),
    path("trending/<slug:slug>/", apis.TrendingTopicApi.as_view(), name="trending-topic"),
    path("videos/", apis.VideosApi.as_view(), name="videos"),
    path("creators/", apis.CreatorsApi.as_view(), name="creators"),
    path(
        "creators/recommended/", apis.RecommendedCreatorsApi.as_view(), name="creators-recommended"
    ),
    path(
        "analytics/topics-by-week/", apis.TopicsByWeekApi.as_view(), name="analytics-topics-by-week"
    ),
    path("analytics/creators/", apis.CreatorPerformanceApi.as_view(), name="analytics-creators"),
]
