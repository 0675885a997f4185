import pytest

from tests.procurement.orders.helpers import make_world

from .helpers import complete


@pytest.fixture
def world(db):
    return make_world()


@pytest.fixture
def completed(world, django_capture_on_commit_callbacks):
    """A completed direct award of the world's solution (its on-commit work run: published, notified)."""
    return complete(world, django_capture_on_commit_callbacks)
