"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's live server.

Every page a test loads is checked with axe-core for WCAG 2.0, 2.1 and 2.2 A and AA problems as soon as
it has loaded; the test then fails at teardown listing every violation on every page it visited, with
any JavaScript error, console error or failed request for a page's assets.

* The browser is /usr/bin/chromium (`apt-get install -y chromium`), never Playwright's own download.
  Without it the tests are skipped, unless the environment variable CI is set: then it is a failure.
* The live server serves static files through django.contrib.staticfiles' finders (pytest-django uses
  StaticFilesHandler when staticfiles is installed), so static/vendor must be built: the session
  fixture `built_assets` runs scripts/build_assets.sh when it is missing or older than package-lock.json.
* Tests need `transactional_db` (the live server runs in another thread with its own connection); the
  `page` fixture asks for it. Chromium is started once per test module; see `browser` for why
  DJANGO_ALLOW_ASYNC_UNSAFE is set only while it runs.

Use `visit(path)` to open a page: it waits for the page's accessibility check before returning, so the
next click cannot navigate away in the middle of it. After a click that loads a page, assert something
on the new page (`expect(...)`): teardown waits for the last check.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD_SCRIPT = ROOT / "scripts" / "build_assets.sh"
VENDOR = ROOT / "static" / "vendor"
AXE_JS = VENDOR / "axe" / "axe.min.js"
REQUIRED_ASSETS = (
    AXE_JS,
    VENDOR / "nhsuk" / "nhsuk-frontend.min.css",
    VENDOR / "nhsuk" / "nhsuk-frontend.min.js",
    VENDOR / "VERSIONS",
)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_RUN = """
async (tags) => {
  const options = {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]};
  const results = await axe.run(document, options);
  return results.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact,
    help: violation.help,
    helpUrl: violation.helpUrl,
    nodes: violation.nodes.map((node) => ({target: node.target, summary: node.failureSummary})),
  }));
}
"""
# How long to wait for a page's accessibility check before calling it stuck.
AUDIT_TIMEOUT_SECONDS = 30


def _ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


@pytest.fixture(scope="session")
def chromium_executable() -> Path:
    if CHROMIUM.exists():
        return CHROMIUM
    message = f"Browser tests need Debian's Chromium at {CHROMIUM} (apt-get install -y chromium)."
    if _ci():
        pytest.fail(f"{message} CI is set, so a missing browser is a failure.", pytrace=False)
    pytest.skip(message)


def _assets_stale() -> bool:
    if not all(path.exists() for path in REQUIRED_ASSETS):
        return True
    lock = ROOT / "package-lock.json"
    return lock.exists() and lock.stat().st_mtime > (VENDOR / "VERSIONS").stat().st_mtime


@pytest.fixture(scope="session")
def built_assets() -> Path:
    """static/vendor, built by scripts/build_assets.sh if missing or stale. A file lock keeps parallel
    pytest-xdist workers from building at once."""
    digest = hashlib.sha256(str(ROOT).encode()).hexdigest()[:12]
    lock_path = Path(tempfile.gettempdir()) / f"marketplace-build-assets-{digest}.lock"
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if _assets_stale():
                result = subprocess.run(
                    ["sh", str(BUILD_SCRIPT)], cwd=ROOT, capture_output=True, text=True, check=False
                )
                if result.returncode != 0:
                    pytest.fail(
                        f"scripts/build_assets.sh failed ({result.returncode}):\n"
                        f"{result.stdout}{result.stderr}",
                        pytrace=False,
                    )
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return VENDOR


@pytest.fixture(scope="module")
def browser(chromium_executable: Path, built_assets: Path):
    """Chromium, for the tests of one module.

    Playwright's sync API keeps an asyncio event loop running in this thread for as long as it is
    started, and Django refuses ORM calls from a thread with a running loop unless
    DJANGO_ALLOW_ASYNC_UNSAFE is set. It is safe here (the loop only drives the browser), so the
    variable is set while Playwright runs and no longer: set for the whole session it would leak into
    subprocesses (`check --deploy` rejects it), and a loop left running would break other
    transactional tests that run after these.
    """
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(chromium_executable), args=CHROMIUM_ARGS, headless=True
            )
            yield browser
            browser.close()


@dataclass
class PageAudit:
    """What went wrong on the pages one test visited: axe violations, script errors, failed requests."""

    page_urls: list[str] = field(default_factory=list)
    violations: list[tuple[str, dict]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    running: int = 0
    finished: int = 0

    def on_load(self, page) -> None:
        """Run axe on a page that has just loaded. Playwright calls this in a greenlet of its own, so
        it may overlap the test's next step; `wait` is how the test waits for it."""
        self.running += 1
        url = page.url
        try:
            page.add_script_tag(path=str(AXE_JS))
            violations = page.evaluate(AXE_RUN, AXE_TAGS)
        except Exception as exc:
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            self.problems.append(
                f"{url}: the accessibility check did not finish ({first_line}). Did the test leave the "
                "page before its check finished? Open pages with visit(), or assert on the page first."
            )
        else:
            self.page_urls.append(url)
            self.violations.extend((url, violation) for violation in violations)
        finally:
            self.running -= 1
            self.finished += 1

    def on_page_error(self, error) -> None:
        self.problems.append(f"JavaScript error: {error}")

    def on_console(self, message) -> None:
        # "Failed to load resource" repeats a response status, which on_response judges (a 404 page is
        # fine, a missing stylesheet is not).
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(
                f"Console error on {message.page.url if message.page else '?'}: {message.text}"
            )

    def on_response(self, response) -> None:
        # The page itself may be a 404 on purpose; its assets may not.
        if response.request.resource_type != "document" and response.status >= 400:
            self.problems.append(f"{response.status} for {response.url}")

    def on_request_failed(self, request) -> None:
        self.problems.append(f"Request failed: {request.url} ({request.failure})")

    def wait(self, page, *, finished_at_least: int = 0) -> None:
        """Let the event loop run until no check is running and at least `finished_at_least` have ended."""
        deadline = time.monotonic() + AUDIT_TIMEOUT_SECONDS
        while self.running or self.finished < finished_at_least:
            if time.monotonic() > deadline:
                self.problems.append(
                    f"An accessibility check took over {AUDIT_TIMEOUT_SECONDS}s on {page.url}"
                )
                return
            page.wait_for_timeout(20)

    def report(self) -> str:
        lines: list[str] = []
        if self.violations:
            lines.append(f"axe-core found accessibility violations ({', '.join(AXE_TAGS)}):")
            for url, violation in self.violations:
                lines.append(f"  {url}")
                lines.append(f"    {violation['id']} ({violation['impact']}): {violation['help']}")
                lines.append(f"    {violation['helpUrl']}")
                for node in violation["nodes"]:
                    lines.append(f"      - {json.dumps(node['target'])}")
                    for summary_line in (node.get("summary") or "").splitlines():
                        lines.append(f"          {summary_line}")
        if self.problems:
            lines.append("Problems on the pages visited:")
            lines.extend(f"  {problem}" for problem in self.problems)
        return "\n".join(lines)


@pytest.fixture
def page_audit() -> PageAudit:
    return PageAudit()


@pytest.fixture
def page(browser, live_server, transactional_db, page_audit: PageAudit):
    """A Playwright page in a fresh browser context (no cookies), with base_url the live server.
    Every page load is checked with axe; violations fail the test at teardown."""
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on("load", page_audit.on_load)
    page.on("pageerror", page_audit.on_page_error)
    page.on("console", page_audit.on_console)
    page.on("response", page_audit.on_response)
    page.on("requestfailed", page_audit.on_request_failed)
    yield page
    page_audit.wait(page)
    context.close()
    if page_audit.violations or page_audit.problems:
        pytest.fail(page_audit.report(), pytrace=False)


@pytest.fixture
def visit(page, page_audit: PageAudit) -> Callable[[str], object]:
    """Open a path on the live server and wait for its accessibility check. Returns the response."""

    def _visit(path: str):
        before = page_audit.finished
        response = page.goto(path)
        page_audit.wait(page, finished_at_least=before + 1)
        return response

    return _visit


@pytest.fixture
def home_page(transactional_db):
    from tests.factories.cms import ensure_home_page

    return ensure_home_page()


@pytest.fixture
def click(page, page_audit):
    """Click something that loads a new page, and wait for that page's accessibility check."""

    def _click(locator):
        before = page_audit.finished
        locator.click()
        page_audit.wait(page, finished_at_least=before + 1)

    return _click
