"""The editors' pages in a real browser: Playwright driving Debian's Chromium.

Without /usr/bin/chromium these tests are skipped with a reason on a user's machine; CI
(CI=true) installs Chromium and never skips them. With SCREENSHOTS=1 they also refresh the
screenshots of the main pages in docs/screenshots/.
"""

import os
import re
import threading
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connection
from django.test.testcases import LiveServerThread

from claims.models import Claim, Conflict, ReviewEvent, Source, Verdict

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"

if not CHROMIUM.exists():
    if os.environ.get("CI"):
        pytest.fail("CI must run the browser tests: /usr/bin/chromium is missing.")
    pytest.skip(
        "Chromium is not installed (apt-get install chromium); CI runs these tests.",
        allow_module_level=True,
    )

from playwright.sync_api import expect, sync_playwright  # noqa: E402


class OneRequestAtATime(ThreadedWSGIServer):
    """The live server on SQLite: the in-memory test database is one connection, which every
    request shares with the test's thread. Requests are read by threads, as Django's server
    reads them, but answered one at a time, under a lock: two answered at once (a look-up
    still answering while a form is posted) failed with "database table is locked"; one
    thread for everything waited on a connection Chromium had opened ahead and left idle,
    while the form's request queued behind it until the test gave up."""

    answering = threading.Lock()

    def set_app(self, application):
        def one_at_a_time(environ, start_response):
            with self.answering:
                response = application(environ, start_response)
                try:
                    return list(response)  # the whole body, under the lock
                finally:
                    response.close()

        super().set_app(one_at_a_time)


if connection.vendor == "sqlite":
    LiveServerThread.server_class = OneRequestAtATime

# What a page shows after the server answered (a recorded claim, a decision) can take more
# than the default 5 s on a busy machine: assertions wait up to 30 s for it.
expect.set_options(timeout=30_000)

SOURCE_TEXT = (
    "Le groupe de travail réunit le Maroc, les États-Unis et le Niger, selon le ministère. "
    "Un autre communiqué cite le Maroc, les États-Unis, le Niger et l'Italie parmi ses membres."
)
FIRST = "le Maroc, les États-Unis et le Niger"
SECOND = "le Maroc, les États-Unis, le Niger et l'Italie"


@pytest.fixture(scope="module")
def chromium():
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
    # not concurrent with it. Set for these tests only: never in a deployment.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def browser(chromium, transactional_db):
    """A browser context of the test's own. Its pages are closed once their requests are
    answered, before the database is emptied (``transactional_db`` is torn down after this):
    a page left open could still call the live server — a look-up, a proposal — while the
    next test set its data up."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    yield context
    for page in context.pages:
        page.wait_for_load_state("networkidle")
    context.close()


@pytest.fixture
def desk(live_server, reference_data):
    from claims.services import load_demo

    load_demo()
    if connection.vendor != "sqlite":
        yield live_server.url
        return
    # The test's own queries go through the one connection too, while the page it just
    # opened may still be asking the server something (a look-up, a proposal): each waits
    # for the request being answered, as another request would.
    test_thread = threading.get_ident()

    def queued(execute, sql, params, many, context):
        if threading.get_ident() != test_thread:
            return execute(sql, params, many, context)  # the server's, under its lock
        with OneRequestAtATime.answering:
            return execute(sql, params, many, context)

    with connection.execute_wrapper(queued):
        yield live_server.url


def log_in(browser, base, username):
    """Log ``username`` in, in the language the browser's cookie chose (English else)."""
    page = browser.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.dialogs = dialogs
    page.goto(f"{base}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(f"demo-{username}-pass")
    page.locator(".login form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text(re.compile("^(Dashboard|Tableau de bord)$"))
    ready(page)
    return page


def ready(page):
    """Wait for the page's scripts (deferred) to have run: app.js marks the body ready. Before
    that, the language switch does not submit itself and no look-up answers."""
    page.locator("body[data-ready=true]").wait_for(state="attached")


def answered(page):
    """Leave the field being typed in (its change asks for proposals again) and wait for the
    answer to the last question: a form submitted while a look-up is still being answered
    would race it on the server (on SQLite's shared in-memory test database, one of the two
    can find the tables locked)."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.locator("#proposals[data-pending=false]").wait_for(state="attached")


def open_source(page, base, source):
    """``source``'s page, its record form ready to take a passage."""
    page.goto(f"{base}/sources/{source.pk}/")
    ready(page)
    page.locator("#record-form[data-ready=true]").wait_for(state="attached")


def select_passage(page, passage, *, release=True):
    """Select ``passage`` in the source text as a reader would; with ``release``, release the
    mouse once the record form says it is ready (record.js is deferred)."""
    if release:
        page.locator("#record-form[data-ready=true]").wait_for(state="attached")
    page.evaluate(
        """([passage, release]) => {
            const container = document.getElementById("source-text");
            const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
            let node;
            while ((node = walker.nextNode())) {
                const at = node.textContent.indexOf(passage);
                if (at >= 0) {
                    const range = document.createRange();
                    range.setStart(node, at);
                    range.setEnd(node, at + passage.length);
                    const selection = window.getSelection();
                    selection.removeAllRanges();
                    selection.addRange(range);
                    if (release) {
                        container.dispatchEvent(new MouseEvent("mouseup", {bubbles: true}));
                    }
                    return;
                }
            }
            throw new Error("passage not found: " + passage);
        }""",
        [passage, release],
    )


def shoot(page, name):
    if os.environ.get("SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_from_a_pasted_source_to_a_reviewed_claim(browser, desk):
    editor = log_in(browser, desk, "editor")
    shoot(editor, "dashboard")

    # The editor pastes a new source.
    editor.get_by_role("link", name="Add a source").first.click()
    editor.get_by_label("Title").fill("Communiqué du groupe de travail")
    editor.get_by_label("Language").last.fill("fr")
    editor.get_by_label("Text (paste it here)").fill(SOURCE_TEXT)
    editor.get_by_role("button", name="Add the source").click()
    expect(editor.get_by_role("heading", name="Communiqué du groupe de travail")).to_be_visible()

    # Selects a passage: the quote and its offsets fill in.
    select_passage(editor, FIRST)
    expect(editor.locator("#id_quote")).to_have_value(FIRST)
    start = SOURCE_TEXT.index(FIRST)
    expect(editor.locator("input[name=start]")).to_have_value(str(start))
    expect(editor.locator("input[name=end]")).to_have_value(str(start + len(FIRST)))

    # Records a new claim, the speaker found by an alias typed without accents.
    editor.get_by_label("New claim: statement").fill("The working group's members.")
    editor.get_by_label("New claim: subject").fill("Cluster Afrique")
    editor.get_by_label("New claim: property").fill("members")
    editor.get_by_label("New claim: value type").select_option("entities")
    editor.get_by_label("Speaker").fill("departement d'etat")
    editor.get_by_role("option", name="US Department of State").click()
    expect(editor.get_by_label("Speaker")).to_have_value("US Department of State")
    editor.get_by_label("Attribution").select_option("reported")
    editor.get_by_label("Value as this source states it").fill("Maroc, Etats-Unis, Niger")
    answered(editor)
    editor.get_by_role("button", name="Record", exact=True).click()
    expect(editor.get_by_role("heading", name="The working group's members.")).to_be_visible()
    claim = Claim.objects.get(statement="The working group's members.")
    assert claim.appearances.get().speaker.name == "US Department of State"

    # Records a second version with another set, picking the claim among the proposals.
    editor.get_by_role("link", name="Communiqué du groupe de travail").first.click()
    select_passage(editor, SECOND)
    editor.get_by_role("button", name=f"#{claim.pk} The working group's members.").click()
    expect(editor.get_by_label("Existing claim")).to_have_value(str(claim.pk))
    # The form says which claim, and no longer shows the new claim's fields.
    expect(editor.locator("#chosen-claim")).to_contain_text("The working group's members.")
    expect(editor.locator("#chosen-claim")).to_contain_text("set of entities")
    expect(editor.get_by_label("New claim: statement")).to_be_hidden()
    editor.get_by_label("Attribution").select_option("paraphrase")
    editor.get_by_label("Value as this source states it").fill("Maroc, Etats-Unis, Niger, Italie")
    answered(editor)
    shoot(editor, "source")
    editor.get_by_role("button", name="Record", exact=True).click()

    # The conflict is there, the member that differs highlighted.
    expect(editor.locator("li.differs")).to_have_text("Italy (differs)")
    expect(editor.locator(".detail").first).to_contain_text("Italy: listed by")
    assert Conflict.objects.involving(claim).open().count() == 1
    # An editor is offered no review step and no decision.
    expect(editor.locator("[id^=step-]")).to_have_count(0)
    expect(editor.get_by_role("button", name="Decide")).to_have_count(0)
    editor.close()

    # A reviewer resolves the conflict, then marks the claim reviewed with a verdict.
    reviewer = log_in(browser, desk, "reviewer")
    reviewer.goto(f"{desk}/claims/{claim.pk}/")
    ready(reviewer)
    # One question, each value named with its sources; nothing chosen for them.
    decision = reviewer.locator("#decision-form")
    expect(decision.get_by_role("radio", checked=True)).to_have_count(0)
    decision.get_by_role("radio", name="Italy").check()
    decision.get_by_label("Why").fill("Italy joined after the first release.")
    decision.get_by_role("button", name="Decide").click()
    expect(reviewer.get_by_text("Decided: the conflicts are resolved.")).to_be_visible()
    reviewer.get_by_role("button", name="Start the review").click()
    expect(reviewer.get_by_text("Done: Start the review.")).to_be_visible()
    step = reviewer.locator("#step-mark_reviewed")
    step.locator("summary").click()
    step.get_by_label("Verdict").select_option(label="Mostly accurate")
    step.get_by_label("Note").fill("Four members since 2022.")
    step.get_by_role("button", name="Mark reviewed, with a verdict").click()
    expect(reviewer.get_by_text("Done: Mark reviewed, with a verdict.")).to_be_visible()
    shoot(reviewer, "claim")
    # Side by side, a card's last row (its rank, with the decision's reason) sits above its
    # correction link, not under it.
    card = reviewer.locator(".version-cards > li").first
    rank = card.locator("dl > div").last.bounding_box()
    link = card.get_by_role("link", name="Correct or remove this version").bounding_box()
    assert rank["y"] + rank["height"] <= link["y"]

    # The timeline shows every step, newest first (the earliest folded away).
    reviewer.locator("#history ~ details summary").click()
    timeline = reviewer.locator("#history ~ ol.timeline li, #history ~ details ol.timeline li")
    texts = [text.split("— ", 1)[1] for text in timeline.all_inner_texts()]
    whats = [text.split(":")[0].strip() for text in reversed(texts)]
    expected = [
        "claim created",
        "version added",
        "version added",
        "conflict detected",
        "version changed",
        "conflict resolved",
        "status changed",
        "status changed",
        "verdict changed",
    ]
    remaining = iter(whats)
    assert all(step in remaining for step in expected), whats
    claim.refresh_from_db()
    assert (claim.status, claim.verdict.slug) == ("reviewed", "mostly-accurate")
    reviewer_user = get_user_model().objects.get(username="reviewer")
    assert ReviewEvent.objects.filter(claim=claim, actor=reviewer_user).count() == 4
    assert reviewer.dialogs == []


def test_hostile_source_text_is_shown_as_text_and_runs_nothing(browser, desk):
    editor = log_in(browser, desk, "editor")
    hostile = "Avant <script>alert(1)</script> milieu <img src=x onerror=alert(1)> après."
    editor.goto(f"{desk}/sources/new/")
    editor.get_by_label("Title").fill("Hostile")
    editor.get_by_label("Language").last.fill("fr")
    editor.get_by_label("Text (paste it here)").fill(hostile)
    editor.get_by_role("button", name="Add the source").click()
    expect(editor.locator("#source-text")).to_have_text(hostile)
    expect(editor.locator("#source-text img")).to_have_count(0)
    expect(editor.locator("#source-text script")).to_have_count(0)
    # A script slipped into the page would have run before the page's own deferred ones.
    ready(editor)
    assert editor.dialogs == []


def test_main_pages_in_french(browser, desk):
    reviewer = log_in(browser, desk, "reviewer")
    reviewer.locator("#language").select_option("fr")
    expect(reviewer.get_by_role("heading", name="Tableau de bord")).to_be_visible()
    reviewer.get_by_role("link", name="Affirmations", exact=True).click()
    expect(reviewer.get_by_role("button", name="Filtrer")).to_be_visible()
    shoot(reviewer, "claims-fr")
    claim = Claim.objects.get(subject__name="Africa Focus Group", property="co-chairs")
    reviewer.goto(f"{desk}/claims/{claim.pk}/")
    reviewer.get_by_text("En quoi les versions diffèrent").click()
    expect(reviewer.get_by_text("une version n'est pas datée").first).to_be_visible()


def test_screenshots_of_the_list_and_the_queues(browser, desk):
    editor = log_in(browser, desk, "editor")
    editor.goto(f"{desk}/claims/?has_open_conflict=false&ordering=statement")
    expect(editor.get_by_role("heading", name="15 claims")).to_be_visible()
    shoot(editor, "claims")
    editor.goto(f"{desk}/queues/conflicts/")
    expect(editor.locator("table")).to_contain_text("{Italy, Morocco, Niger, United States}")
    shoot(editor, "conflict-queue")
    entity = editor.goto(f"{desk}/entities/search/?q=chekkori").json()["results"][0]
    editor.goto(f"{desk}/entities/{entity['id']}/")
    expect(editor.get_by_role("heading", name="3 claims made")).to_be_visible()
    shoot(editor, "entity")


PARAGRAPHS = [
    "Le groupe de travail s'est réuni à Rabat le 26 juin 2018.",
    "Le Maroc, les États-Unis et le Niger en assurent la co-présidence.",
    "Selon le communiqué, l'Italie a rejoint la co-présidence en 2022.",
]
THIRD = "l'Italie a rejoint la co-présidence en 2022"


def test_a_pasted_three_paragraph_source_is_quoted_from_its_third_paragraph(browser, desk):
    editor = log_in(browser, desk, "editor")
    editor.goto(f"{desk}/sources/new/")
    editor.get_by_label("Title").fill("Communiqué en trois paragraphes")
    editor.get_by_label("Language").last.fill("fr")
    # The browser submits the textarea's line breaks as CRLF.
    editor.get_by_label("Text (paste it here)").fill("\n\n".join(PARAGRAPHS))
    editor.get_by_role("button", name="Add the source").click()
    expect(editor.get_by_role("heading", name="Communiqué en trois paragraphes")).to_be_visible()

    select_passage(editor, THIRD)
    expect(editor.locator("#id_quote")).to_have_value(THIRD)
    editor.get_by_label("New claim: statement").fill("Italy joined the co-chairs in 2022.")
    editor.get_by_label("Attribution").select_option("paraphrase")
    answered(editor)
    editor.get_by_role("button", name="Record", exact=True).click()
    expect(
        editor.get_by_role("heading", name="Italy joined the co-chairs in 2022.")
    ).to_be_visible()
    version = Claim.objects.get(statement="Italy joined the co-chairs in 2022.").appearances.get()
    assert version.source.text == "\n\n".join(PARAGRAPHS)
    assert version.source.text[version.start : version.end] == THIRD
    assert editor.dialogs == []


def test_a_passage_selected_while_the_page_loads_is_taken(browser, desk):
    editor = log_in(browser, desk, "editor")
    source = Claim.objects.filter(property="co-chairs").first().appearances.first().source
    held = []
    # Hold the deferred script back, as a slow network would.
    editor.route("**/claims/record.js", lambda route: held.append(route))
    with editor.expect_request("**/claims/record.js"):
        editor.goto(f"{desk}/sources/{source.pk}/", wait_until="commit")
    editor.locator("#source-text").wait_for()
    passage = "se partagent la co-présidence"
    select_passage(editor, passage, release=False)
    # The script has not run: the form is not ready, and nothing is filled in yet.
    assert editor.locator("#record-form[data-ready]").count() == 0
    held[0].continue_()
    editor.locator("#record-form[data-ready=true]").wait_for(state="attached")
    expect(editor.locator("#id_quote")).to_have_value(passage)
    start = source.text.index(passage)
    expect(editor.locator("input[name=start]")).to_have_value(str(start))


def test_proposals_and_the_header_search(browser, desk):
    editor = log_in(browser, desk, "editor")
    # The header's search box, from any page: accents and case aside.
    editor.get_by_label("Search claims, sources and entities").fill("ETATS UNIS")
    editor.get_by_label("Search claims, sources and entities").press("Enter")
    expect(editor.locator("#found-claims")).to_have_text("1 claim")
    expect(editor.locator("#found-entities")).to_have_text("1 entity")

    # Selecting a passage proposes the claim it may be, with why.
    source = Source.objects.get(title__startswith="Le Maroc et la Coalition")
    editor.goto(f"{desk}/sources/{source.pk}/")
    select_passage(editor, "Lancé en 2021")
    answered(editor)
    first = editor.locator("#proposals li").first
    expect(first).to_contain_text("The Africa Focus Group was launched in 2021.")
    expect(first.locator(".reasons")).to_contain_text("similar wording")
    # What the form says of the fact ranks the claim of the same fact first, and says so.
    editor.get_by_label("New claim: subject").fill("groupe de réflexion Afrique")
    editor.get_by_label("New claim: property").fill("launch year")
    editor.get_by_label("New claim: value type").select_option("date")
    editor.get_by_role("radio", name="a year").check()
    editor.get_by_role("spinbutton", name="Value as this source states it").fill("2020")
    editor.get_by_role("spinbutton", name="Value as this source states it").blur()
    # Each change asked again; wait for the answer to the last question.
    answered(editor)
    expect(first.locator(".reasons")).to_contain_text(
        "same subject and property; the value differs"
    )
    editor.close()


def test_the_api_docs_render_from_local_files_under_the_content_security_policy(browser, desk):
    page = browser.new_page()
    refused, elsewhere = [], []
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and refused.append(message.text),
    )
    page.on(
        "request",
        lambda request: (
            request.url.startswith("http")
            and not request.url.startswith(desk)
            and elsewhere.append(request.url)
        ),
    )
    page.goto(f"{desk}/api/docs/")
    # Swagger UI lists the operations once its scripts (1.5 MB) have run and read the schema,
    # which the server generates: its ready state, slow on a busy machine.
    expect(page.locator(".opblock-summary-path").first).to_be_visible(timeout=60_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/claims/{id}/steps/" in path for path in paths)
    assert not refused and not elsewhere, (refused, elsewhere)


def test_every_page_fits_a_phone(browser, desk):
    """At 390 px (a phone), no page scrolls sideways: the claims list's filters were 767 px
    wide, the claim page 872 px (hidden labels escaping the versions table)."""
    from claims.services import mark_reviewed, start_review

    reviewer = get_user_model().objects.get(username="reviewer")
    reviewed = Claim.objects.get(property="held in")
    start_review(claim=reviewed, by=reviewer)
    accurate = Verdict.objects.get(slug="accurate")
    mark_reviewed(claim=reviewed, by=reviewer, verdict=accurate, note="Checked.")
    co_chairs = Claim.objects.get(property="co-chairs", subject__name="Africa Focus Group")
    source = Source.objects.first()
    phone = browser.new_page()
    phone.set_viewport_size({"width": 390, "height": 844})
    phone.goto(f"{desk}/accounts/login/")
    pages = ["/accounts/login/"]
    phone.get_by_label("Username").fill("admin")
    phone.get_by_label("Password").fill("demo-admin-pass")
    phone.get_by_role("button", name="Log in").click()
    pages += [
        "/", "/claims/", f"/claims/{co_chairs.pk}/", f"/claims/{co_chairs.pk}/edit/",
        f"/claims/{reviewed.pk}/", f"/versions/{co_chairs.appearances.first().pk}/edit/",
        "/sources/", f"/sources/{source.pk}/", "/sources/new/",
        "/entities/new/", f"/entities/{co_chairs.subject_id}/", "/search/?q=Maroc",
        "/queues/conflicts/", "/queues/unreviewed/", "/queues/mine/", "/imports/",
        f"/reviews/{reviewed.pk}/",
    ]  # fmt: skip
    wider = {}
    for path in pages[1:]:
        phone.goto(f"{desk}{path}")
        ready(phone)
        width = phone.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            wider[path] = width
    assert wider == {}
    # The claim page's versions are one card under another, not a table to scroll.
    phone.goto(f"{desk}/claims/{co_chairs.pk}/")
    cards = phone.locator(".version-cards > li")
    expect(cards).to_have_count(co_chairs.appearances.count())
    boxes = [cards.nth(n).bounding_box() for n in range(cards.count())]
    assert all(box["width"] <= 390 for box in boxes)
    assert [box["y"] for box in boxes] == sorted(box["y"] for box in boxes)
    assert len({box["x"] for box in boxes}) == 1, "stacked, not side by side"
    # Shorter (the page was 5,400 px tall for three versions): a card leaves out the rows its
    # version states nothing in (no date, no speaker, the usual rank), and how the versions
    # differ is folded under the decision, whose choices name each value with its sources.
    unstated = phone.locator(".version-cards .unstated")
    expect(unstated).not_to_have_count(0)
    for row in unstated.all():
        expect(row).to_be_hidden()
    expect(phone.locator(".version-cards dt", has_text="Value").first).to_be_visible()
    expect(phone.locator("#disagreement .detail").first).to_be_hidden()
    shoot(phone, "claim-phone")


def test_recording_from_the_keyboard_alone(browser, desk):
    """Select a passage with Shift and the arrow keys, pick the speaker among the suggestions
    with the arrow keys and Enter, record with Enter."""
    from claims.services import add_source

    source = add_source(by=get_user_model().objects.get(username="editor"),
                        title="Communiqué au clavier", language="fr", text=SOURCE_TEXT)  # fmt: skip
    editor = log_in(browser, desk, "editor")
    open_source(editor, desk, source)
    text = editor.locator("#source-text")
    text.focus()
    editor.keyboard.press("Control+Home")
    for _ in range(SOURCE_TEXT.index(FIRST)):
        editor.keyboard.press("ArrowRight")
    for _ in range(len(FIRST)):
        editor.keyboard.press("Shift+ArrowRight")
    expect(editor.locator("#id_quote")).to_have_value(FIRST)
    expect(text).to_have_text(SOURCE_TEXT)  # the keys moved the caret, changed nothing
    editor.get_by_label("New claim: statement").focus()
    editor.keyboard.type("Members named from the keyboard.")
    speaker = editor.get_by_label("Speaker")
    speaker.focus()
    editor.keyboard.type("departement d'etat")
    # The suggestions for the whole name, not for a part typed on the way.
    expect(speaker).to_have_attribute("data-answered", "departement d'etat")
    expect(speaker).to_have_attribute("aria-expanded", "true")
    editor.keyboard.press("ArrowDown")
    expect(speaker).to_have_attribute("aria-activedescendant", re.compile(".+"))
    editor.keyboard.press("Enter")
    expect(speaker).to_have_value("US Department of State")
    editor.get_by_label("Attribution").focus()
    editor.keyboard.press("ArrowDown")  # the first choice after "Choose…"
    answered(editor)
    editor.get_by_role("button", name="Record", exact=True).focus()
    editor.keyboard.press("Enter")
    expect(editor.get_by_role("heading", name="Members named from the keyboard.")).to_be_visible()
    version = Claim.objects.get(statement="Members named from the keyboard.").appearances.get()
    assert (version.quote, version.speaker.name) == (FIRST, "US Department of State")


def no_english(page):
    """The page as the browser shows it now, scripts' text included, has no English text of
    the catalogue outside what the desk typed (tests/test_french.py)."""
    from tests.test_french import english_in

    assert english_in(page.content()) == [], page.url


def test_the_whole_journey_in_french(browser, desk):
    """A French press release recorded in French, a conflict seen and decided by a reviewer:
    no English word on any page on the way."""
    editor = log_in(browser, desk, "editor")
    editor.locator("#language").select_option("fr")
    expect(editor.get_by_role("heading", name="Tableau de bord")).to_be_visible()
    ready(editor)
    no_english(editor)
    editor.get_by_role("link", name="Ajouter une source").first.click()
    no_english(editor)
    editor.get_by_label("Titre").fill("Communiqué du ministère, 3 mars 2023")
    editor.locator("input[name=language]").fill("fr")
    editor.get_by_label("Texte (collez-le ici)").fill(SOURCE_TEXT)
    editor.get_by_role("button", name="Ajouter la source").click()
    expect(
        editor.get_by_role("heading", name="Communiqué du ministère, 3 mars 2023")
    ).to_be_visible()

    select_passage(editor, FIRST)
    answered(editor)
    no_english(editor)  # the proposals, written by the script, too
    editor.locator("textarea[name=statement]").fill("Les membres du groupe de travail.")
    editor.locator("input[name=subject]").fill("Cluster Afrique")
    editor.locator("input[name=property]").fill("membres")
    editor.locator("select[name=value_type]").select_option("entities")
    editor.locator("input[name=speaker_description]").fill("le ministère")
    editor.locator("select[name=attribution]").select_option("reported")
    editor.locator("input[name=value]").fill("Maroc, Etats-Unis, Niger")
    answered(editor)
    editor.get_by_role("button", name="Relever", exact=True).click()
    expect(editor.get_by_role("heading", name="Les membres du groupe de travail.")).to_be_visible()
    no_english(editor)
    claim = Claim.objects.get(statement="Les membres du groupe de travail.")

    editor.get_by_role("link", name="Communiqué du ministère, 3 mars 2023").first.click()
    ready(editor)
    select_passage(editor, SECOND)
    editor.get_by_role("button", name=f"#{claim.pk} Les membres du groupe de travail.").click()
    no_english(editor)  # the chosen claim's summary, written by the script
    editor.locator("select[name=attribution]").select_option("paraphrase")
    editor.locator("input[name=value]").fill("Maroc, Etats-Unis, Niger, Italie")
    answered(editor)
    editor.get_by_role("button", name="Relever", exact=True).click()
    expect(editor.get_by_role("heading", name="Ses versions divergent")).to_be_visible()
    no_english(editor)
    editor.close()

    reviewer = log_in(browser, desk, "reviewer")  # the language stays chosen (its cookie)
    for path in ("/", "/claims/", "/queues/conflicts/", f"/claims/{claim.pk}/"):
        reviewer.goto(f"{desk}{path}")
        ready(reviewer)
        no_english(reviewer)
    decision = reviewer.locator("#decision-form")
    expect(decision.get_by_role("radio", checked=True)).to_have_count(0)
    decision.get_by_role("radio", name="Italy").check()
    decision.get_by_label("Pourquoi").fill("L'Italie a rejoint le groupe en 2023.")
    decision.get_by_role("button", name="Décider").click()
    expect(reviewer.get_by_text("Tranché : les conflits sont résolus.")).to_be_visible()
    no_english(reviewer)
    assert not Conflict.objects.involving(claim).open().exists()


def test_a_recorded_quote_clicked_leads_to_its_claim(browser, desk):
    editor = log_in(browser, desk, "editor")
    source = Source.objects.get(title__contains="Marrakech")
    open_source(editor, desk, source)
    quote = editor.locator("#source-text mark").first
    appearance = quote.get_attribute("data-appearances").split()[0]
    quote.click()
    link = editor.locator(f"#appearance-{appearance} a")
    expect(link).to_be_focused()
    link.press("Enter")
    expect(editor).to_have_url(re.compile(r"/claims/\d+/$"))


def test_a_refused_decision_comes_back_in_place(browser, desk):
    """htmx sends the decision; refused (the disagreement changed since the page was shown),
    only the disagreement comes back, with the reason focused and the choice and note kept."""
    from claims.services import record_appearance
    from tests.factories import make_entity

    claim = Claim.objects.get(property="co-chairs", subject__name="Africa Focus Group")
    reviewer = log_in(browser, desk, "reviewer")
    reviewer.goto(f"{desk}/claims/{claim.pk}/")
    ready(reviewer)
    decision = reviewer.locator("#decision-form")
    decision.get_by_role("radio", name="Italy").check()
    decision.get_by_label("Why").fill("Italy is a co-chair.")
    # Meanwhile an editor records a version naming Chad: another conflict.
    editor = get_user_model().objects.get(username="editor")
    chad = make_entity(name="Chad")
    record_appearance(claim=claim, source=Source.objects.first(), by=editor,
                      attribution="paraphrase", value_entities=[chad])  # fmt: skip
    reviewer.evaluate("window.notReloaded = true")
    decision.get_by_role("button", name="Decide").click()
    summary = reviewer.locator("#disagreement .error-summary")
    expect(summary).to_contain_text("changed since the page was shown")
    expect(summary).to_be_focused()
    assert reviewer.evaluate("window.notReloaded") is True
    expect(reviewer.locator("#decision-form textarea[name=note]")).to_have_value(
        "Italy is a co-chair."
    )
    assert not Conflict.objects.involving(claim).exclude(state="open").exists(), "none decided"


def test_the_value_field_takes_the_shape_of_the_value_type(browser, desk):
    editor = log_in(browser, desk, "editor")
    source = Source.objects.get(title__contains="Marrakech")
    open_source(editor, desk, source)
    value = editor.locator("#id_value")
    kind = editor.get_by_label("New claim: value type")
    # A claim that states no value: no value field.
    kind.select_option("none")
    expect(value).to_be_hidden()
    # Yes or no: two choices, nothing picked.
    kind.select_option("boolean")
    choices = editor.get_by_role("radiogroup")
    expect(choices.get_by_role("radio")).to_have_count(2)
    expect(choices.get_by_role("radio", checked=True)).to_have_count(0)
    choices.get_by_label("no").check()
    expect(value).to_have_value("no")
    # A set: its names as chips, each removable.
    kind.select_option("entities")
    value.fill("Maroc, Niger, Italie")
    value.blur()
    chips = editor.locator("ul.chips li")
    expect(chips).to_have_count(3)
    editor.get_by_role("button", name="Remove Niger").click()
    expect(value).to_have_value("Maroc, Italie")
    expect(chips).to_have_count(2)
    # A date: its precision picked, then the year, month or day. (A value typed in another
    # shape stays in the box, as typed.)
    kind.select_option("date")
    expect(value).to_be_visible()
    value.fill("")
    kind.select_option("boolean")
    kind.select_option("date")
    expect(value).to_be_hidden()
    editor.get_by_role("radio", name="a month").check()
    editor.locator("#field-value input[type=month]").fill("2022-05")
    expect(value).to_have_value("2022-05")
    # A less precise date keeps what it can of the more precise one.
    editor.get_by_role("radio", name="a year").check()
    expect(value).to_have_value("2022")
    expect(editor.locator("#field-value input[type=number]")).to_have_value("2022")


def test_a_version_is_corrected_with_its_value_shaped_by_its_type(browser, desk):
    editor = log_in(browser, desk, "editor")
    claim = Claim.objects.get(property="launch year")
    version = claim.appearances.get()
    editor.goto(f"{desk}/versions/{version.pk}/edit/")
    ready(editor)
    # The value "2021" reads as a year; the editor makes it the day the source now gives.
    expect(editor.get_by_role("radio", name="a year")).to_be_checked()
    expect(editor.locator("#version-form .value-extra input[type=number]")).to_have_value("2021")
    editor.get_by_role("radio", name="a day").check()
    editor.locator("#version-form .value-extra input[type=date]").fill("2021-03-15")
    # Who said it is looked up by any of their names, accents aside.
    editor.get_by_label("Speaker").fill("departement d'etat")
    editor.get_by_role("option", name="US Department of State").click()
    editor.get_by_role("button", name="Save the correction").click()
    expect(editor.get_by_role("heading", name=claim.statement)).to_be_visible()
    version.refresh_from_db()
    assert (str(version.value_date), version.value_date_precision) == ("2021-03-15", "day")
    assert version.speaker.name == "US Department of State"
