"""Property-based fuzzing (Hypothesis): generated text, numbers, dates and offsets posted into
every form of the pages and of the admin, as every role. Whatever is sent, the answer is never
a server error, and a refused submission writes nothing (every table of the app counted
before and after, history included)."""

import os

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims.models import Appearance, Claim, Conflict, Entity, Source
from tests.responses import body

pytestmark = pytest.mark.usefixtures("service_writes_only")

# More with FUZZ_EXAMPLES=200 (CI runs 15 per form and role: about 40 s on each database).
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "15"))

# Text as users send it: any character (NUL, controls, combining marks, emoji, CRLF), short
# or long; the vocabulary a form expects; numbers, dates and offsets, sane and not.
anything = st.text(max_size=400)
long_text = st.text(min_size=250, max_size=700)
words = st.sampled_from(["", "Maroc", "États-Unis", "etats-unis", "Niger, Italie", "ß" * 200])
numbers = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.sampled_from(["1e309", "1e-7", "3.1415926", "1 234,5", "-0", "0x10"]),
)
dates = st.one_of(
    st.sampled_from(["2021", "2022-05", "2021-02-30", "21-05", "5-5-5", "mai 2022", "0000"]),
    st.dates().map(str),
    anything,
)
offsets = st.one_of(st.integers(min_value=-5, max_value=10**12).map(str), anything)
choices = {
    "kind": st.sampled_from(["article", "report", "country", "person", "bogus", ""]),
    "language": st.sampled_from(["fr", "en", "zz", "", "FR", "français"]),
    "value_type": st.sampled_from(["none", "entities", "number", "date", "text", "boolean", "x"]),
    "attribution": st.sampled_from(["direct_quote", "paraphrase", "reported", "", "nope"]),
    "stance": st.sampled_from(["supports", "refutes", "context", "", "?"]),
    "step": st.sampled_from(["start_review", "mark_reviewed", "archive", "reopen", "assign", "?"]),
    "decision": st.sampled_from(["prevails_a", "prevails_b", "both_hold", "dismiss", "reopen"]),
}
text_or_choice = st.one_of(anything, words)


def text_field(name):
    return choices.get(name, text_or_choice)


def co_chairs():
    return Claim.objects.get(subject__name="Africa Focus Group", property="co-chairs")


def some_source():
    return co_chairs().appearances.order_by("pk").first().source


def fields(**strategies):
    """A form's data: each field present or not, with its strategy."""
    return st.fixed_dictionaries({}, optional=strategies)


PAGE_FORMS = {
    "add a source": (
        lambda: reverse("claims:source-create"),
        fields(
            title=text_or_choice,
            url=anything,
            kind=text_field("kind"),
            language=text_field("language"),
            text=st.one_of(anything, long_text),
            published=dates,
            publisher=words,
        ),
    ),
    "record a claim": (
        lambda: reverse("claims:source-detail", args=[some_source().pk]),
        fields(
            quote=st.one_of(anything, st.just("Le Maroc")),
            start=offsets,
            end=offsets,
            claim=st.one_of(offsets, st.just(str(1))),
            statement=anything,
            subject=words,
            property=text_or_choice,
            value_type=text_field("value_type"),
            speaker=words,
            attribution=text_field("attribution"),
            said_on=dates,
            value=st.one_of(numbers, dates, words, anything),
        ),
    ),
    "add an entity": (
        lambda: reverse("claims:entity-create"),
        fields(
            name=text_or_choice,
            kind=text_field("kind"),
            description=anything,
            wikidata_id=st.one_of(anything, st.just("Q1028")),
            aliases=st.one_of(anything, long_text, words),
            different=st.sampled_from(["on", ""]),
        ),
    ),
    "edit a claim": (
        lambda: reverse("claims:claim-edit", args=[co_chairs().pk]),
        fields(
            statement=anything,
            subject=words,
            property=text_or_choice,
            value_type=text_field("value_type"),
            tolerance=numbers,
            compare_text=st.sampled_from(["on", ""]),
            based_on=offsets,
        ),
    ),
    "take a review step": (
        lambda: reverse("claims:claim-review", args=[co_chairs().pk]),
        fields(
            step=text_field("step"),
            verdict=offsets,
            note=anything,
            assignee=offsets,
            based_on=offsets,
            next=anything,
        ),
    ),
    "decide a conflict": (
        lambda: reverse("claims:conflict-decide", args=[Conflict.objects.first().pk]),
        fields(decision=text_field("decision"), note=anything, claim=offsets),
    ),
}

ADMIN_FORMS = {
    "source": fields(
        title=text_or_choice,
        url=anything,
        kind=text_field("kind"),
        language=text_field("language"),
        published_on=dates,
        published_precision=st.sampled_from(["year", "month", "day", "", "week"]),
        text=st.one_of(anything, long_text),
    ),
    "entity": fields(
        name=text_or_choice,
        kind=text_field("kind"),
        wikidata_id=anything,
        **{"aliases-0-name": st.one_of(anything, words), "aliases-1-name": words},
    ),
    "claim": fields(
        statement=anything,
        property=text_or_choice,
        value_type=text_field("value_type"),
        tolerance=numbers,
    ),
    "appearance": fields(
        claim=offsets,
        source=offsets,
        attribution=text_field("attribution"),
        quote=anything,
        start=offsets,
        end=offsets,
        said_on=dates,
        said_on_precision=st.sampled_from(["year", "month", "day", ""]),
        value_number=numbers,
        value_date=dates,
        value_text=anything,
    ),
    "evidence": fields(claim=offsets, source=offsets, stance=text_field("stance"), note=anything),
    "conflict": fields(appearance_a=offsets, appearance_b=offsets, kind=anything, detail=anything),
    "verdict": fields(
        label=anything, slug=anything, rating_value=numbers, best_rating=numbers, position=offsets
    ),
}
INLINES = {
    "source": ["appearances"],
    "entity": ["aliases"],
    "claim": ["appearances", "conflicts", "evidence", "review_events"],
}


def row_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in apps.get_app_config("claims").get_models()
    }


def assert_answered_cleanly(post):
    before = row_counts()
    response = post()
    assert response.status_code < 500
    if response.status_code != 302:
        # Refused (a form with errors, 403, 404): nothing at all was written.
        assert row_counts() == before


def login(client, role):
    client.force_login(get_user_model().objects.get(username=role))


FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.parametrize("role", ["editor", "reviewer", "admin"])
@pytest.mark.parametrize("form", sorted(PAGE_FORMS))
def test_the_pages_answer_any_input_cleanly(client, demo, role, form):
    login(client, role)
    url, strategy = PAGE_FORMS[form]

    @FUZZ
    @given(data=strategy)
    def post(data):
        assert_answered_cleanly(lambda: client.post(url(), data))

    post()


@pytest.mark.parametrize("model", sorted(ADMIN_FORMS))
def test_the_admin_add_forms_answer_any_input_cleanly(client, demo, model):
    login(client, "admin")
    url = reverse(f"admin:claims_{model}_add")
    management = {
        f"{prefix}-{key}": value
        for prefix in INLINES.get(model, [])
        for key, value in (("TOTAL_FORMS", 2 if prefix == "aliases" else 0), ("INITIAL_FORMS", 0))
    }

    @FUZZ
    @given(data=ADMIN_FORMS[model])
    def post(data):
        assert_answered_cleanly(lambda: client.post(url, {**management, **data}))

    post()


@pytest.mark.parametrize("role", ["editor", "admin"])
def test_the_claims_list_and_searches_answer_any_query_cleanly(client, demo, role):
    login(client, role)
    pages = [
        reverse("claims:claim-list"),
        reverse("claims:claim-export"),
        reverse("claims:claim-export-json"),
        reverse("claims:review-feed"),
        reverse("claims:entity-search"),
        reverse("claims:claim-similar"),
        reverse("admin:claims_claim_changelist"),
    ]

    @FUZZ
    @given(
        query=fields(
            q=anything,
            status=anything,
            speaker=offsets,
            said_after=dates,
            said_before=dates,
            ordering=anything,
            page=offsets,
            status__exact=anything,
        )
    )
    def get(query):
        for page in pages:
            response = client.get(page, query)
            assert response.status_code < 500
            body(response)  # a streamed export fails, if it does, while it is read

    get()


def test_the_fuzzed_fixture_is_what_the_forms_expect(demo):
    # The URLs above resolve against the demo: a conflict, its claim, a source.
    assert Conflict.objects.exists() and some_source() and Entity.objects.exists()
    assert Appearance.objects.exists() and Source.objects.exists()
