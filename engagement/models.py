"""Reader engagement: the append-only event log, its per-hour rollups, and what was dropped.

`content_engagement` is RANGE-partitioned by month on `created_at`: engagement's initial
migration creates it with plain PostgreSQL partitioning, and the SQL function
`engagement_ensure_partitions` (engagement/sql/engagement_ensure_partitions.sql), run daily
by `engagement.services.engagement_partitions_ensure`, keeps the months ahead. Its primary key
is (id, created_at), as PostgreSQL requires of a partitioned table.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Func, Q, Value
from django.db.models.functions import Length, Now
from django.db.models.lookups import GreaterThan, IsNull, LessThanOrEqual

from engagement.triggers import (
    APP_ROLE_SETTING,
    READER_KEY_SETTING,
    CheckInsertedEvents,
    PrepareInsert,
    SkipRepeatedEvent,
)
from grid.models import ContentType

ENGAGEMENT_ID_SEQUENCE = "content_engagement_id_seq"


class Nextval(Func):
    """`nextval('<sequence>')`: the default of a column numbered by a sequence."""

    function = "nextval"

    def __init__(self, sequence: str, **extra):
        super().__init__(Value(sequence), output_field=models.BigIntegerField(), **extra)


class TransactionIdField(models.Field):
    """A PostgreSQL `xid8`: the 64-bit id of the transaction that wrote a row."""

    def db_type(self, connection) -> str:
        return "xid8"


class CurrentTransactionId(Func):
    """`pg_current_xact_id()`: the id of the transaction inserting the row."""

    function = "pg_current_xact_id"
    output_field = TransactionIdField()


class CurrentUser(Func):
    """`CURRENT_USER`: the database role in force."""

    template = "CURRENT_USER"
    output_field = models.CharField()


class StatementSetting(Func):
    """`current_setting(name, true)` ('' as NULL), cast: what PrepareInsert worked out for the
    statement (engagement/triggers.py)."""

    template = "nullif(current_setting(%(setting)s, true), '')::%(cast)s"

    def __init__(self, setting: str, output_field: models.Field, cast: str):
        super().__init__(output_field=output_field, setting=f"'{setting}'", cast=cast)


class InteractionType(models.TextChoices):
    VIEW = "view"
    CLICK = "click"
    SHARE = "share"
    BOOKMARK = "bookmark"
    COMMENT = "comment"
    REACTION = "reaction"
    # The undos: a reader takes back their bookmark, or their reaction (see EngagementToggle).
    UNBOOKMARK = "unbookmark"
    UNREACT = "unreact"


class Sentiment(models.TextChoices):
    POSITIVE = "positive"
    NEGATIVE = "negative"
    NEUTRAL = "neutral"


SENTIMENT_INTERACTIONS = (InteractionType.COMMENT, InteractionType.REACTION)


class Toggle(models.TextChoices):
    """What a reader has on an item or not, and may take back: a bookmark, a reaction."""

    BOOKMARK = "bookmark"
    REACTION = "reaction"


# The interaction that sets each toggle, and the one that undoes it.
TOGGLE_INTERACTIONS = {
    Toggle.BOOKMARK: (InteractionType.BOOKMARK, InteractionType.UNBOOKMARK),
    Toggle.REACTION: (InteractionType.REACTION, InteractionType.UNREACT),
}


class ContentEngagement(models.Model):
    """One reader interaction with one piece of content. Never updated, never deleted: a
    bookmark or reaction is taken back by an event of its own (`unbookmark`, `unreact`).

    The row is its own record of who and when (no audit-log copy): `user`, the database role
    (`db_role`) and staff role (`app_role`) it was inserted under, `created_at`, and
    `reader_key`, the reader it counts for in the ranking (the user's id, or for anonymous
    readers a fingerprint: a hash of address and user agent with a salt of the day, see
    engagement/triggers.py). `insert_xid` lets the rollup (engagement/sql/
    engagement_rollup_drain.sql) take each committed event exactly once.
    """

    pk = models.CompositePrimaryKey("id", "created_at")
    id = models.BigIntegerField(db_default=Nextval(ENGAGEMENT_ID_SEQUENCE), editable=False)
    created_at = models.DateTimeField(db_default=Now())
    content_type = models.CharField(max_length=32, choices=ContentType.choices)
    content_id = models.BigIntegerField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="engagement_events",
        db_index=False,  # covered by content_engagement_user_recent
    )
    is_anonymous = models.GeneratedField(
        expression=IsNull(F("user"), True), output_field=models.BooleanField(), db_persist=True
    )
    interaction_type = models.CharField(max_length=16, choices=InteractionType.choices)
    # NULL, not "": these columns exist only for some interactions, and CHECKs test for NULL.
    sentiment = models.CharField(max_length=16, choices=Sentiment.choices, null=True, blank=True)  # noqa: DJ001
    sentiment_score = models.DecimalField(max_digits=4, decimal_places=3, null=True, blank=True)
    comment_text = models.TextField(null=True, blank=True)  # noqa: DJ001
    metadata = models.JSONField(blank=True, db_default={})
    event_uuid = models.UUIDField(null=True, blank=True)
    # Filled by the database (no API role may write them): see engagement/triggers.py.
    reader_key = models.UUIDField(
        db_default=StatementSetting(READER_KEY_SETTING, models.UUIDField(), "uuid"),
        editable=False,
    )
    db_role = models.CharField(max_length=63, db_default=CurrentUser(), editable=False)
    app_role = models.CharField(  # noqa: DJ001
        max_length=16,
        null=True,
        blank=True,
        db_default=StatementSetting(APP_ROLE_SETTING, models.CharField(), "text"),
        editable=False,
    )
    insert_xid = TransactionIdField(db_default=CurrentTransactionId(), editable=False)
    # When the event reached the database (created_at may be earlier): its vote's hour.
    inserted_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        db_table = "content_engagement"
        constraints = [
            models.CheckConstraint(
                condition=Q(content_type__in=ContentType.values),
                name="content_engagement_content_type_valid",
            ),
            models.CheckConstraint(
                condition=Q(content_id__gt=0), name="content_engagement_content_id_positive"
            ),
            models.CheckConstraint(
                condition=Q(interaction_type__in=InteractionType.values),
                name="content_engagement_interaction_type_valid",
            ),
            models.CheckConstraint(
                condition=Q(sentiment__isnull=True) | Q(sentiment__in=Sentiment.values),
                name="content_engagement_sentiment_valid",
            ),
            models.CheckConstraint(
                condition=Q(sentiment__isnull=True)
                | Q(interaction_type__in=SENTIMENT_INTERACTIONS),
                name="content_engagement_sentiment_only_comment_reaction",
            ),
            models.CheckConstraint(
                condition=Q(sentiment_score__isnull=True)
                | Q(sentiment_score__gte=-1, sentiment_score__lte=1),
                name="content_engagement_sentiment_score_range",
            ),
            models.CheckConstraint(
                condition=Q(sentiment_score__isnull=True) | Q(sentiment__isnull=False),
                name="content_engagement_sentiment_score_needs_sentiment",
            ),
            models.CheckConstraint(
                condition=Q(comment_text__isnull=True)
                | Q(interaction_type=InteractionType.COMMENT),
                name="content_engagement_comment_text_only_comment",
            ),
            models.CheckConstraint(
                condition=Q(comment_text__isnull=True)
                | Q(
                    GreaterThan(Length("comment_text"), 0),
                    LessThanOrEqual(Length("comment_text"), 5000),
                ),
                name="content_engagement_comment_text_length",
            ),
        ]
        triggers = [PrepareInsert(), SkipRepeatedEvent(), CheckInsertedEvents()]
        indexes = [
            models.Index(
                F("content_type"),
                F("content_id"),
                F("created_at").desc(),
                name="content_engagement_content",
            ),
            models.Index(
                F("user"),
                F("created_at").desc(),
                condition=Q(user__isnull=False),
                name="content_engagement_user_recent",
            ),
            # The rollup takes the events of the transactions finished since its last run.
            models.Index(fields=["insert_xid"], name="content_engagement_insert_xid"),
        ]

    def __str__(self) -> str:
        return f"{self.interaction_type} on {self.content_type} {self.content_id}"


class EngagementRollup(models.Model):
    """Counts of one content's events in one hour, and of its distinct readers' actions.

    Written only by the rollup (engagement/sql/engagement_rollup_drain.sql): no modified_at.
    The event counts are of the events that happened in the hour (`created_at`) and stand: a
    bookmark or reaction its reader has since taken back or replaced counts no more (its hour's
    counts go down when the undo is taken), and an undo counts nowhere (see EngagementToggle).
    `reader_*` count each reader once per kind of action that reached the database in the hour
    (`inserted_at`: one reader, one vote, however the client dates its events), and a standing
    bookmark or reaction once, in the hour it was stored; `reader_positive`/`reader_negative`
    are comments and reactions with that sentiment.
    """

    created_at = models.DateTimeField(db_default=Now(), editable=False)
    content_type = models.CharField(max_length=32, choices=ContentType.choices)
    content_id = models.BigIntegerField()
    hour = models.DateTimeField()
    events = models.IntegerField(db_default=0)
    views = models.IntegerField(db_default=0)
    clicks = models.IntegerField(db_default=0)
    shares = models.IntegerField(db_default=0)
    bookmarks = models.IntegerField(db_default=0)
    comments = models.IntegerField(db_default=0)
    reactions = models.IntegerField(db_default=0)
    positive = models.IntegerField(db_default=0)
    negative = models.IntegerField(db_default=0)
    neutral = models.IntegerField(db_default=0)
    reader_views = models.IntegerField(db_default=0)
    reader_clicks = models.IntegerField(db_default=0)
    reader_shares = models.IntegerField(db_default=0)
    reader_bookmarks = models.IntegerField(db_default=0)
    reader_comments = models.IntegerField(db_default=0)
    reader_positive = models.IntegerField(db_default=0)
    reader_negative = models.IntegerField(db_default=0)

    class Meta:
        db_table = "engagement_rollups"
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "content_id", "hour"],
                name="engagement_rollups_content_hour",
            ),
            models.CheckConstraint(
                condition=Q(
                    events=F("views")
                    + F("clicks")
                    + F("shares")
                    + F("bookmarks")
                    + F("comments")
                    + F("reactions")
                ),
                name="engagement_rollups_events_add_up",
            ),
            models.CheckConstraint(
                condition=Q(
                    views__gte=0,
                    clicks__gte=0,
                    shares__gte=0,
                    bookmarks__gte=0,
                    comments__gte=0,
                    reactions__gte=0,
                ),
                name="engagement_rollups_counts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(positive__gte=0, negative__gte=0, neutral__gte=0)
                & Q(events__gte=F("positive") + F("negative") + F("neutral")),
                name="engagement_rollups_sentiments_fit",
            ),
        ]
        indexes = [models.Index(fields=["hour"], name="engagement_rollups_hour")]

    def __str__(self) -> str:
        return f"{self.content_type} {self.content_id} at {self.hour:%Y-%m-%d %H}:00"


class VoteKind(models.TextChoices):
    """What one reader's action counts as, once per item and hour, for the ranking."""

    VIEW = "view"
    CLICK = "click"
    SHARE = "share"
    BOOKMARK = "bookmark"
    COMMENT = "comment"  # a comment without positive or negative sentiment
    POSITIVE = "positive"  # a positive comment or reaction
    NEGATIVE = "negative"  # a negative comment or reaction


class EngagementVote(models.Model):
    """One reader's vote: the first action of a kind on an item in an hour. Later actions of
    the same reader, kind, item and hour are stored as events but count no more."""

    pk = models.CompositePrimaryKey("content_type", "content_id", "hour", "kind", "reader_key")
    content_type = models.CharField(max_length=32, choices=ContentType.choices)
    content_id = models.BigIntegerField()
    hour = models.DateTimeField()
    kind = models.CharField(max_length=16, choices=VoteKind.choices)
    reader_key = models.UUIDField()

    class Meta:
        db_table = "engagement_votes"
        indexes = [models.Index(fields=["hour"], name="engagement_votes_hour")]

    def __str__(self) -> str:
        return f"{self.kind} on {self.content_type} {self.content_id} at {self.hour}"


class EngagementToggle(models.Model):
    """One reader's bookmark, or reaction, on an item, as it stands: the latest of their
    bookmark and unbookmark events (reaction and unreact events) that the rollup has taken.

    Events are never changed, so a reader takes back a bookmark or a reaction with an event of
    its own (`unbookmark`, `unreact`), and a new reaction replaces their earlier one. "Latest"
    is by `created_at` (when it happened), then by id (the order stored). What the reader's
    events leave standing counts, once, in every figure: a bookmark or reaction event that
    stands counts in its hour's rollup like any event, and votes in the hour it reached the
    database; one replaced or taken back counts nowhere; an undo counts nowhere itself. So an
    undo without a bookmark before it changes nothing, and bookmark, unbookmark, bookmark is
    one bookmark. Written only by the rollup (engagement/sql/engagement_rollup_drain.sql), which
    moves a reader's contribution from their old standing event to the new one.
    """

    pk = models.CompositePrimaryKey("content_type", "content_id", "toggle", "reader_key")
    content_type = models.CharField(max_length=32, choices=ContentType.choices)
    content_id = models.BigIntegerField()
    toggle = models.CharField(max_length=16, choices=Toggle.choices)
    reader_key = models.UUIDField()
    # The standing event: its key in content_engagement (id, created_at), and what it was.
    event_id = models.BigIntegerField()
    event_created_at = models.DateTimeField()
    event_inserted_at = models.DateTimeField()
    interaction_type = models.CharField(max_length=16, choices=InteractionType.choices)
    sentiment = models.CharField(max_length=16, choices=Sentiment.choices, null=True, blank=True)  # noqa: DJ001

    class Meta:
        db_table = "engagement_toggles"
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        toggle=Toggle.BOOKMARK,
                        interaction_type__in=TOGGLE_INTERACTIONS[Toggle.BOOKMARK],
                    )
                    | Q(
                        toggle=Toggle.REACTION,
                        interaction_type__in=TOGGLE_INTERACTIONS[Toggle.REACTION],
                    )
                )
                & (Q(sentiment__isnull=True) | Q(interaction_type=InteractionType.REACTION)),
                name="engagement_toggles_event_fits",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.interaction_type} on {self.content_type} {self.content_id}"


class EngagementSalt(models.Model):
    """The salt of one day for anonymous readers' fingerprints. Deleted when the day is over
    (engagement.services.engagement_salts_expire), so a fingerprint cannot be recomputed later
    from an address and user agent."""

    day = models.DateField(primary_key=True)
    salt = models.BinaryField()

    class Meta:
        db_table = "engagement_salts"

    def __str__(self) -> str:
        return f"salt of {self.day}"


class EngagementRollupState(models.Model):
    """The rollup's watermark (one row): every event of a transaction older than `next_xid` has
    been counted; events of `next_xid` and later have not. Also how far back the raw events are
    held (retention)."""

    id = models.SmallIntegerField(primary_key=True, db_default=1)
    next_xid = TransactionIdField()
    drained_at = models.DateTimeField(null=True, blank=True)
    # Retention (engagement/retention.py) sets these as it retires months of events: the raw
    # events before `events_held_from` are gone (archived or dropped), and the rollups of those
    # hours are their record; readers' votes of the hours before `votes_held_from` may have come
    # from retired events (a vote counts in the hour its event reached the database, which may
    # be later than the hour it happened). NULL: every event is held.
    events_held_from = models.DateTimeField(null=True, blank=True)
    votes_held_from = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "engagement_rollup_state"
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="engagement_rollup_state_one_row")
        ]

    def __str__(self) -> str:
        return f"rollup at {self.next_xid}"


class EngagementRollupAhead(models.Model):
    """Events the rollup counted inside their own, still running transaction (a refresh or
    verify_scores run in the transaction that stored them): those of `xid` up to `counted_id`.
    Later runs skip them; the row goes once the watermark passes `xid`, and with the
    transaction if it rolls back."""

    xid = TransactionIdField(primary_key=True)
    counted_id = models.BigIntegerField()

    class Meta:
        db_table = "engagement_rollup_ahead"

    def __str__(self) -> str:
        return f"{self.xid} counted to {self.counted_id}"


class EngagementEventKey(models.Model):
    """A client-chosen event_uuid already stored: a retried event is skipped, not stored twice.

    A unique key on the partitioned event table would have to include created_at, which a retry
    need not repeat, so the keys live in this plain table, filled by a trigger on insert.
    """

    event_uuid = models.UUIDField(primary_key=True)
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        db_table = "engagement_event_keys"

    def __str__(self) -> str:
        return str(self.event_uuid)


class DropReason(models.TextChoices):
    BOT_USER_AGENT = "bot_user_agent"


class DroppedEngagement(models.Model):
    """A request whose events were not recorded, and why (a known bot, for instance)."""

    created_at = models.DateTimeField(db_default=Now())
    reason = models.CharField(max_length=32, choices=DropReason.choices)
    user_agent = models.CharField(max_length=500, blank=True, db_default="")
    event_count = models.IntegerField()

    class Meta:
        db_table = "engagement_drops"
        constraints = [
            models.CheckConstraint(
                condition=Q(reason__in=DropReason.values), name="engagement_drops_reason_valid"
            ),
            models.CheckConstraint(
                condition=Q(event_count__gte=0), name="engagement_drops_count_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["-created_at"], name="engagement_drops_recent")]

    def __str__(self) -> str:
        return f"{self.event_count} dropped: {self.reason}"


class ContentSentiment(models.Model):
    """Sentiment per content over the last 7 days (the view `engagement_sentiment_7d`).

    Counts and percents only: no user ids, no comment text. Percents are of all events.
    """

    pk = models.CompositePrimaryKey("content_type", "content_id")
    content_type = models.CharField(max_length=32, choices=ContentType.choices)
    content_id = models.BigIntegerField()
    events = models.IntegerField()
    positive = models.IntegerField()
    negative = models.IntegerField()
    neutral = models.IntegerField()
    positive_percent = models.DecimalField(max_digits=5, decimal_places=2)
    negative_percent = models.DecimalField(max_digits=5, decimal_places=2)
    neutral_percent = models.DecimalField(max_digits=5, decimal_places=2)

    class Meta:
        managed = False
        db_table = "engagement_sentiment_7d"
        ordering = ["content_type", "content_id"]

    def __str__(self) -> str:
        return f"{self.content_type} {self.content_id}: {self.positive_percent}% positive"


class UserEngagementSummary(models.Model):
    """One reader's engagement (the view `user_engagement_summary`; admins and auditors)."""

    user_id = models.UUIDField(primary_key=True)
    events = models.IntegerField()
    views = models.IntegerField()
    shares = models.IntegerField()
    bookmarks = models.IntegerField()
    comments = models.IntegerField()
    reactions = models.IntegerField()
    positive = models.IntegerField()
    negative = models.IntegerField()
    first_event_at = models.DateTimeField()
    last_event_at = models.DateTimeField()

    class Meta:
        managed = False
        db_table = "user_engagement_summary"

    def __str__(self) -> str:
        return f"{self.user_id}: {self.events} events"
