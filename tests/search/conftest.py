"""An Elasticsearch for the search tests: osmem-server (an in-memory, OpenSearch-compatible server that
the `osmem-server` dev dependency bundles), started once per test session on a free loopback port; or,
when ELASTICSEARCH_URL is set in the environment, that real cluster, with the client as production uses
it. Each test that asks for `elasticsearch_settings` gets its own index prefix, removed afterwards.

osmem-server keeps everything in memory and is slow to load (~33 s and 2 GB for 50,000 listings): the
tests index tens of listings, never more.
"""

from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass

import pytest

TEST_NODE_CLASS = "search.es_testing.PlainJsonNode"


@dataclass(frozen=True)
class Cluster:
    url: str
    node_class: str | None  # None: the client as it is (a real cluster)
    kind: str  # "osmem" or "elasticsearch"

    def client(self):
        from search.backends.elasticsearch import _client

        return _client(self.url, self.node_class, 10.0, 1)


def wait_until_answering(cluster: Cluster, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            cluster.client().info()
            return
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@pytest.fixture(scope="session")
def elasticsearch_cluster():
    """The cluster the Elasticsearch tests use, for the whole session."""
    url = os.environ.get("ELASTICSEARCH_URL")
    if url:
        cluster = Cluster(url, None, "elasticsearch")
        wait_until_answering(cluster, timeout=10)
        yield cluster
        return
    from osmem_server import OsmemServer

    # The package's launcher runs its bundled `osmem-server` binary as a subprocess with
    # `--addr 127.0.0.1:0` (the server picks a free port and reports its URL on stdout) and
    # `--parent-pid` (it exits if this process dies); close() ends it by closing its stdin.
    server = OsmemServer.start(addr="127.0.0.1:0", japanese=False)
    try:
        cluster = Cluster(server.url, TEST_NODE_CLASS, "osmem")
        wait_until_answering(cluster)
        yield cluster
    finally:
        server.close()


@pytest.fixture
def elasticsearch_settings(settings, elasticsearch_cluster):
    """Settings pointing search at the test cluster, with an index prefix of this test's own."""
    prefix = f"test-{uuid.uuid4().hex[:12]}"
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = elasticsearch_cluster.url
    settings.ELASTICSEARCH_NODE_CLASS = elasticsearch_cluster.node_class
    settings.SEARCH_INDEX_PREFIX = prefix
    yield settings
    client = elasticsearch_cluster.client()
    for index in client.indices.get(index=f"{prefix}-*", allow_no_indices=True).body:
        client.options(ignore_status=404).indices.delete(index=index)


@pytest.fixture
def es_backend(elasticsearch_settings):
    from search.backends.elasticsearch import ElasticsearchBackend

    return ElasticsearchBackend()
