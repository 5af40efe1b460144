"""How many requests a client may make (``API_THROTTLE_RATE``), counted per API token — a
script's — per user for the browser's session, and per address for anyone else."""

import hashlib

from rest_framework.authtoken.models import Token
from rest_framework.throttling import SimpleRateThrottle


class PerToken(SimpleRateThrottle):
    scope = "api"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, Token):
            # The token is a secret: its hash names it in the cache.
            ident = "token-" + hashlib.sha256(request.auth.key.encode()).hexdigest()
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
