"""The trending endpoints: the week's topics, a topic's history, videos, creators, analytics."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from carnivore.schema import error_responses, paged
from carnivore.serializers import validated_query
from grid.selectors import interest_tags_of
from trending.models import (
    Creator,
    CreatorPerformance,
    TopicWeek,
    TopicWeekRank,
    TopVideo,
    TrendingTopic,
)
from trending.selectors import (
    creators_active,
    creators_recommended,
    trending_topic_with_history,
    trending_topics_of_week,
    trending_week,
    videos_active,
)


class WeekQuery(serializers.Serializer):
    week = serializers.DateField(
        required=False, help_text="A week's analysis date, YYYY-MM-DD (the latest week if absent)."
    )


class VideosQuery(serializers.Serializer):
    creator = serializers.IntegerField(
        min_value=1,
        max_value=2**63 - 1,
        required=False,
        help_text="Only this creator's videos (creator id).",
    )
    week = serializers.DateField(
        required=False, help_text="Only videos of the crawl of this date, YYYY-MM-DD."
    )


class TopicOut(serializers.ModelSerializer):
    class Meta:
        model = TrendingTopic
        fields = [
            "topic_slug",
            "topic_name",
            "description",
            "engagement_score",
            "mention_count",
            "creators_array",
            "tags",
            "first_seen_week",
            "last_seen_week",
        ]


class WeekTopicOut(serializers.Serializer):
    rank = serializers.IntegerField()
    week_score = serializers.FloatField(
        source="engagement_score", help_text="The topic's score that week."
    )
    topic = TopicOut()


class TrendingWeekOut(serializers.Serializer):
    week_of = serializers.DateField(allow_null=True)
    topics = WeekTopicOut(many=True)


class TrendingApi(APIView):
    """The week's trending topics, ranked (the latest week unless ?week= names another)."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="trending_week",
        parameters=[WeekQuery],
        responses={
            200: TrendingWeekOut,
            **error_responses(400, 404, e404="No report for that week."),
        },
    )
    def get(self, request):
        week_of = validated_query(request, WeekQuery).get("week")
        report = trending_week(week_of)
        if report is None:
            if week_of is not None:
                raise Http404("No report for that week.")
            return Response({"week_of": None, "topics": []})
        weeks = trending_topics_of_week(report)
        return Response(TrendingWeekOut({"week_of": report.week_of, "topics": weeks}).data)


class TopicWeekOut(serializers.ModelSerializer):
    week_of = serializers.DateField(source="report.week_of")

    class Meta:
        model = TopicWeek
        fields = ["week_of", "rank", "engagement_score"]


class TopicDetailOut(TopicOut):
    history = serializers.SerializerMethodField()

    class Meta(TopicOut.Meta):
        fields = [*TopicOut.Meta.fields, "history"]

    @extend_schema_field(TopicWeekOut(many=True))
    def get_history(self, topic) -> list[dict]:
        return TopicWeekOut(self.context["history"], many=True).data


class TrendingTopicApi(APIView):
    """One topic, with its weekly history (rank and score each week it trended)."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="trending_topic",
        parameters=[
            OpenApiParameter("slug", str, OpenApiParameter.PATH, pattern=r"^[-a-zA-Z0-9_]+$")
        ],
        responses={200: TopicDetailOut, **error_responses(404, e404="No such topic.")},
    )
    def get(self, request, slug: str):
        found = trending_topic_with_history(slug)
        if found is None:
            raise Http404("No such topic.")
        topic, history = found
        return Response(TopicDetailOut(topic, context={"history": history}).data)


class CreatorOut(serializers.ModelSerializer):
    class Meta:
        model = Creator
        fields = [
            "id",
            "channel_id",
            "creator_name",
            "handle",
            "tagline",
            "bio",
            "specialty",
            "avatar_url",
            "verified",
            "subscriber_count",
            "monthly_video_count",
            "average_views_per_video",
            "focus_areas",
            "appearances",
            "total_views",
            "website_url",
            "twitter_handle",
            "leaderboard_rank",
        ]
        extra_kwargs = {
            "subscriber_count": {
                "help_text": "Null when unknown: the published files carry no subscriber counts."
            },
            "average_views_per_video": {"help_text": "total_views over the creator's videos."},
            "focus_areas": {
                "help_text": (
                    "Normalised tags (as interests are): the areas of the specialty, each also "
                    'split into its words ("Budget & meal prep": budget, mealprep, meal, prep), '
                    "then the tags most used by the creator's videos."
                )
            },
            "appearances": {
                "help_text": (
                    "How many weekly crawls listed the creator's videos (the channel "
                    "leaderboard's count when higher)."
                )
            },
            "total_views": {
                "help_text": "The latest view count of each of the creator's videos, summed."
            },
            "leaderboard_rank": {"help_text": "Rank on the channel leaderboard; null when off it."},
        }


class VideoOut(serializers.ModelSerializer):
    creator = serializers.SerializerMethodField()

    class Meta:
        model = TopVideo
        fields = [
            "id",
            "video_id",
            "title",
            "creator",
            "published_at",
            "views",
            "likes",
            "comments",
            "duration_seconds",
            "tags",
            "comment_sentiment",
            "relevance_score",
            "engagement_score",
            "thumbnail_url",
        ]

    def get_creator(self, video) -> dict:
        return {"id": video.creator_id, "creator_name": video.creator.creator_name}


@extend_schema(parameters=[VideosQuery], responses=paged(VideoOut))
class VideosApi(ListAPIView):
    """Active top videos, best base score first."""

    permission_classes = [AllowAny]
    serializer_class = VideoOut

    def get_queryset(self):
        query = validated_query(self.request, VideosQuery)
        return videos_active(creator_id=query.get("creator"), week_of=query.get("week"))


@extend_schema(responses=paged(CreatorOut))
class CreatorsApi(ListAPIView):
    """Active creators, most appearances in the weekly crawls first, then most views."""

    permission_classes = [AllowAny]
    serializer_class = CreatorOut

    def get_queryset(self):
        return creators_active()


class RecommendedCreatorOut(CreatorOut):
    shared_focus_areas = serializers.IntegerField(
        help_text="How many of the creator's focus areas are among your interest tags."
    )

    class Meta(CreatorOut.Meta):
        fields = [*CreatorOut.Meta.fields, "shared_focus_areas"]


@extend_schema(responses=paged(RecommendedCreatorOut))
class RecommendedCreatorsApi(ListAPIView):
    """Active creators whose focus areas overlap the signed-in reader's interest tags: most
    shared focus areas first, then most appearances, then most views."""

    permission_classes = [IsAuthenticated]
    serializer_class = RecommendedCreatorOut

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the view
            return Creator.objects.none()
        return creators_recommended(interest_tags_of(self.request.user))


class TopicWeekRankOut(serializers.ModelSerializer):
    class Meta:
        model = TopicWeekRank
        fields = ["week_of", "rank", "topic_slug", "topic_name", "engagement_score"]


@extend_schema(responses=paged(TopicWeekRankOut))
class TopicsByWeekApi(ListAPIView):
    """Analytics: every week's trending topics with their rank, newest week first."""

    permission_classes = [AllowAny]
    serializer_class = TopicWeekRankOut

    def get_queryset(self):
        return TopicWeekRank.objects.order_by("-week_of", "rank")


class CreatorPerformanceOut(serializers.ModelSerializer):
    class Meta:
        model = CreatorPerformance
        fields = [
            "creator_id",
            "creator_name",
            "channel_id",
            "subscriber_count",
            "videos",
            "total_views",
            "average_views",
            "average_score",
            "weeks_seen",
        ]


@extend_schema(responses=paged(CreatorPerformanceOut))
class CreatorPerformanceApi(ListAPIView):
    """Analytics: each active creator's videos, views and scores across the imported weeks."""

    permission_classes = [AllowAny]
    serializer_class = CreatorPerformanceOut

    def get_queryset(self):
        return CreatorPerformance.objects.order_by("-total_views", "creator_name")
