"""A local web site for the tests that fetch pages (nothing in the suite reaches the internet):
each page a path, its body and type, changed by the test between two fetches."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PAGES = Path(__file__).resolve().parent / "pages"


def saved_page(name: str) -> bytes:
    """A saved page of ``tests/pages``."""
    return (PAGES / name).read_bytes()


def article(*paragraphs: str, title: str = "Un article", lang: str = "fr") -> bytes:
    """A news page around ``paragraphs``: the site's menu, a sidebar, a footer."""
    body = "\n".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    return f"""<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">
<title>{title} | Le Journal</title><meta property="og:site_name" content="Le Journal">
<meta property="og:title" content="{title}"></head>
<body><nav><a href="/">Accueil</a> <a href="/monde">Monde</a> <a href="/sport">Sport</a></nav>
<main><article><h1>{title}</h1>
{body}
</article><aside><h2>Les plus lus</h2><ul><li><a href="/x">Autre chose</a></li></ul></aside></main>
<footer>© Le Journal — Mentions légales</footer></body></html>""".encode()


class LocalSite:
    def __init__(self):
        self.pages: dict[str, tuple[bytes, str]] = {}
        self.requests: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the standard library's name
                site.requests.append(self.path)
                body, content_type = site.pages.get(self.path, (b"not here", "text/plain"))
                self.send_response(200 if self.path in site.pages else 404)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def serve(self, path: str, body: bytes, content_type="text/html; charset=utf-8") -> str:
        """Serve ``body`` at ``path`` from now on; its full URL."""
        self.pages[path] = (body, content_type)
        return self.url + path

    def close(self):
        self.server.shutdown()
        self.server.server_close()
