"""Supabase's Security Advisor finds nothing in the migrated database.

The Advisor runs the splinter lints. These are the security ones that concern what our
migrations create, written here from their published rules:

- rls_disabled_in_public (ERROR): a table in `public` without row-level security;
- anon_/authenticated_security_definer_function_executable (WARN): a SECURITY DEFINER function
  that anon or authenticated may execute (through PostgREST's /rpc);
- function_search_path_mutable (WARN): a function whose search_path is not set.

Schemas that belong to Supabase's own services are outside the lints, as in splinter; functions
that belong to an extension too.
"""

import pytest
from django.db import connection

# Schemas of Supabase's services and of PostgreSQL, which the lints leave out.
PLATFORM_SCHEMAS = [
    "auth",
    "cron",
    "extensions",
    "graphql",
    "graphql_public",
    "information_schema",
    "net",
    "pgbouncer",
    "pgmq",
    "pgsodium",
    "pgsodium_masks",
    "pg_catalog",
    "realtime",
    "storage",
    "supabase_functions",
    "supabase_migrations",
    "vault",
]

RLS_DISABLED_IN_PUBLIC = """
SELECT format('%%I.%%I', n.nspname, c.relname)
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind = 'r' AND NOT c.relrowsecurity
ORDER BY 1
"""

SECURITY_DEFINER_FUNCTION_EXECUTABLE = """
SELECT r.rolname, p.oid::regprocedure::text
FROM pg_catalog.pg_proc p
JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
CROSS JOIN pg_catalog.pg_roles r
WHERE r.rolname IN ('anon', 'authenticated') AND p.prosecdef
  AND pg_catalog.has_function_privilege(r.oid, p.oid, 'EXECUTE')
  AND n.nspname <> ALL(%(platform)s) AND n.nspname NOT LIKE 'pg\\_toast%%'
ORDER BY 1, 2
"""

FUNCTION_SEARCH_PATH_MUTABLE = """
SELECT p.oid::regprocedure::text
FROM pg_catalog.pg_proc p
JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname <> ALL(%(platform)s) AND n.nspname NOT LIKE 'pg\\_toast%%'
  AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend d
                  WHERE d.classid = 'pg_catalog.pg_proc'::regclass AND d.objid = p.oid
                    AND d.deptype = 'e')
  AND NOT EXISTS (SELECT FROM unnest(coalesce(p.proconfig, '{}')) AS setting
                  WHERE setting LIKE 'search\\_path=%%')
ORDER BY 1
"""


def findings(query: str) -> list:
    with connection.cursor() as cursor:
        cursor.execute(query, {"platform": PLATFORM_SCHEMAS})
        return cursor.fetchall()


@pytest.mark.django_db
def test_every_table_in_public_has_row_level_security():
    """rls_disabled_in_public: no table in `public`, Django's and third-party ones included,
    lacks row-level security."""
    assert findings(RLS_DISABLED_IN_PUBLIC) == []


@pytest.mark.django_db
def test_no_security_definer_function_is_executable_by_anon_or_authenticated():
    """anon_/authenticated_security_definer_function_executable: neither role may execute a
    function that runs with its owner's rights (trigger functions included)."""
    assert findings(SECURITY_DEFINER_FUNCTION_EXECUTABLE) == []


@pytest.mark.django_db
def test_every_function_has_a_pinned_search_path():
    """function_search_path_mutable: every function of ours and of django-pgtrigger sets its
    search_path, but the one left without settings on purpose so that the refresh's ranking of
    every item inlines it (grid/sql/grid_rank.sql; it names only pg_catalog's objects): the
    Security Advisor shows that one warning."""
    assert findings(FUNCTION_SEARCH_PATH_MUTABLE) == [
        ("grid_ranked(numeric,bigint,date,timestamp with time zone)",)
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("damage", "query", "finding"),
    [
        (
            "ALTER TABLE django_session DISABLE ROW LEVEL SECURITY",
            RLS_DISABLED_IN_PUBLIC,
            ("public.django_session",),
        ),
        (
            "GRANT EXECUTE ON FUNCTION engagement_rollup_drain() TO anon",
            SECURITY_DEFINER_FUNCTION_EXECUTABLE,
            ("anon", "engagement_rollup_drain()"),
        ),
        (
            "ALTER FUNCTION engagement_rollup_drain() RESET search_path",
            FUNCTION_SEARCH_PATH_MUTABLE,
            ("engagement_rollup_drain()",),
        ),
    ],
    ids=["rls disabled", "definer executable", "search path reset"],
)
def test_each_lint_finds_what_it_looks_for(damage, query, finding):
    """Each lint query reports exactly the damage done (so an empty result means something)."""
    before = findings(query)  # the one intentional finding of the search-path lint, if any
    with connection.cursor() as cursor:
        cursor.execute(damage)
    assert sorted(set(findings(query)) - set(before)) == [finding]
