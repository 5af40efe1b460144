"""Schemathesis against the OpenAPI schema: requests made from the schema — valid and not —
to every operation, as a script with a token sends them; none may get a server error."""

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error

from claims.api.throttling import PerToken
from tests.factories import make_user

# Requests to each operation: enough to send each kind of bad input a few times.
EXAMPLES = 15


@pytest.fixture
def token(demo, monkeypatch):
    """A reviewer's token (who may do most), unthrottled for the run."""
    monkeypatch.setattr(PerToken, "THROTTLE_RATES", {"api": "1000000/minute"})
    cache.clear()
    return Token.objects.create(user=make_user("reviewer")).key


@pytest.fixture
def wsgi_in_the_test_transaction():
    """The WSGI application called in the test's transaction: as Django's test client does, it
    does not close the database connection at the end of each request."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_no_request_gets_a_server_error(token, settings, wsgi_in_the_test_transaction):
    # Schemathesis calls the WSGI application as "localhost".
    settings.ALLOWED_HOSTS = ["localhost"]
    schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 30
    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def answers(case):
            case.call_and_validate(
                headers={"Authorization": f"Token {token}"}, checks=[not_a_server_error]
            )

        answers()
