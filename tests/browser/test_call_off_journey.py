"""Issue 7's acceptance journeys on the demo data (seed_demo + seed_procurement_demo, as `make run` loads
them), in a real browser with no shortcuts through the database:

1. The commissioner starts a competition from the demo shortlist for three practices over three
   solutions, weights and scores them, sees the ranked results, awards, completes the order and
   downloads its PDF; the supplier accepts it; the award is published at /api/v1/ocds/ and validates.
2. The same shortlist, with one solution meeting the needs, takes the direct-award route.

Every page passes axe-core's WCAG 2.2 AA checks (the `page` fixture fails the test otherwise)."""

from __future__ import annotations

import datetime
import re
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from procurement.competitions.models import Competition
from procurement.demo import COMPETITION_SHORTLIST, DEMO_SUPPLIER_EDITOR
from procurement.models import Shortlist
from tests.browser.helpers import log_in

pytestmark = pytest.mark.browser

FELLSIDE_GP, MEADOWBANK_GP, KESTREL, MEADOWBANK_PRESCRIBING = (
    "Fellside GP",
    "Meadowbank GP Clinical",
    "Kestrel Repeat Prescriptions",
    "Meadowbank Prescribing",
)
# Three practices of the demo ICB (QHM) with registered list sizes.
PRACTICES = ("A81004", "A81007", "A81013")
ELEMENTS = ("Features", "Implementation", "Interoperability", "Service levels")


def load_demo() -> None:
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_procurement_demo", stdout=StringIO())
    call_command("seed_procurement_demo", stdout=StringIO())  # idempotent: still one shortlist
    assert Shortlist.objects.filter(name=COMPETITION_SHORTLIST).count() == 1


def start_competition(page, visit, click, name: str) -> None:
    log_in(page, visit, click, "commissioner@example.com")
    visit("/buyer/")
    click(page.get_by_role("link", name=COMPETITION_SHORTLIST))
    click(page.get_by_role("button", name="Start a competition from this shortlist"))
    page.get_by_label("Name of the competition").fill(name)
    click(page.get_by_role("button", name="Start the competition"))
    expect(page.get_by_role("heading", level=1)).to_have_text(name)


def choose_solutions(page, click, keep: tuple[str, ...], all_four: tuple[str, ...]) -> None:
    click(page.get_by_role("link", name="Choose solutions"))
    for name in all_four:
        if name in keep:
            page.get_by_label(name, exact=True).check()
        else:
            page.get_by_label(f"If you leave it out: why {name} does not meet your needs").fill(
                f"{name} does not cover what our practices need."
            )
    click(page.get_by_role("button", name="Save and continue"))


def recipients_and_length(page, click, months: int, practices=PRACTICES) -> None:
    click(page.get_by_role("link", name="Service recipients"))
    for code in practices:
        page.get_by_label(re.compile(rf"\({code}\), list size")).check()
    click(page.get_by_role("button", name="Save and continue"))
    click(page.get_by_role("link", name="Contract length"))
    page.get_by_label("Maximum term in months").fill(str(months))
    click(page.get_by_role("button", name="Save and continue"))


def complete_order(page, click) -> str:
    """Fill in what the award could not pre-fill, and complete the order. Returns the call-off id."""
    heading = page.get_by_role("heading", level=1).inner_text()
    call_off_id = re.search(r"C\d{6}-\d{2}", heading).group(0)
    tasks = page.get_by_test_id("task-list")

    def status(title: str) -> str:
        return (
            tasks.locator("li", has=page.get_by_text(title, exact=True))
            .locator(".nhsuk-task-list__status")
            .inner_text()
        )

    assert status("Service recipients") == "Completed"
    assert status("Catalogue solution, additional and associated services") == "Completed"
    if status("Supplier and contact") != "Completed":
        click(page.get_by_role("link", name="Supplier and contact"))
        page.get_by_label("Supplier contact name").fill("Customer enquiries")
        page.get_by_label("Email address").fill("orders@fellside.example")
        click(page.get_by_role("button", name="Save and return"))

    start = datetime.date.today() + datetime.timedelta(days=30)
    click(page.get_by_role("link", name="Commencement date, initial period and maximum term"))
    page.get_by_label("Day", exact=True).fill(str(start.day))
    page.get_by_label("Month", exact=True).fill(str(start.month))
    page.get_by_label("Year", exact=True).fill(str(start.year))
    page.get_by_label("Initial period (months)").fill("12")
    click(page.get_by_role("button", name="Save and return"))

    click(page.get_by_role("link", name="Planned delivery dates"))
    delivery = start + datetime.timedelta(days=14)
    page.get_by_label("Day", exact=True).fill(str(delivery.day))
    page.get_by_label("Month", exact=True).fill(str(delivery.month))
    page.get_by_label("Year", exact=True).fill(str(delivery.year))
    click(page.get_by_role("button", name="Save and return"))

    click(page.get_by_role("link", name="Funding source"))
    page.locator("select").first.select_option("GPIT funding")
    click(page.get_by_role("button", name="Save and return"))

    click(page.get_by_role("link", name="Review and complete"))
    click(page.get_by_role("button", name="Complete order"))
    expect(page.get_by_test_id("order-status")).to_have_text("Completed")
    return call_off_id


def test_commissioner_competes_three_solutions_awards_and_the_supplier_accepts(page, visit, click):
    load_demo()
    start_competition(page, visit, click, "GP prescribing 2027")
    competition = Competition.objects.get(name="GP prescribing 2027")
    # Four accredited listings matched the shortlist and were frozen as they were.
    assert competition.solutions.count() == 4

    choose_solutions(
        page,
        click,
        (FELLSIDE_GP, MEADOWBANK_GP, KESTREL),
        (FELLSIDE_GP, MEADOWBANK_GP, KESTREL, MEADOWBANK_PRESCRIBING),
    )
    expect(page.get_by_test_id("competition-route")).to_have_text("Further competition")
    recipients_and_length(page, click, 36)

    click(page.get_by_role("link", name="Award criteria and weightings"))
    page.get_by_label("Price and non-price").check()
    page.get_by_label("Weighting for price").fill("60")
    for label, weight in zip(ELEMENTS, ("30", "20", "20", "30"), strict=True):
        page.get_by_label(label, exact=True).fill(weight)
    page.get_by_label("Feature 1", exact=True).fill("Electronic Prescription Service (EPS) phase 4")
    page.get_by_label("Feature 2", exact=True).fill("Repeat dispensing")
    page.get_by_label("Feature 2: must or should").select_option("should")
    page.get_by_label("IM1: Transactional").check()
    click(page.get_by_role("button", name="Save and continue"))

    click(page.get_by_role("link", name="Prices and quantities"))
    # Quantities start at the practices' list sizes.
    expect(page.get_by_test_id("prices-99007-001").get_by_role("textbox").last).not_to_have_value("")
    click(page.get_by_role("button", name="Save and continue"))

    click(page.get_by_role("link", name="Score the solutions"))
    for name, score in ((FELLSIDE_GP, "4"), (MEADOWBANK_GP, "5"), (KESTREL, "3")):
        for element in ELEMENTS:
            page.get_by_label(f"{element}: score for {name}").select_option(score)
            page.get_by_label(f"{element}: why {name} scores this").fill(
                f"Demonstrated at the {element.lower()} session."
            )
    click(page.get_by_role("button", name="Save and continue"))
    expect(page.get_by_test_id("task-list")).not_to_contain_text("Not started")
    expect(page.get_by_test_id("route-competition")).to_contain_text("available.")

    click(page.get_by_role("button", name="See the results"))
    results = page.get_by_test_id("results")
    # Fellside GP is by far the cheapest (price score 5) and scores 4: 0.6 x 5 + 0.4 x 4 = 4.60.
    expect(results.get_by_test_id("result-99007-001").get_by_test_id("rank")).to_have_text("1")
    expect(results.get_by_test_id("result-99007-001").get_by_test_id("total")).to_have_text("4.60")
    expect(results.locator("tbody tr").first).to_contain_text(FELLSIDE_GP)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the results (PDF)").click()
    assert download.value.suggested_filename.endswith("-results.pdf")

    click(page.get_by_role("button", name="Continue to award"))
    expect(page.get_by_test_id("winner")).to_contain_text(FELLSIDE_GP)
    click(page.get_by_role("button", name="Award and start the order"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Order C")
    call_off_id = complete_order(page, click)
    with page.expect_download() as download:
        page.get_by_role("link", name="Order summary (PDF)").click()
    assert download.value.suggested_filename.endswith(".pdf")
    order_url = page.url

    competition.refresh_from_db()
    assert competition.order.call_off_id == call_off_id
    click(page.get_by_role("button", name="Log out"))
    log_in(page, visit, click, DEMO_SUPPLIER_EDITOR[0])
    visit(f"/supplier/orders/{competition.order_id}/")
    click(page.get_by_role("button", name="Accept order"))
    expect(page.get_by_text("Accepted").first).to_be_visible()
    # The supplier cannot open the buyer's competition or order pages.
    assert visit(competition.get_absolute_url()).status == 403
    assert visit(order_url).status == 403

    # The award is published for open contracting, as a competition ("selective"), and validates.
    from tests.procurement.contracts.ocds_schema import assert_valid_package

    packages = page.request.get("/api/v1/ocds/").json()["results"]
    ours = [p for p in packages if any(r["awards"][0]["id"] == call_off_id for r in p["releases"])]
    assert len(ours) == 1, f"{call_off_id} is not published at /api/v1/ocds/"
    assert_valid_package(ours[0])
    assert ours[0]["releases"][0]["tender"]["procurementMethod"] == "selective"
    assert ours[0]["releases"][0]["relatedProcesses"][0]["relationship"] == ["framework"]


def test_commissioner_takes_the_direct_award_route(page, visit, click):
    load_demo()
    start_competition(page, visit, click, "Fellside GP for one practice")
    four = (FELLSIDE_GP, MEADOWBANK_GP, KESTREL, MEADOWBANK_PRESCRIBING)
    choose_solutions(page, click, (FELLSIDE_GP,), four)
    expect(page.get_by_test_id("competition-route")).to_have_text("Direct award")
    # Only three sections on this route: no criteria, prices or scores.
    expect(page.get_by_test_id("task-list").locator("li")).to_have_count(3)
    recipients_and_length(page, click, 36, practices=PRACTICES[:1])

    expect(page.get_by_test_id("route-direct_award")).to_contain_text("available.")
    expect(page.get_by_test_id("route-competition")).to_contain_text("not available.")
    click(page.get_by_role("button", name="Continue to the direct award"))
    expect(page.get_by_test_id("estimated-value")).to_contain_text("£8,280.00")  # £2,760 a year for 3 years
    click(page.get_by_role("button", name="Make the direct award"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Order C")
    competition = Competition.objects.get(name="Fellside GP for one practice")
    assert competition.order.route == "direct_award"
    assert competition.order.solution.name == FELLSIDE_GP

    visit(competition.get_absolute_url())
    expect(page.get_by_test_id("award")).to_contain_text(FELLSIDE_GP)
    click(page.get_by_role("link", name="History of this competition"))
    history = page.locator("main")
    expect(history).to_contain_text("Competition started")
    expect(history).to_contain_text("Direct award made")
