"""Plain helpers that make test data; every argument can be overridden.

They write rows directly, as fixtures: marked as a service's writes, so that the guard of the
one write path (``service_writes_only``) watches the code under test, not its set-up."""

import itertools

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from claims.models import Appearance, Claim, Entity, Source, ValueType
from claims.services.base import service_context

_counter = itertools.count(1)

TEXT = (
    "Le Maroc co-préside aux côtés des Etats Unis, du Niger et de l'Italie, l'Africa Focus Group. "
    "Les Etats-Unis, le Niger et le Maroc se partagent la co-présidence du groupe."
)


def make_user(role: str = "editor", **kwargs):
    """A user in the group named ``role`` (editor, reviewer, admin), named after it."""
    username = kwargs.pop("username", f"{role}{next(_counter)}")
    user = get_user_model().objects.create_user(
        username=username,
        password=kwargs.pop("password", "pass"),
        # Only administrators use the Django admin.
        is_staff=kwargs.pop("is_staff", role == "admin"),
        is_superuser=kwargs.pop("is_superuser", role == "admin"),
        **kwargs,
    )
    user.groups.add(Group.objects.get(name=role))
    return user


def make_entity(**kwargs) -> Entity:
    kwargs.setdefault("name", f"Entity {next(_counter)}")
    kwargs.setdefault("kind", "country")
    with service_context():
        return Entity.objects.create(**kwargs)


def make_source(**kwargs) -> Source:
    kwargs.setdefault("title", f"Source {next(_counter)}")
    kwargs.setdefault("language", "fr")
    kwargs.setdefault("text", TEXT)
    with service_context():
        return Source.objects.create(**kwargs)


def make_claim(**kwargs) -> Claim:
    kwargs.setdefault("statement", f"Claim {next(_counter)}")
    if kwargs.get("value_type", ValueType.NONE) != ValueType.NONE:
        kwargs.setdefault("subject", make_entity())
        kwargs.setdefault("property", "co-chairs")
    with service_context():
        return Claim.objects.create(**kwargs)


def make_appearance(*, quote: str = "", **kwargs) -> Appearance:
    """An appearance; given a quote found in the source text, it is anchored at its offsets."""
    # Not setdefault: that would make a claim and a source even when given.
    if "claim" not in kwargs:
        kwargs["claim"] = make_claim()
    if "source" not in kwargs:
        kwargs["source"] = make_source()
    kwargs.setdefault("attribution", "paraphrase")
    if quote and "start" not in kwargs:
        start = kwargs["source"].text.index(quote)
        kwargs.update(start=start, end=start + len(quote))
    entities = kwargs.pop("value_entities", ())
    with service_context():
        appearance = Appearance.objects.create(quote=quote, **kwargs)
        if entities:
            appearance.value_entities.set(entities)
    return appearance
