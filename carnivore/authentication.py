"""Who is asking: the credentials a request brings, checked as the connecting role.

A request authenticates by the session cookie (Django's middleware), a DRF token
(`Authorization: Token <key>`) or, when SUPABASE_JWT_SECRET is set, a Supabase Auth JWT
(`Authorization: Bearer <jwt>`) naming a user by id: it must carry `exp`, and `aud`/`iss` as
configured (SUPABASE_JWT_AUDIENCE, SUPABASE_JWT_ISSUER); a reader the project has never seen is
created on first use, with the JWT's `sub` as id (`user_for_jwt`). Django's own tables (users,
groups, permissions, tokens) are granted to no API role, so all of this reads them as the
connecting role: before the request's identity switch (`authenticate_from_header`, called by
RequestIdentityMiddleware), or stepping out of it with `connecting_role()` (the login backend,
`update_last_login`). `RequestIdentityAuthentication` hands the result over to DRF.
"""

from __future__ import annotations

import functools
import uuid

import jwt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections
from django.http import JsonResponse
from psycopg import sql
from rest_framework.authentication import SessionAuthentication
from rest_framework.authtoken.models import Token

from carnivore.db_context import connecting_role


def authenticate_from_header(request) -> JsonResponse | None:
    """Authenticate from the Authorization header, if any; return a 401 when it is bad.

    Sets `request.auth_method` ("session", "token" or "bearer") and, for a good credential,
    `request.user`.
    """
    request.auth_method = "session"
    header = request.headers.get("Authorization", "")
    scheme, _, credential = header.partition(" ")
    scheme = scheme.lower()
    if scheme not in ("token", "bearer") or not credential:
        return None
    user = user_for_token(credential) if scheme == "token" else user_for_jwt(credential)
    if user is None or not user.is_active:
        return JsonResponse({"detail": "Invalid or expired credentials."}, status=401)
    request.user = user
    request.auth_method = scheme
    return None


@functools.cache
def _user_query(by: str) -> str:
    """The text of user_with_group_names's query for a lookup `by` "id" or "token", composed
    once per process: composing it per request cost more than the query's round trip."""
    model = get_user_model()
    conditions = {
        "id": sql.SQL("u.id = %s"),
        "token": sql.SQL("u.id = (SELECT user_id FROM {tokens} WHERE key = %s)").format(
            tokens=sql.Identifier(Token._meta.db_table)
        ),
    }
    columns = [field.column for field in model._meta.concrete_fields]
    return (
        sql.SQL(
            "SELECT {columns}, ARRAY(SELECT g.name FROM {user_groups} ug"
            " JOIN {groups} g ON g.id = ug.group_id WHERE ug.user_id = u.id)"
            " FROM {users} u WHERE {condition}"
        )
        .format(
            columns=sql.SQL(", ").join(sql.Identifier("u", column) for column in columns),
            user_groups=sql.Identifier(model.groups.through._meta.db_table),
            groups=sql.Identifier(Group._meta.db_table),
            users=sql.Identifier(model._meta.db_table),
            condition=conditions[by],
        )
        .as_string()
    )


def user_with_group_names(*, by: str, value):
    """Return the user whose id (`by="id"`) or DRF token key (`by="token"`) is `value`, or None,
    with the names of their groups in `user.group_names`: one round trip for what each request
    needs."""
    model = get_user_model()
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(_user_query(by), [value])
        row = cursor.fetchone()
    if row is None:
        return None
    user = model.from_db(
        DEFAULT_DB_ALIAS, [f.attname for f in model._meta.concrete_fields], row[:-1]
    )
    user.group_names = set(row[-1])
    return user


def user_for_token(key: str):
    """Return the user owning a DRF token, or None."""
    return user_with_group_names(by="token", value=key)


def user_for_jwt(encoded: str):
    """Return the user a Supabase Auth JWT names (`sub`), creating them on first use; None if
    the JWT does not verify.

    The JWT must be signed with SUPABASE_JWT_SECRET (HS256), carry `exp` (and not be past it)
    and a UUID `sub`, and name SUPABASE_JWT_AUDIENCE and SUPABASE_JWT_ISSUER when those are set.
    """
    if not settings.SUPABASE_JWT_SECRET:
        return None
    audience = settings.SUPABASE_JWT_AUDIENCE or None
    try:
        claims = jwt.decode(
            encoded,
            settings.SUPABASE_JWT_SECRET,
            algorithms=["HS256"],
            audience=audience,
            issuer=settings.SUPABASE_JWT_ISSUER or None,
            options={"require": ["exp", "sub"], "verify_aud": audience is not None},
        )
        user_id = uuid.UUID(claims["sub"])
    except (jwt.PyJWTError, TypeError, ValueError):
        return None
    user = user_with_group_names(by="id", value=user_id)
    if user is None:
        user = reader_create_from_jwt(user_id=user_id, email=claims.get("email"))
        user.group_names = set()
    return user


def reader_create_from_jwt(*, user_id: uuid.UUID, email: object):
    """Return the reader with id `user_id`, creating them (no password, not staff): the first
    request of someone Supabase Auth signed in.

    Their username is their email when it is free and fits, else their id. Two first requests
    at once: the primary key lets one insert win, and the other reads that row
    (`get_or_create` retries the read after its IntegrityError).
    """
    model = get_user_model()
    email = email if isinstance(email, str) and len(email) <= 254 else ""

    def get_or_create(username: str):
        defaults = {"username": username, "email": email, "password": make_password(None)}
        return model.objects.get_or_create(id=user_id, defaults=defaults)[0]

    if email and len(email) <= model._meta.get_field("username").max_length:
        try:
            return get_or_create(email)
        except IntegrityError:  # the username is someone else's: the id is nobody else's
            pass
    return get_or_create(str(user_id))


def api_token_issue(*, user) -> str:
    """Return the user's DRF token key, creating the token when they have none (one a user).

    Tokens are Django's table, which no API role may touch: written as the connecting role.
    """
    with connecting_role():
        token, _ = Token.objects.get_or_create(user=user)
    return token.key


class ConnectingRoleBackend(ModelBackend):
    """Django's ModelBackend, reading users, groups and permissions as the connecting role."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        with connecting_role():
            return super().authenticate(request, username=username, password=password, **kwargs)

    def get_user(self, user_id):
        with connecting_role():
            user = user_with_group_names(by="id", value=user_id)
        return user if self.user_can_authenticate(user) else None

    def _get_permissions(self, user_obj, obj, from_name):
        with connecting_role():
            return super()._get_permissions(user_obj, obj, from_name)


def update_last_login(sender, user, **kwargs) -> None:
    """Django's `update_last_login`, run as the connecting role (see CarnivoreConfig.ready)."""
    from django.contrib.auth.models import update_last_login as django_update_last_login

    with connecting_role():
        django_update_last_login(sender, user, **kwargs)


class RequestIdentityAuthentication(SessionAuthentication):
    """DRF authentication that hands over the user the middleware authenticated.

    Session users keep DRF's CSRF check; token and JWT users need none.
    """

    def authenticate(self, request):
        django_request = request._request
        if getattr(django_request, "auth_method", "session") in ("token", "bearer"):
            return (django_request.user, None)
        return super().authenticate(request)

    def authenticate_header(self, request) -> str:
        return 'Token realm="api"'
