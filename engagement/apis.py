"""The engagement endpoints: record events, list one's own, read public sentiment; and a reader
leaving (`DELETE /api/me/`), which unlinks their events.

The user always comes from authentication (carnivore.authentication), never from the body: a
body naming a user is refused. Every request runs under the caller's role, so row-level
security also refuses an event recorded for someone else.
"""

from __future__ import annotations

import json
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from drf_spectacular.utils import (
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, BaseThrottle, UserRateThrottle
from rest_framework.views import APIView

from carnivore.permissions import IsStaffRole
from carnivore.schema import CSRF_FAILED, error_responses, paged
from carnivore.serializers import (
    JsonbObjectField,
    StrictCharField,
    StrictSerializer,
    StrictUUIDField,
    validated_query,
)
from engagement.bots import is_known_bot
from engagement.models import (
    SENTIMENT_INTERACTIONS,
    ContentEngagement,
    ContentSentiment,
    DropReason,
    InteractionType,
    Sentiment,
    UserEngagementSummary,
)
from engagement.services import (
    EventInput,
    StaffNotErased,
    engagement_drop_record,
    engagement_record,
    reader_erase,
)
from grid.models import ContentType

MAX_BATCH = 500
MAX_METADATA_BYTES = 2048
OLDEST_OCCURRED_AT = timedelta(days=7)  # the scoring windows' reach: older events change no score


class EventIn(StrictSerializer):
    """One event."""

    content_type = serializers.ChoiceField(choices=ContentType.choices)
    content_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    interaction_type = serializers.ChoiceField(
        choices=InteractionType.choices,
        help_text=(
            "`unbookmark` and `unreact` take back the reader's bookmark or reaction on the"
            " content; a reaction replaces the reader's earlier one. Of a reader's bookmarks"
            " and unbookmarks (reactions and unreacts) on one content only the latest counts,"
            " by `occurred_at`, then by the order stored; an undo with nothing to undo changes"
            " nothing. Anonymous readers are told apart by a fingerprint of the day (address"
            " and user agent), so their undo counts that day, from that browser."
        ),
    )
    sentiment = serializers.ChoiceField(
        choices=Sentiment.choices,
        required=False,
        allow_null=True,
        help_text="Comments and reactions only.",
    )
    sentiment_score = serializers.DecimalField(
        max_digits=4, decimal_places=3, min_value=-1, max_value=1, required=False, allow_null=True
    )
    comment_text = StrictCharField(min_length=1, max_length=5000, required=False, allow_null=True)
    metadata = JsonbObjectField(
        required=False, help_text="Device, referrer… (at most 2 KB as JSON)"
    )
    event_uuid = StrictUUIDField(
        required=False,
        allow_null=True,
        help_text="Client-chosen id: a retried event is stored once.",
    )
    occurred_at = serializers.DateTimeField(
        required=False,
        help_text="When it happened, if not now: within the last 7 days, not in the future.",
    )

    def validate_metadata(self, value: dict) -> dict:
        if len(json.dumps(value, default=str).encode()) > MAX_METADATA_BYTES:
            raise ValidationError(f"At most {MAX_METADATA_BYTES} bytes of JSON.")
        return value

    def validate_occurred_at(self, value):
        now = timezone.now()
        if value > now:
            raise ValidationError("Must not be in the future.")
        if value < now - OLDEST_OCCURRED_AT:
            raise ValidationError("Must be within the last 7 days.")
        return value

    def validate(self, attrs: dict) -> dict:
        interaction = attrs["interaction_type"]
        if attrs.get("sentiment") and interaction not in SENTIMENT_INTERACTIONS:
            raise ValidationError({"sentiment": ["Only comments and reactions carry a sentiment."]})
        if attrs.get("sentiment_score") is not None and not attrs.get("sentiment"):
            raise ValidationError({"sentiment_score": ["Give a sentiment with a sentiment score."]})
        if attrs.get("comment_text") and interaction != InteractionType.COMMENT:
            raise ValidationError({"comment_text": ["Only comments carry text."]})
        return attrs


def event_from(attrs: dict) -> EventInput:
    """Turn one validated event into the service's input (`occurred_at` is its created_at)."""
    attrs = dict(attrs)
    attrs["created_at"] = attrs.pop("occurred_at", None)
    return EventInput(**attrs)


class EventBatchIn(StrictSerializer):
    """Up to 500 events, stored all or nothing."""

    # A ListField rather than many=True: its length limits reach the OpenAPI schema.
    events = serializers.ListField(
        child=EventIn(), allow_empty=False, min_length=1, max_length=MAX_BATCH
    )


class RecordedOut(serializers.Serializer):
    received = serializers.IntegerField(help_text="Events in the request.")
    stored = serializers.IntegerField(help_text="Events stored now.")
    duplicates = serializers.IntegerField(
        help_text="Retries of events already stored (same event_uuid)."
    )


DroppedOut = inline_serializer(
    "EngagementDropped",
    {
        "received": serializers.IntegerField(),
        "stored": serializers.IntegerField(),
        "reason": serializers.CharField(),
    },
)


class EngagementAnonThrottle(AnonRateThrottle):
    scope = "engagement_anon"

    def get_rate(self):
        return settings.ENGAGEMENT_ANON_RATE


class EngagementUserThrottle(UserRateThrottle):
    scope = "engagement_user"

    def get_rate(self):
        return settings.ENGAGEMENT_USER_RATE

    def get_cache_key(self, request, view):
        # DRF's UserRateThrottle counts anonymous callers by address too, which would cap them
        # at the lower of the two rates; they are EngagementAnonThrottle's alone.
        if not request.user.is_authenticated:
            return None
        return super().get_cache_key(request, view)


class EngagementCreateApi(APIView):
    """Record one event, or a batch of up to 500 (all or nothing)."""

    permission_classes = [AllowAny]
    throttle_classes = [EngagementAnonThrottle, EngagementUserThrottle]

    @extend_schema(
        operation_id="engagement_record",
        request=PolymorphicProxySerializer(
            component_name="EngagementRequest",
            serializers=[EventIn, EventBatchIn],
            resource_type_field_name=None,
        ),
        responses={
            201: RecordedOut,
            202: OpenApiResponse(DroppedOut, description="A known bot: nothing recorded."),
            **error_responses(400, 403, 415, 429, e403=CSRF_FAILED),
        },
    )
    def post(self, request):
        data = request.data
        if not isinstance(data, dict):
            raise ValidationError(
                {"non_field_errors": ['Send one event object, or {"events": [...]}.']}
            )
        is_batch = "events" in data
        if is_known_bot(request.headers.get("User-Agent", "")):
            count = len(data["events"]) if is_batch and isinstance(data["events"], list) else 1
            engagement_drop_record(
                reason=DropReason.BOT_USER_AGENT,
                user_agent=request.headers["User-Agent"],
                event_count=count,
            )
            body = {"received": count, "stored": 0, "reason": DropReason.BOT_USER_AGENT.value}
            return Response(body, status=status.HTTP_202_ACCEPTED)

        serializer = (EventBatchIn if is_batch else EventIn)(data=data)
        serializer.is_valid(raise_exception=True)
        inputs = serializer.validated_data["events"] if is_batch else [serializer.validated_data]
        events = [event_from(attrs) for attrs in inputs]
        user_id = request.user.pk if request.user.is_authenticated else None
        try:
            recorded = engagement_record(
                events=events,
                user_id=user_id,
                client_address=BaseThrottle().get_ident(request),
                user_agent=request.headers.get("User-Agent", ""),
            )
        except IntegrityError as exc:  # content removed, or a clock moved, since validation
            transaction.set_rollback(True)  # the request's transaction is aborted: end it cleanly
            raise ValidationError(
                {"non_field_errors": [str(exc.__cause__ or exc).splitlines()[0]]}
            ) from exc
        if recorded.missing:
            raise missing_content_error(events, recorded.missing, is_batch)
        body = {
            "received": recorded.received,
            "stored": recorded.stored,
            "duplicates": recorded.duplicates,
        }
        return Response(body, status=status.HTTP_201_CREATED)


def missing_content_error(
    events: list[EventInput], missing: frozenset[tuple[str, int]], is_batch: bool
) -> ValidationError:
    """A 400 naming content_id in each event whose content is missing."""
    # Keyed by index, the way DRF reports errors of items in a list.
    errors = {
        str(index): {"content_id": [f"No {e.content_type} with id {e.content_id}."]}
        for index, e in enumerate(events)
        if (e.content_type, e.content_id) in missing
    }
    return ValidationError({"events": errors} if is_batch else errors["0"])


class EventOut(serializers.ModelSerializer):
    class Meta:
        model = ContentEngagement
        fields = [
            "id",
            "created_at",
            "content_type",
            "content_id",
            "interaction_type",
            "sentiment",
            "sentiment_score",
            "comment_text",
            "metadata",
            "event_uuid",
        ]


class NewestFirst(CursorPagination):
    ordering = "-created_at"
    page_size = 50


@extend_schema(
    responses={
        200: EventOut(many=True),
        **error_responses(404, e404="No such page (`cursor` is not one this API gave)."),
    }
)
class MyEngagementApi(ListAPIView):
    """The signed-in reader's own events, newest first."""

    permission_classes = [IsAuthenticated]
    serializer_class = EventOut
    pagination_class = NewestFirst

    def get_queryset(self):
        # Row-level security would show admins everyone's events: "mine" is the caller's only.
        return ContentEngagement.objects.filter(user=self.request.user)


class SentimentOut(serializers.ModelSerializer):
    class Meta:
        model = ContentSentiment
        fields = [
            "content_type",
            "content_id",
            "events",
            "positive",
            "negative",
            "neutral",
            "positive_percent",
            "negative_percent",
            "neutral_percent",
        ]


class SentimentQuery(serializers.Serializer):
    content_type = serializers.ChoiceField(choices=ContentType.choices, required=False)
    content_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False)


@extend_schema(parameters=[SentimentQuery], responses=paged(SentimentOut))
class SentimentApi(ListAPIView):
    """Public sentiment per content over the last 7 days: counts and percents, nothing personal."""

    permission_classes = [AllowAny]
    serializer_class = SentimentOut

    def get_queryset(self):
        return ContentSentiment.objects.filter(**validated_query(self.request, SentimentQuery))


class UserEngagementOut(serializers.ModelSerializer):
    class Meta:
        model = UserEngagementSummary
        fields = [
            "user_id",
            "events",
            "views",
            "shares",
            "bookmarks",
            "comments",
            "reactions",
            "positive",
            "negative",
            "first_event_at",
            "last_event_at",
        ]


@extend_schema(responses=paged(UserEngagementOut, 403, e403=IsStaffRole.message))
class UserEngagementSummaryApi(ListAPIView):
    """Analytics for admins and auditors: each signed-in reader's engagement, most active first."""

    permission_classes = [IsStaffRole]
    serializer_class = UserEngagementOut

    def get_queryset(self):
        return UserEngagementSummary.objects.order_by("-events", "user_id")


STAFF_NOT_ERASED = "Staff accounts are closed by an operator (manage.py erase_user)."


class MeApi(APIView):
    """The signed-in reader's account: DELETE erases it (README, "A reader leaves")."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="me_erase",
        request=None,
        responses={
            204: OpenApiResponse(
                description=(
                    "Erased: the account, its token, sessions and interests are gone; its"
                    " events stay counted, linked to nobody. Credentials stop working at once."
                )
            ),
            **error_responses(403, e403=f"{STAFF_NOT_ERASED} Or: {CSRF_FAILED}"),
        },
    )
    def delete(self, request):
        try:
            reader_erase(user=request.user, erased_by=request.user)
        except StaffNotErased as error:
            raise PermissionDenied(STAFF_NOT_ERASED) from error
        request.session.flush()  # a session cookie, if that is how they came, signs nobody in
        return Response(status=status.HTTP_204_NO_CONTENT)
