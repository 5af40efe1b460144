"""The services' refusals as HTTP answers: a validation error is 400 with each field's
messages, a stale write 409 with what changed since and the version to base a retry on; a
permission refused is 403 (REST framework's own handling)."""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as rest_framework_handler

from claims.services import StaleVersion


def exception_handler(exc, context):
    if isinstance(exc, StaleVersion):
        return Response(
            {
                "detail": exc.messages[0],
                "changes": exc.changes,
                "current_version": exc.current_version,
            },
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, DjangoValidationError):
        return Response(validation_errors(exc), status=status.HTTP_400_BAD_REQUEST)
    return rest_framework_handler(exc, context)


def validation_errors(error: DjangoValidationError) -> dict[str, list[str]]:
    """A service's ValidationError as REST framework words errors: field → messages, and
    ``non_field_errors`` for the row as a whole."""
    if not hasattr(error, "error_dict"):
        return {api_settings.NON_FIELD_ERRORS_KEY: error.messages}
    return {
        api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field: messages
        for field, messages in error.message_dict.items()
    }
