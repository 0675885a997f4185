"""The home page: a Wagtail page whose context adds the foundation capabilities, the live frameworks and
the number of published solutions."""

from __future__ import annotations

import datetime

import pytest
from bs4 import BeautifulSoup

from catalogue.models import PublicationState
from tests.factories import CapabilityFactory, FrameworkFactory, SolutionFactory
from tests.factories.cms import ensure_home_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def home_page(db):
    return ensure_home_page()


def get_home(client):
    response = client.get("/")
    assert response.status_code == 200
    return response, BeautifulSoup(response.content, "html.parser")


def test_home_page_renders_its_heading_and_intro(client, home_page):
    response, soup = get_home(client)

    assert "cms/home_page.html" in [template.name for template in response.templates]
    assert soup.find("html")["lang"] == "en-GB"
    headings = soup.find_all("h1")
    assert [h1.get_text(strip=True) for h1 in headings] == [home_page.heading]
    assert "Find, compare and call off modules" in soup.get_text()
    assert soup.find("main", id="maincontent")
    assert soup.find("a", class_="nhsuk-skip-link")["href"] == "#maincontent"


def test_home_page_lists_the_foundation_capabilities_only(client, home_page):
    CapabilityFactory(ref="C1", name="Appointments Management – GP", is_foundation=True)
    CapabilityFactory(ref="C14", name="Prescribing", is_foundation=True)
    CapabilityFactory(ref="C99", name="Something Optional", is_foundation=False)

    _, soup = get_home(client)

    cards = [card.get_text(" ", strip=True) for card in soup.select(".nhsuk-card__heading")]
    assert any("Appointments Management – GP" in card for card in cards)
    assert any("Prescribing" in card for card in cards)
    assert "Something Optional" not in soup.get_text()


def test_search_form_is_labelled_and_goes_to_the_catalogue(client, home_page):
    _, soup = get_home(client)

    search = soup.find("input", attrs={"name": "q"})
    form = search.find_parent("form")
    assert form["action"] == "/catalogue/"
    assert form["method"].lower() == "get"
    label = soup.find("label", attrs={"for": search["id"]})
    assert label is not None
    assert label.get_text(strip=True) == "Search the catalogue"
    assert soup.find("button", attrs={"type": "submit", "aria-label": "Search"})


def test_home_page_shows_live_frameworks_and_the_published_solution_count(client, home_page):
    FrameworkFactory(code="LIVE001", name="Live framework", expires_on=datetime.date(2099, 3, 31))
    FrameworkFactory(code="OLD001", name="Expired framework", is_expired=True)
    SolutionFactory.create_batch(2, publication_state=PublicationState.PUBLISHED)
    SolutionFactory(publication_state=PublicationState.IN_REMEDIATION)
    SolutionFactory(publication_state=PublicationState.DRAFT)

    _, soup = get_home(client)
    text = soup.get_text(" ", strip=True)

    assert "Live framework" in text
    assert "31 March 2099" in text
    assert "Expired framework" not in text
    assert "There are 3 published solutions in the catalogue." in " ".join(text.split())


def find_by_text(soup, tag: str, text: str):
    return next((element for element in soup.find_all(tag) if element.get_text(strip=True) == text), None)


def test_header_offers_log_in_to_visitors_and_log_out_to_users(client, home_page, plain_user):
    _, soup = get_home(client)
    assert find_by_text(soup, "a", "Log in")["href"].startswith("/accounts/login/")
    assert find_by_text(soup, "button", "Log out") is None

    client.force_login(plain_user)
    _, soup = get_home(client)
    assert find_by_text(soup, "a", "Log in") is None
    logout = find_by_text(soup, "button", "Log out")
    form = logout.find_parent("form")
    assert form["method"] == "post"
    assert form["action"] == "/accounts/logout/"
    assert form.find("input", attrs={"name": "csrfmiddlewaretoken"})


def test_home_page_links_only_to_pages_that_exist(client, home_page):
    _, soup = get_home(client)

    for link in soup.find_all("a", href=True):
        href = link["href"]
        assert link.get_text(strip=True) or link.get("aria-label"), f"empty link to {href}"
        if href.startswith("/") and not href.startswith("/static/"):
            assert client.get(href).status_code == 200, href


def test_messages_are_shown_as_notification_banners(rf, home_page, plain_user):
    from django.contrib import messages
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.template.loader import render_to_string

    request = rf.get("/")
    request.user = plain_user
    request.session = {}
    request._messages = FallbackStorage(request)
    messages.success(request, "Your listing was submitted.")
    messages.info(request, "The catalogue team will review it.")

    soup = BeautifulSoup(render_to_string("base.html", request=request), "html.parser")

    banners = soup.select(".nhsuk-notification-banner")
    assert [
        banner.select_one(".nhsuk-notification-banner__title").get_text(strip=True) for banner in banners
    ] == [
        "Success",
        "Important",
    ]
    assert banners[0]["role"] == "alert"
    assert "Your listing was submitted." in banners[0].get_text()
    title_ids = [banner["aria-labelledby"] for banner in banners]
    assert len(set(title_ids)) == 2
    assert all(soup.find(id=title_id) for title_id in title_ids)
