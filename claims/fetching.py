"""Fetching a page from the web for a source, without letting an editor's URL reach the
tracker's own network, and reading the article in it.

A URL typed by an editor is fetched by the server: pointed at 127.0.0.1, 10.0.0.0/8 or the
cloud's metadata address (169.254.169.254), it would read what only the server can (SSRF).
Every address is vetted where the connection is made (httpcore's network backend): the
name is resolved once, every address it resolves to is checked, and the connection goes to
the address checked — a name that resolves differently a moment later (DNS rebinding) gains
nothing, and each redirect is vetted the same way. (httpx's client cannot take a network
backend yet — encode/httpx#3749 — httpcore, its transport, can.)
"""

import datetime
import ipaddress
import socket
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urljoin, urlsplit

import httpcore
import lxml.html
import trafilatura
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree

from claims.text import ISO_639_1, normalize_text

USER_AGENT = "claim-tracker/1.0 (a newsroom's verification desk; fetches a source once)"
MAX_REDIRECTS = 5
REDIRECTS = {301, 302, 303, 307, 308}


class FetchError(Exception):
    """The page could not be fetched; the message says why, for the editor."""


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    status: int
    content_type: str
    body: bytes
    fetched_at: datetime.datetime


def _allowed(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    mapped = getattr(address, "ipv4_mapped", None)
    address = mapped or address
    networks = [
        ipaddress.ip_network(n, strict=False) for n in settings.SOURCE_FETCH_ALLOWED_NETWORKS
    ]
    if any(address in network for network in networks):
        return True
    return address.is_global and not address.is_multicast


def vetted_address(host: str, port: int) -> str:
    """The address to connect to for ``host``: every address it resolves to must be public
    (or in ``SOURCE_FETCH_ALLOWED_NETWORKS``); raises FetchError naming the refusal."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchError(_("%(host)s could not be found.") % {"host": host}) from error
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in found]
    refused = [str(address) for address in addresses if not _allowed(address)]
    if refused:
        raise FetchError(
            _(
                "%(host)s is on a private network (%(addresses)s): the tracker fetches "
                "public pages only."
            )
            % {"host": host, "addresses": ", ".join(refused)}
        )
    return str(addresses[0])


class _VettedBackend(httpcore.SyncBackend):
    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        return super().connect_tcp(
            vetted_address(host, port),
            port,
            timeout=timeout,
            local_address=local_address,
            socket_options=socket_options,
        )


def fetch(url: str) -> Fetched:
    """GET ``url``: redirects followed (each vetted), a timeout, the body cut off past
    ``SOURCE_FETCH_MAX_BYTES``. Raises FetchError with the editor's message."""
    timeout = settings.SOURCE_FETCH_TIMEOUT
    limit = settings.SOURCE_FETCH_MAX_BYTES
    extensions = {"timeout": dict.fromkeys(("connect", "read", "write", "pool"), timeout)}
    headers = {"User-Agent": USER_AGENT, "Accept": "text/html,text/plain;q=0.9,*/*;q=0.5"}
    with httpcore.ConnectionPool(network_backend=_VettedBackend()) as pool:
        for _hop in range(MAX_REDIRECTS + 1):
            if urlsplit(url).scheme not in ("http", "https"):
                raise FetchError(_("Only http and https addresses can be fetched."))
            try:
                with pool.stream("GET", url, headers=headers, extensions=extensions) as response:
                    answered = {
                        name.decode("latin-1").lower(): value.decode("latin-1")
                        for name, value in response.headers
                    }
                    if response.status in REDIRECTS and "location" in answered:
                        url = urljoin(url, answered["location"])
                        continue
                    body = bytearray()
                    for chunk in response.iter_stream():
                        body += chunk
                        if len(body) > limit:
                            raise FetchError(
                                _("The page is larger than %(mb)d MB: it was not kept.")
                                % {"mb": limit // (1024 * 1024)}
                            )
            except httpcore.TimeoutException as error:
                raise FetchError(
                    _("The site did not answer within %(s)d seconds.") % {"s": timeout}
                ) from error
            except (httpcore.NetworkError, httpcore.ProtocolError) as error:
                raise FetchError(
                    _("The site could not be reached: %(error)s") % {"error": error}
                ) from error
            if response.status >= 400:
                raise FetchError(
                    _("The site answered %(status)d: the page could not be fetched.")
                    % {"status": response.status}
                )
            return Fetched(
                url=url,
                status=response.status,
                content_type=answered.get("content-type", ""),
                body=bytes(body),
                fetched_at=timezone.now(),
            )
    raise FetchError(_("The page redirects more than %(n)d times.") % {"n": MAX_REDIRECTS})


HTML_TYPES = {"text/html", "application/xhtml+xml"}


@dataclass(frozen=True)
class Page:
    """What was read from a fetched page: the article's text, one paragraph a line (blank
    lines between), and what the page says of itself — each possibly empty."""

    text: str
    title: str = ""
    author: str = ""
    published_on: datetime.date | None = None
    publisher: str = ""
    language: str = ""

    @property
    def metadata(self) -> dict:
        return {
            "title": self.title,
            "author": self.author,
            "published_on": self.published_on.isoformat() if self.published_on else "",
            "publisher": self.publisher,
            "language": self.language,
        }


def _media_type(content_type: str) -> tuple[str, str]:
    """(media type, charset) of a Content-Type header."""
    header = Message()
    header["content-type"] = content_type or "application/octet-stream"
    return header.get_content_type(), header.get_content_charset() or ""


def _language_of(body: bytes) -> str:
    try:
        document = lxml.html.document_fromstring(body)
    except (etree.ParserError, ValueError):
        return ""
    code = (document.get("lang") or "").split("-")[0].strip().lower()
    return code if code in ISO_639_1 else ""


def _paragraphs(text: str) -> str:
    return "\n\n".join(line.strip() for line in normalize_text(text).split("\n") if line.strip())


def read_page(fetched: Fetched) -> Page:
    """The article in a fetched page, without the site's navigation, sidebars, comments and
    footers (trafilatura), with its title, author, date, publisher and language when the page
    gives them. A text/plain page is taken whole. FetchError when nothing readable is there."""
    media_type, charset = _media_type(fetched.content_type)
    if media_type == "text/plain":
        try:
            text = fetched.body.decode(charset or "utf-8")
        except (LookupError, UnicodeDecodeError) as error:
            raise FetchError(
                _("The page's text is not in the encoding it declares (%(charset)s).")
                % {"charset": charset or "UTF-8"}
            ) from error
        return Page(text=_paragraphs(text))
    if media_type not in HTML_TYPES:
        raise FetchError(
            _("The address gives a %(type)s document, not a web page: paste its text instead.")
            % {"type": media_type}
        )
    found = trafilatura.bare_extraction(
        fetched.body,
        url=fetched.url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
    )
    text = _paragraphs(found.text or "") if found else ""
    if not text:
        raise FetchError(_("No article could be read from this page: paste its text instead."))
    try:
        published_on = datetime.date.fromisoformat(found.date) if found.date else None
    except ValueError:
        published_on = None
    return Page(
        text=text,
        title=" ".join((found.title or "").split()),
        author=" ".join((found.author or "").split()),
        published_on=published_on,
        publisher=" ".join((found.sitename or "").split()),
        language=_language_of(fetched.body),
    )
