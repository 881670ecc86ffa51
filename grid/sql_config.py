"""The SQL objects of the grid: row-level security on its tables, the `grid_content` view of
everything a grid item may point at, the `homepage_grid` materialized view and the functions of
the hourly refresh. Each is defined in `grid/sql/<name>.sql` (see carnivore/sql_items.py).

No grid object needs an engagement object to exist first (the engagement app reads
`grid_content`, so a dependency the other way would be a cycle)."""

from pathlib import Path

from carnivore.sql_items import sql_item

HERE = Path(__file__).parent

sql_items = [
    sql_item(
        HERE,
        "bento_grid_items_policies",
        reverse=(
            "SELECT app_private.policies_drop('public.bento_grid_items');\n"
            "REVOKE ALL ON bento_grid_items FROM anon, authenticated, service_role;\n"
            "ALTER TABLE bento_grid_items NO FORCE ROW LEVEL SECURITY;\n"
            "ALTER TABLE bento_grid_items DISABLE ROW LEVEL SECURITY;\n"
        ),
        dependencies=[
            ("carnivore", "policies_drop"),
            ("carnivore", "is_admin"),
            ("carnivore", "is_staff"),
        ],
    ),
    sql_item(
        HERE,
        "editorial_items_policies",
        reverse=(
            "SELECT app_private.policies_drop('public.editorial_items');\n"
            "REVOKE ALL ON editorial_items FROM anon, authenticated, service_role;\n"
            "ALTER TABLE editorial_items NO FORCE ROW LEVEL SECURITY;\n"
            "ALTER TABLE editorial_items DISABLE ROW LEVEL SECURITY;\n"
        ),
        dependencies=[
            ("carnivore", "policies_drop"),
            ("carnivore", "is_admin"),
            ("carnivore", "is_staff"),
        ],
    ),
    sql_item(
        HERE,
        "user_interests_policies",
        reverse=(
            "SELECT app_private.policies_drop('public.user_interests');\n"
            "REVOKE ALL ON user_interests FROM anon, authenticated, service_role;\n"
            "ALTER TABLE user_interests NO FORCE ROW LEVEL SECURITY;\n"
            "ALTER TABLE user_interests DISABLE ROW LEVEL SECURITY;\n"
        ),
        dependencies=[
            ("carnivore", "policies_drop"),
            ("carnivore", "is_admin"),
            ("carnivore", "is_staff"),
            ("carnivore", "supabase_auth"),
        ],
    ),
    sql_item(
        HERE,
        "grid_refresh_runs_policies",
        reverse=(
            "SELECT app_private.policies_drop('public.grid_refresh_runs');\n"
            "REVOKE ALL ON grid_refresh_runs FROM anon, authenticated, service_role;\n"
            "ALTER TABLE grid_refresh_runs NO FORCE ROW LEVEL SECURITY;\n"
            "ALTER TABLE grid_refresh_runs DISABLE ROW LEVEL SECURITY;\n"
        ),
        dependencies=[
            ("carnivore", "policies_drop"),
            ("carnivore", "is_admin"),
            ("carnivore", "is_staff"),
        ],
    ),
    # A security_invoker view: the policy sets of the tables it reads decide what it shows, and
    # the trending ones also order it after the trending tables.
    sql_item(
        HERE,
        "grid_content",
        reverse="DROP VIEW grid_content",
        dependencies=[
            ("carnivore", "api_roles"),
            ("grid", "editorial_items_policies"),
            ("trending", "trending_topics_policies"),
            ("trending", "top_videos_policies"),
        ],
    ),
    # The ranking formula, and the one place grid rows are built from their content.
    sql_item(
        HERE,
        "grid_tag_normalise",
        reverse="DROP FUNCTION grid_tags_normalise(text[]); DROP FUNCTION grid_tag_normalise(text)",
        dependencies=[("carnivore", "api_roles")],
    ),
    sql_item(
        HERE,
        "grid_ranked",
        reverse="DROP FUNCTION grid_ranked(numeric, bigint, date, timestamptz)",
        dependencies=[("carnivore", "api_roles")],
        replace=False,
    ),
    sql_item(
        HERE,
        "grid_rank",
        reverse=(
            "DROP FUNCTION grid_rank_reader_weight(bigint, bigint, bigint, bigint, bigint,"
            " bigint, bigint)"
        ),
        dependencies=[("carnivore", "api_roles"), ("grid", "grid_ranked")],
        replace=False,
    ),
    sql_item(
        HERE,
        "grid_item_sources",
        reverse="DROP VIEW grid_item_sources",
        dependencies=[
            ("carnivore", "api_roles"),
            ("grid", "grid_tag_normalise"),
            ("grid", "editorial_items_policies"),
            ("trending", "trending_topics_policies"),
            ("trending", "top_videos_policies"),
        ],
    ),
    # Filled and refreshed as its owner, whom bento_grid_items' forced row-level security lets
    # see the items only through the owner's policy of that policy set.
    sql_item(
        HERE,
        "homepage_grid",
        reverse="DROP MATERIALIZED VIEW homepage_grid",
        dependencies=[
            ("carnivore", "api_roles"),
            ("grid", "bento_grid_items_policies"),
            ("grid", "grid_ranked"),
        ],
        replace=False,
    ),
    sql_item(
        HERE,
        "grid_refresh_homepage",
        reverse="DROP FUNCTION grid_refresh_homepage(integer)",
        dependencies=[
            ("carnivore", "supabase_auth"),
            ("carnivore", "is_admin"),
            ("grid", "homepage_grid"),
        ],
    ),
    sql_item(
        HERE,
        "grid_rerank",
        reverse="DROP FUNCTION grid_rerank()",
        dependencies=[("carnivore", "api_roles"), ("grid", "grid_ranked")],
    ),
]
