"""A node class for the Elasticsearch 8 client that talks to osmem-server, for tests only.

osmem-server (an in-memory OpenSearch-compatible server, tests/search/conftest.py starts it) answers
plain `application/json` and `application/x-ndjson` but refuses the Elasticsearch 8 client's
compatibility media types (`application/vnd.elasticsearch+json; compatible-with=8`) with 406; and the
client refuses any 2xx answer without an `X-Elastic-Product: Elasticsearch` header, which osmem-server
does not promise to send. This node class rewrites the first on the way out and adds the second on
the way back. Production never uses it: there the client talks to a real cluster as it is
(search/backends/elasticsearch.py takes the node class from settings.ELASTICSEARCH_NODE_CLASS, or a
client factory, which only tests set).
"""

from __future__ import annotations

import dataclasses
import re

from elastic_transport import HttpHeaders, Urllib3HttpNode
from elastic_transport._node import NodeApiResponse

_COMPAT = re.compile(r"application/vnd\.elasticsearch\+([\w-]+)(\s*;\s*compatible-with=\d+)?")


def plain_mimetype(value: str) -> str:
    """`application/vnd.elasticsearch+json; compatible-with=8` -> `application/json` (and x-ndjson)."""
    return _COMPAT.sub(r"application/\1", value)


class PlainJsonNode(Urllib3HttpNode):
    """Urllib3HttpNode sending plain JSON media types and marking every answer as Elasticsearch's."""

    def perform_request(self, method, target, body=None, headers=None, **kwargs) -> NodeApiResponse:
        if headers:
            headers = HttpHeaders(headers)
            for name in ("content-type", "accept"):
                if name in headers:
                    headers[name] = plain_mimetype(headers[name])
        response = super().perform_request(method, target, body=body, headers=headers, **kwargs)
        meta = response.meta
        if meta.headers.get("x-elastic-product") != "Elasticsearch":
            response_headers = HttpHeaders(meta.headers)
            response_headers["x-elastic-product"] = "Elasticsearch"
            meta = dataclasses.replace(meta, headers=response_headers)
        return NodeApiResponse(meta, response.body)
