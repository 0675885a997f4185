"""Works with what we have, in a real browser: the demo practice manager records the practice's
principal clinical system and a module that is not in the catalogue, then sees the "Works with your
systems" row on the compare page, the panel on a listing page and the search filter. Every page passes
axe-core's WCAG 2.2 AA checks (the `page` fixture fails the test otherwise)."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import Organisation
from catalogue.demo import DEMO_PASSWORD
from catalogue.models import Solution
from procurement.works_with import OurSystems, integrating_solution_ids

pytestmark = pytest.mark.browser


@pytest.fixture
def click(page, page_audit):
    """Click something that loads a new page, and wait for that page's accessibility check."""

    def _click(locator):
        before = page_audit.finished
        locator.click()
        page_audit.wait(page, finished_at_least=before + 1)

    return _click


def test_the_practice_manager_records_systems_and_sees_what_works_with_them(page, visit, click):
    call_command("seed_demo", stdout=StringIO())
    call_command("setup_site", stdout=StringIO())
    emis = Solution.objects.select_related("supplier").get(catalogue_id="10000-001")

    visit("/accounts/login/")
    page.get_by_label("Email address").fill("practice.manager@example.com")
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    click(page.get_by_role("button", name="Log in"))
    visit("/buyer/")
    click(page.get_by_role("link", name="Your systems", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your systems")

    # Nothing chosen: the problem is explained.
    click(page.get_by_role("button", name="Save principal clinical system"))
    expect(page.get_by_role("alert")).to_contain_text("Choose your principal clinical system")

    page.get_by_label("Clinical system in the catalogue").select_option(
        label=f"{emis.name} ({emis.supplier.name})"
    )
    click(page.get_by_role("button", name="Save principal clinical system"))
    expect(page.get_by_test_id("systems")).to_contain_text(
        re.compile(rf"Principal clinical system\s*{emis.name}")
    )

    page.get_by_label("Solution ID or name").fill("Lexacom")
    click(page.get_by_role("button", name="Add module"))
    expect(page.get_by_role("alert")).to_contain_text("No listed solution has the ID or name “Lexacom”")
    page.get_by_label("It is not in the catalogue: record it by name").check()
    click(page.get_by_role("button", name="Add module"))
    expect(page.get_by_test_id("systems")).to_contain_text(re.compile(r"Lexacom\s*Not in the catalogue"))
    # A catalogue module by its solution ID.
    page.get_by_label("Solution ID or name").fill("10046-001")
    click(page.get_by_role("button", name="Add module"))
    expect(page.get_by_test_id("systems")).to_contain_text(re.compile(r"Module\s*Docman 10"))

    # A demo listing that connects to EMIS Web, compared with EMIS Web GP itself.
    practice = Organisation.objects.get(ods_code="A81001")
    connecting = (
        Solution.objects.published()
        .filter(pk__in=integrating_solution_ids(OurSystems.of(practice)))
        .order_by("catalogue_id")
        .first()
    )
    visit(f"/compare/?solution={connecting.catalogue_id}&solution={emis.catalogue_id}")
    row = page.get_by_test_id("section-works_with")
    expect(row).to_contain_text(re.compile(r"consumes, connects to Emis Web GP \(as the supplier states\)"))
    expect(row).to_contain_text("You already run this")

    visit(connecting.get_absolute_url())
    expect(page.get_by_test_id("works-with")).to_contain_text("connects to Emis Web GP")

    visit("/catalogue/")
    page.get_by_label("Works with our systems").check()
    click(page.get_by_role("button", name="Apply filters"))
    expect(page.get_by_label("Works with our systems")).to_be_checked()
    expect(page.get_by_role("link", name=connecting.name, exact=True).first).to_be_visible()
