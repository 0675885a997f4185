"""Steps the browser tests share (fixtures are in conftest.py)."""

from __future__ import annotations

from collections.abc import Callable

from catalogue.demo import DEMO_PASSWORD


def log_in(
    page,
    visit: Callable[[str], object],
    click: Callable[[object], None],
    email: str,
    password: str = DEMO_PASSWORD,
) -> None:
    """Log in through the site's login page (/accounts/login/), with the `visit` and `click` fixtures
    so that each page's accessibility check finishes. The password defaults to the demo users' one
    (catalogue/demo.py); pass DEFAULT_PASSWORD for users made by the factories. Nothing is asserted:
    a test may mean the login to fail."""
    visit("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    click(page.get_by_role("button", name="Log in"))
