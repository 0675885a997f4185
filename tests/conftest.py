import pytest

from accounts.models import OrganisationType, Role
from tests.factories import MembershipFactory, OrganisationFactory, SupplierFactory, UserFactory

# The slowest test files, started first: `make test` runs pytest-xdist with `--dist loadfile
# --no-loadscope-reorder`, which hands whole files to the workers in collection order, so a file of
# minutes started last would leave the other worker idle at the end. Browser tests (a few seconds
# each) come next, then everything else in the usual order.
RUN_FIRST = (
    "tests/config/test_embedded_default.py",  # make run's commands, twice, on SQLite: ~3 min
    "tests/search/test_sqlite_parity.py",  # the search scenarios again, on SQLite: ~2 min
)


def pytest_collection_modifyitems(config, items):
    def rank(item) -> int:
        path = item.nodeid.split("::", 1)[0]
        if path in RUN_FIRST:
            return RUN_FIRST.index(path)
        return len(RUN_FIRST) + (0 if path.startswith("tests/browser/") else 1)

    items.sort(key=rank)  # stable: the order within each rank is pytest's


@pytest.fixture(scope="session", autouse=True)
def _flush_by_deleting():
    """After each transactional test (live server, browser, real worker, races), pytest-django empties
    every table with Django's flush: one TRUNCATE of all ~150 tables, which gives each table new files
    and costs seconds on PostgreSQL even when the tables are empty. Deleting the rows instead takes a
    few milliseconds a table and leaves the same empty tables (post_migrate then runs as before).

    The deletes run with session_replication_role = replica, as TRUNCATE does not check foreign keys
    row by row or fire row triggers (the append-only audit tables refuse DELETE); that needs a
    superuser, as the test database's user is here: otherwise, and for reset_sequences, Django's
    TRUNCATE runs unchanged."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush
    superuser: dict[str, bool] = {}

    def is_superuser(connection) -> bool:
        alias = connection.alias
        if alias not in superuser:
            with connection.cursor() as cursor:
                cursor.execute("SELECT current_setting('is_superuser') = 'on'")
                superuser[alias] = cursor.fetchone()[0]
        return superuser[alias]

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if not tables or reset_sequences or not is_superuser(self.connection):
            return truncate(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        deletes = (f"DELETE FROM {style.SQL_FIELD(self.quote_name(table))}" for table in tables)
        # SET LOCAL ends with the transaction that execute_sql_flush opens; set back at the end anyway
        # in case a test flushes inside a transaction of its own.
        return [
            "SET LOCAL session_replication_role = replica; "
            + "; ".join(deletes)
            + "; SET LOCAL session_replication_role = DEFAULT;"
        ]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "sql_flush", sql_flush)
        yield


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

    It uses the test database (so tasks see and change what the test committed: use `transactional_db`),
    caches in Redis under a key prefix of its own (other xdist workers' workers share that Redis) and
    writes email to files under tmp_path/mail. Yields (queue name, mail folder). Tasks must be sent
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
        "CACHE_KEY_PREFIX": queue,
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
