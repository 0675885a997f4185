import pytest

from accounts.models import OrganisationType, Role
from tests.factories import MembershipFactory, OrganisationFactory, SupplierFactory, UserFactory

# How `make test` spreads the tests over pytest-xdist's workers (`--dist loadgroup
# --no-loadscope-reorder`): one test at a time, in collection order, which each worker keeps. That order
# is pytest-django's (tests in a rolled-back transaction first, then transactional ones, whose flush
# empties what the migrations loaded, such as Wagtail's root page), after the slowest files, which use
# no test database and are started first so that they do not hold one worker at the end.
RUN_FIRST = (
    "tests/config/test_embedded_default.py",  # make run's commands, twice, on SQLite: ~3 min
    "tests/search/test_sqlite_parity.py",  # the search scenarios again, on SQLite: ~2 min
)
# Files whose module-scoped fixture costs seconds to minutes (a seeded demo, a loaded database): marked
# to go to one worker, so that the fixture is built once. None of them is transactional. NOTE: with
# pytest 9.2 and pytest-xdist 3.8 the marks do nothing yet (xdist's worker tags the group onto
# item._nodeid, which pytest 9.2 no longer reads), so each worker builds the fixtures it needs.
ONE_WORKER = (
    *RUN_FIRST,
    "tests/catalogue/test_seed_demo.py",
    "tests/catalogue/test_conformance_demo.py",
    "tests/catalogue/test_reference_data.py",
)


def _path(item) -> str:
    return item.nodeid.split("::", 1)[0]


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(config, items):
    # Before every other plugin: the groups, which xdist's worker reads in its own hook.
    for item in items:
        if _path(item) in ONE_WORKER:
            item.add_marker(pytest.mark.xdist_group(_path(item)))
    yield
    # After them all: pytest-django's order, which this stable sort keeps.
    items.sort(key=lambda item: RUN_FIRST.index(_path(item)) if _path(item) in RUN_FIRST else len(RUN_FIRST))


@pytest.fixture(scope="session", autouse=True)
def _flush_by_deleting():
    """After each transactional test (live server, browser, real worker, races), pytest-django empties
    every table with Django's flush: one TRUNCATE of all ~150 tables, which gives each table new files
    and costs seconds on PostgreSQL even when the tables are empty. Deleting the rows instead takes a
    few milliseconds a table and leaves the same empty tables (post_migrate then runs as before).

    The tables are locked as TRUNCATE locks them, and the deletes run with session_replication_role =
    replica, as TRUNCATE checks no foreign key row by row and fires no row trigger (the append-only
    audit tables refuse DELETE); that needs a superuser, as the test database's user is here: otherwise,
    and for reset_sequences, Django's TRUNCATE runs unchanged."""
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
        names = [style.SQL_FIELD(self.quote_name(table)) for table in tables]
        # The lock, as TRUNCATE's, waits for the live server's last requests and holds off any more
        # until the tables are empty: without it, a row written between two DELETEs could outlive its
        # parent (replica mode checks no foreign keys). SET LOCAL ends with the transaction that
        # execute_sql_flush opens; set back at the end anyway in case a test flushes inside its own.
        return [
            f"LOCK TABLE {', '.join(names)} IN ACCESS EXCLUSIVE MODE; "
            "SET LOCAL session_replication_role = replica; "
            + "; ".join(f"DELETE FROM {name}" for name in names)
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
