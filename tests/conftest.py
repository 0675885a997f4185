import pytest

from accounts.models import OrganisationType, Role
from tests.factories import MembershipFactory, OrganisationFactory, SupplierFactory, UserFactory


@pytest.fixture
def moderator(db):
    team = OrganisationFactory(name="Catalogue team", org_type=OrganisationType.CATALOGUE_TEAM, ods_code=None)
    return MembershipFactory(organisation=team, role=Role.CATALOGUE_MODERATOR).user


@pytest.fixture
def supplier_a(db):
    return SupplierFactory(organisation__name="Supplier A Ltd")


@pytest.fixture
def supplier_b(db):
    return SupplierFactory(organisation__name="Supplier B Ltd")


@pytest.fixture
def supplier_a_editor(supplier_a):
    return MembershipFactory(organisation=supplier_a.organisation, role=Role.SUPPLIER_EDITOR).user


@pytest.fixture
def supplier_b_editor(supplier_b):
    return MembershipFactory(organisation=supplier_b.organisation, role=Role.SUPPLIER_EDITOR).user


@pytest.fixture
def buyer(db):
    return MembershipFactory(role=Role.BUYER).user


@pytest.fixture
def anonymous_user():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


@pytest.fixture
def plain_user(db):
    return UserFactory()


@pytest.fixture
def celery_worker_process(tmp_path):
    """A real Celery worker, in its own process, consuming a queue of its own on the test Redis.

    It uses the test database (so tasks see and change what the test committed: use `transactional_db`)
    and writes email to files under tmp_path/mail. Yields (queue name, mail folder). Tasks must be sent
    with `queue=` and with eager mode off (see `send_to_worker`).
    """
    import os
    import subprocess
    import sys
    import uuid
    from pathlib import Path

    from django.conf import settings
    from django.db import connection

    queue = f"test-{uuid.uuid4().hex[:12]}"
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_RESULT_BACKEND": settings.CELERY_RESULT_BACKEND,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
    }
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115 - closed in teardown
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--queues",
            queue,
            "--pool",
            "solo",
            "--hostname",
            f"{queue}@%h",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "INFO",
        ],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield queue, mail_dir
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture
def send_to_worker(celery_worker_process):
    """Send a task to the real worker, with eager mode off for the duration of the test."""
    from config.celery import app

    queue, _ = celery_worker_process
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False

    def send(task, *args, **kwargs):
        return task.apply_async(args=args, kwargs=kwargs, queue=queue)

    yield send
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (debounced reindexing and the cached unfiltered catalogue
    keep state there that a rolled-back test would otherwise leave behind)."""
    from django.core.cache import cache

    cache.clear()
