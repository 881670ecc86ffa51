"""The SQL objects of the trending data: row-level security on its tables, the
`calculate_trending_topics()` function and the public analytics views. Each is defined in
`trending/sql/<name>.sql` (see carnivore/sql_items.py)."""

from pathlib import Path

from carnivore.sql_items import sql_item

HERE = Path(__file__).parent

sql_items = [
    sql_item(
        HERE,
        "creators_policies",
        reverse=(
            "SELECT app_private.policies_drop('public.creators');\n"
            "REVOKE ALL ON creators FROM anon, authenticated, service_role;\n"
            "ALTER TABLE creators NO FORCE ROW LEVEL SECURITY;\n"
            "ALTER TABLE creators DISABLE ROW LEVEL SECURITY;\n"
        ),
        dependencies=[
            ("carnivore", "policies_drop"),
            ("carnivore", "is_admin"),
            ("carnivore", "is_staff"),
        ],
    ),
    sql_item(
        HERE,
        "trending_topics_policies",
        reverse=(
            "SELECT app_private.policies_drop('public.trending_topics');\n"
            "REVOKE ALL ON trending_topics FROM anon, authenticated, service_role;\n"
            "ALTER TABLE trending_topics NO FORCE ROW LEVEL SECURITY;\n"
            "ALTER TABLE trending_topics DISABLE ROW LEVEL SECURITY;\n"
        ),
        dependencies=[
            ("carnivore", "policies_drop"),
            ("carnivore", "is_admin"),
            ("carnivore", "is_staff"),
        ],
    ),
    sql_item(
        HERE,
        "top_videos_policies",
        reverse=(
            "SELECT app_private.policies_drop('public.top_videos');\n"
            "REVOKE ALL ON top_videos FROM anon, authenticated, service_role;\n"
            "ALTER TABLE top_videos NO FORCE ROW LEVEL SECURITY;\n"
            "ALTER TABLE top_videos DISABLE ROW LEVEL SECURITY;\n"
        ),
        dependencies=[
            ("carnivore", "policies_drop"),
            ("carnivore", "is_admin"),
            ("carnivore", "is_staff"),
        ],
    ),
    sql_item(
        HERE,
        "weekly_reports_policies",
        reverse=(
            "SELECT app_private.policies_drop('public.weekly_reports');\n"
            "REVOKE ALL ON weekly_reports FROM anon, authenticated, service_role;\n"
            "ALTER TABLE weekly_reports NO FORCE ROW LEVEL SECURITY;\n"
            "ALTER TABLE weekly_reports DISABLE ROW LEVEL SECURITY;\n"
        ),
        dependencies=[("carnivore", "policies_drop"), ("carnivore", "is_admin")],
    ),
    sql_item(
        HERE,
        "youtube_crawls_policies",
        reverse=(
            "SELECT app_private.policies_drop('public.youtube_crawls');\n"
            "REVOKE ALL ON youtube_crawls FROM anon, authenticated, service_role;\n"
            "ALTER TABLE youtube_crawls NO FORCE ROW LEVEL SECURITY;\n"
            "ALTER TABLE youtube_crawls DISABLE ROW LEVEL SECURITY;\n"
        ),
        dependencies=[("carnivore", "policies_drop"), ("carnivore", "is_admin")],
    ),
    sql_item(
        HERE,
        "trending_topic_weeks_policies",
        reverse=(
            "SELECT app_private.policies_drop('public.trending_topic_weeks');\n"
            "REVOKE ALL ON trending_topic_weeks FROM anon, authenticated, service_role;\n"
            "ALTER TABLE trending_topic_weeks NO FORCE ROW LEVEL SECURITY;\n"
            "ALTER TABLE trending_topic_weeks DISABLE ROW LEVEL SECURITY;\n"
        ),
        dependencies=[("carnivore", "policies_drop"), ("carnivore", "is_admin")],
    ),
    sql_item(
        HERE,
        "top_video_weeks_policies",
        reverse=(
            "SELECT app_private.policies_drop('public.top_video_weeks');\n"
            "REVOKE ALL ON top_video_weeks FROM anon, authenticated, service_role;\n"
            "ALTER TABLE top_video_weeks NO FORCE ROW LEVEL SECURITY;\n"
            "ALTER TABLE top_video_weeks DISABLE ROW LEVEL SECURITY;\n"
        ),
        dependencies=[("carnivore", "policies_drop"), ("carnivore", "is_admin")],
    ),
    sql_item(
        HERE,
        "trending_alerts_policies",
        reverse=(
            "SELECT app_private.policies_drop('public.trending_alerts');\n"
            "REVOKE ALL ON trending_alerts FROM anon, authenticated, service_role;\n"
            "ALTER TABLE trending_alerts NO FORCE ROW LEVEL SECURITY;\n"
            "ALTER TABLE trending_alerts DISABLE ROW LEVEL SECURITY;\n"
        ),
        dependencies=[
            ("carnivore", "policies_drop"),
            ("carnivore", "is_admin"),
            ("carnivore", "is_staff"),
        ],
    ),
    sql_item(
        HERE,
        "calculate_trending_topics",
        reverse="DROP FUNCTION calculate_trending_topics(date)",
        dependencies=[("carnivore", "api_roles")],
    ),
    # security_invoker views: the policy sets of the tables they read decide what they show.
    sql_item(
        HERE,
        "trending_topics_by_week",
        reverse="DROP VIEW trending_topics_by_week",
        dependencies=[
            ("carnivore", "api_roles"),
            ("trending", "trending_topic_weeks_policies"),
            ("trending", "weekly_reports_policies"),
            ("trending", "trending_topics_policies"),
        ],
    ),
    sql_item(
        HERE,
        "creator_performance",
        reverse="DROP VIEW creator_performance",
        dependencies=[
            ("carnivore", "api_roles"),
            ("trending", "creators_policies"),
            ("trending", "top_videos_policies"),
            ("trending", "top_video_weeks_policies"),
        ],
    ),
]
