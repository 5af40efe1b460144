"""Fetching a source's page (claims/fetching.py): against a local HTTP server (nothing here
reaches the internet), and the refusals that keep an editor's URL off the server's own
network — loopback, private, link-local (the cloud's metadata), a redirect to them, a name
resolving to them."""

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import translation

from claims.fetching import USER_AGENT, FetchError, fetch

ARTICLE = "<html><head><title>Un article</title></head><body><p>Le texte.</p></body></html>"


class Pages(BaseHTTPRequestHandler):
    seen: list = []

    def do_GET(self):  # noqa: N802 - the standard library's name
        Pages.seen.append(dict(self.headers))
        routes = {
            "/article": (200, ARTICLE.encode(), {}),
            "/big": (200, b"x" * 4096, {}),
            "/moved": (302, b"", {"Location": "/article"}),
            "/to-metadata": (302, b"", {"Location": "http://169.254.169.254/latest/"}),
            "/loop": (302, b"", {"Location": "/loop"}),
        }
        status, body, headers = routes.get(self.path, (404, b"not here", {}))
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def web():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def local_allowed(settings):
    """The local server's address allowed, as a desk would list its intranet."""
    settings.SOURCE_FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]


def test_a_page_is_fetched_with_its_type_and_the_trackers_user_agent(web, local_allowed):
    fetched = fetch(f"{web}/moved")
    assert (fetched.url, fetched.status) == (f"{web}/article", 200)
    assert fetched.body.decode() == ARTICLE
    assert fetched.content_type.startswith("text/html")
    assert Pages.seen[-1]["User-Agent"] == USER_AGENT


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/big", "larger than"),
        ("/missing", "answered 404"),
        ("/loop", "redirects more than 5 times"),
    ],
)
def test_what_cannot_be_kept_is_refused_with_a_reason(web, local_allowed, settings, path, message):
    settings.SOURCE_FETCH_MAX_BYTES = 1024
    with pytest.raises(FetchError, match=message):
        fetch(f"{web}{path}")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://192.168.1.1:8080/admin",
    ],
)
def test_private_loopback_and_link_local_addresses_are_refused(url):
    with pytest.raises(FetchError, match="private network"):
        fetch(url)


def test_the_local_server_itself_is_refused_before_it_is_asked(web):
    asked = len(Pages.seen)
    with pytest.raises(FetchError, match=r"127\.0\.0\.1 is on a private network"):
        fetch(f"{web}/article")
    assert len(Pages.seen) == asked  # refused before connecting


def test_a_redirect_to_the_metadata_address_is_refused(web, local_allowed):
    with pytest.raises(FetchError, match=r"169\.254\.169\.254 is on a private network"):
        fetch(f"{web}/to-metadata")


def test_a_name_that_resolves_to_a_private_address_is_refused(monkeypatch):
    def resolve(host, port, *args, **kwargs):
        assert host == "intranet.example.org"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", port))]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    with pytest.raises(FetchError, match=r"intranet\.example\.org is on a private network"):
        fetch("http://intranet.example.org/wiki")


def test_only_web_addresses_are_fetched():
    for url in ("file:///etc/passwd", "ftp://example.org/a", "gopher://127.0.0.1/"):
        with pytest.raises(FetchError, match="Only http and https"):
            fetch(url)


def test_a_site_that_does_not_answer_times_out(settings, local_allowed):
    settings.SOURCE_FETCH_TIMEOUT = 0.3
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()  # accepts the connection, never answers
    try:
        with pytest.raises(FetchError, match="did not answer"):
            fetch(f"http://127.0.0.1:{silent.getsockname()[1]}/")
    finally:
        silent.close()


def test_a_refusal_is_said_in_the_editors_language():
    with translation.override("fr"), pytest.raises(FetchError, match="est sur un réseau privé"):
        fetch("http://10.0.0.1/")
