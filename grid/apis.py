"""The grid endpoints: the public homepage, the personalised grid, the refresh, interests."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from carnivore.permissions import IsAdminRole
from carnivore.schema import CSRF_FAILED, OPTIONAL_AUTH, error_responses
from carnivore.serializers import StrictCharField, StrictSerializer
from grid.models import RefreshTrigger, UserInterest
from grid.selectors import (
    Homepage,
    grid_homepage,
    grid_personalized,
    interest_tags_of,
)
from grid.services import (
    MAX_INTERESTS,
    TooManyInterests,
    grid_refresh,
    interests_add,
    interests_normalised_each,
    interests_set,
)


class RankingOut(serializers.Serializer):
    """Why an item is where it is: the parts of its rank_score (README, "How the grid is
    ranked"; grid/sql/grid_rank.sql)."""

    prior = serializers.FloatField(help_text="base_score / 10: the weekly analysis's score.")
    readers = serializers.FloatField(
        help_text="10 x log10(1 + weight of distinct readers' actions, last 7 days)."
    )
    age_penalty = serializers.FloatField(help_text="10 points per week since the content's week.")
    boost = serializers.IntegerField(help_text="Personalisation: +5 per shared tag, at most +20.")
    pinned = serializers.BooleanField(help_text="Pinned by an editor: kept at its position.")
    rank_score = serializers.FloatField(help_text="prior + readers - age_penalty + boost.")


class GridItemOut(serializers.Serializer):
    id = serializers.IntegerField()
    slot = serializers.IntegerField(
        help_text="1 is the hero (2x2), 2-5 featured (2x1), then standard (1x1)."
    )
    tile = serializers.ChoiceField(choices=["hero", "featured", "standard"])
    content_type = serializers.CharField()
    content_id = serializers.IntegerField()
    title = serializers.CharField()
    week_of = serializers.DateField(allow_null=True, help_text="The week the content belongs to.")
    score = serializers.FloatField(help_text="The rank_score that ranks the item (see ranking).")
    ranking = RankingOut()
    reader_weight_7d = serializers.IntegerField(
        help_text="Distinct readers' actions of the last 7 days, weighted by kind."
    )
    engagement_score = serializers.FloatField(
        help_text="The blueprint's 0..100 figure over 24 hours: for display, it does not rank."
    )
    base_score = serializers.FloatField()
    view_count = serializers.IntegerField()
    share_count = serializers.IntegerField()
    bookmark_count = serializers.IntegerField()
    positive_sentiment_percent = serializers.FloatField()
    events_7d = serializers.IntegerField(help_text="Events of the last 7 days (0: no reactions).")
    is_pinned = serializers.BooleanField()
    tags = serializers.ListField(child=serializers.CharField())
    data = serializers.DictField(help_text="What else the tile shows (thumbnail, creator, week…).")


class GridOut(serializers.Serializer):
    items = GridItemOut(many=True)
    refreshed_at = serializers.DateTimeField(allow_null=True)


class PersonalizedItemOut(GridItemOut):
    public_score = serializers.FloatField(help_text="The score before personalisation.")
    personalization_boost = serializers.IntegerField(help_text="+5 per shared tag, at most +20.")


class PersonalizedOut(serializers.Serializer):
    items = PersonalizedItemOut(many=True)
    refreshed_at = serializers.DateTimeField(allow_null=True)
    personalization_applied = serializers.BooleanField()


class GridApi(APIView):
    """The public homepage grid, as the last refresh ranked it.

    Callers without an Authorization header are answered by CachedHomepageMiddleware before
    they get here; this view answers those with one, once the stack has checked it.
    """

    permission_classes = [AllowAny]
    authentication_classes = []  # the same grid for everyone: no user is looked up

    @extend_schema(
        operation_id="grid_homepage",
        auth=OPTIONAL_AUTH,
        responses={
            200: GridOut,
            304: OpenApiResponse(description="Not modified (If-None-Match)."),
        },
    )
    def get(self, request):
        return homepage_response(request, grid_homepage(), shared=False)


def homepage_response(request, homepage: Homepage, *, shared: bool) -> HttpResponse:
    """The homepage's JSON, or 304 when the caller's ETag is current, with caching headers.

    `shared`: the caller sent no credentials, so CDNs and other shared caches may keep the
    answer (GRID_MAX_AGE, then GRID_STALE_WHILE_REVALIDATE while they fetch it again);
    otherwise only the caller's own browser may.
    """
    if request.headers.get("If-None-Match") == homepage.etag:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(homepage.body, content_type="application/json")
    response["ETag"] = homepage.etag
    if shared:
        patch_cache_control(
            response,
            public=True,
            max_age=settings.GRID_MAX_AGE,
            stale_while_revalidate=settings.GRID_STALE_WHILE_REVALIDATE,
        )
    else:
        patch_cache_control(response, private=True, max_age=settings.GRID_MAX_AGE)
    return response


class PersonalizedGridApi(APIView):
    """The homepage grid re-scored for the signed-in reader's interests."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="grid_personalized",
        responses={200: PersonalizedOut},
    )
    def get(self, request):
        document = grid_homepage().document()
        if not request.user.is_authenticated:
            items = [
                {**item, "public_score": item["score"], "personalization_boost": 0}
                for item in document["items"]
            ]
            body = {**document, "items": items, "personalization_applied": False}
        else:
            items = grid_personalized(document["items"], interest_tags_of(request.user))
            body = {**document, "items": items, "personalization_applied": True}
        response = Response(body)
        patch_cache_control(response, private=True, max_age=0)
        return response


RefreshOut = inline_serializer(
    "GridRefresh",
    {
        "run_id": serializers.IntegerField(),
        "items_rescored": serializers.IntegerField(),
        "items_ranked": serializers.IntegerField(),
        "items_moved": serializers.IntegerField(),
        "old_hero_id": serializers.IntegerField(allow_null=True),
        "new_hero_id": serializers.IntegerField(allow_null=True),
        "duration_ms": serializers.FloatField(),
    },
)


class GridRefreshApi(APIView):
    """Recompute scores, re-rank and refresh the homepage now (editors only)."""

    permission_classes = [IsAdminRole]

    @extend_schema(
        operation_id="grid_refresh",
        request=None,
        responses={
            201: RefreshOut,
            **error_responses(403, e403=f"{IsAdminRole.message} Or: {CSRF_FAILED}"),
        },
    )
    def post(self, request):
        result = grid_refresh(trigger=RefreshTrigger.API, requested_by=request.user)
        return Response(result.__dict__, status=status.HTTP_201_CREATED)


class InterestsIn(StrictSerializer):
    """The reader's interests, replacing those set before."""

    interests = serializers.ListField(
        child=StrictCharField(min_length=1, max_length=100),
        min_length=1,
        max_length=MAX_INTERESTS,
        help_text=(
            '1 to 20 interests, e.g. "Budget carnivore"; matched to tags after one'
            " normalisation (budgetcarnivore: case, accents, spaces, hyphens and # ignored)"
        ),
    )

    def validate_interests(self, labels: list[str]) -> list[str]:
        unusable = {
            str(index): ["Needs at least one letter or digit."]
            for index, tag in enumerate(interests_normalised_each(labels))
            if not tag
        }
        if unusable:
            raise serializers.ValidationError(unusable)
        return labels


class InterestsAddIn(InterestsIn):
    """Interests to add to the reader's own (PATCH): a label whose tag they already follow is
    skipped; the merged list may hold 20 at most."""


class InterestsOut(serializers.ModelSerializer):
    interests = serializers.ListField(child=serializers.CharField(), help_text="As given.")
    modified_at = serializers.DateTimeField(
        allow_null=True, read_only=True, help_text="null: no interests set yet."
    )

    class Meta:
        model = UserInterest
        fields = ["interests", "interest_tags", "modified_at"]


class MyInterestsApi(APIView):
    """The signed-in reader's interests, which personalise their grid.

    GET reads them, PUT replaces them, PATCH adds to them (a merge); there is no POST (405).
    """

    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="my_interests_read", responses={200: InterestsOut})
    def get(self, request):
        row = UserInterest.objects.filter(user=request.user, is_active=True).first()
        if row is None:
            return Response({"interests": [], "interest_tags": [], "modified_at": None})
        return Response(InterestsOut(row).data)

    @extend_schema(
        operation_id="my_interests_replace",
        request=InterestsIn,
        responses={200: InterestsOut, **error_responses(400, 403, 415, e403=CSRF_FAILED)},
    )
    def put(self, request):
        serializer = InterestsIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        row = interests_set(user=request.user, labels=serializer.validated_data["interests"])
        row.refresh_from_db(fields=["modified_at"])
        return Response(InterestsOut(row).data)

    @extend_schema(
        operation_id="my_interests_add",
        request=InterestsAddIn,
        responses={200: InterestsOut, **error_responses(400, 403, 415, e403=CSRF_FAILED)},
    )
    def patch(self, request):
        serializer = InterestsAddIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            row = interests_add(user=request.user, labels=serializer.validated_data["interests"])
        except TooManyInterests as error:
            raise serializers.ValidationError({"interests": [str(error)]}) from error
        row.refresh_from_db(fields=["modified_at"])
        return Response(InterestsOut(row).data)
