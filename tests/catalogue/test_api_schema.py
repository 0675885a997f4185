"""The API's OpenAPI 3 description and its interactive docs.

Clients generate code from the schema, so it must be valid OpenAPI 3 and generate without warnings
(a warning means a field or parameter whose type the schema guessed); the docs pages must load their
scripts from our own static files, because a CDN is not reachable from every NHS network.
"""

from __future__ import annotations

import json
import re

import pytest
import yaml
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db

RESOURCES = ["frameworks", "capabilities", "epics", "standards", "suppliers", "solutions"]
SCRIPT_CDNS = ("cdn.jsdelivr", "unpkg", "cdnjs")


def test_schema_is_valid_openapi_3_yaml(client):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi")  # drf-spectacular's YAML
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)

    paths = schema["paths"]
    for resource in RESOURCES:
        assert f"/api/v1/{resource}/" in paths
        assert any(path.startswith(f"/api/v1/{resource}/{{") for path in paths), resource
    assert "/api/v1/integrations/" in paths
    # Read only, but for the harness's signed report ingest: no other write is published.
    writes = {
        (path, method)
        for path, operations in paths.items()
        for method in operations
        if method not in {"get", "parameters"}
    }
    assert writes == {("/api/v1/conformance/reports/", "post")}
    ingest = paths["/api/v1/conformance/reports/"]["post"]
    assert {p["name"] for p in ingest["parameters"]} >= {
        "X-Harness-Token",
        "X-Harness-Timestamp",
        "X-Harness-Signature",
    }


def test_schema_is_served_as_json_too(client):
    response = client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    validate_schema(schema)


def test_schema_documents_the_solution_filters_and_typed_lookups(client):
    schema = json.loads(client.get("/api/v1/schema/?format=json").content)
    solutions = schema["paths"]["/api/v1/solutions/"]["get"]
    parameters = {parameter["name"]: parameter for parameter in solutions["parameters"]}
    assert {
        "framework",
        "capability",
        "supplier",
        "publication_state",
        "foundation",
        "is_demo",
        "ordering",
    } <= set(parameters)
    assert parameters["capability"]["schema"] == {"type": "array", "items": {"type": "string"}}
    assert parameters["foundation"]["schema"]["type"] == "boolean"
    assert "page_size" in parameters

    detail = schema["paths"]["/api/v1/solutions/{catalogue_id}/"]["get"]
    (lookup,) = [p for p in detail["parameters"] if p["in"] == "path"]
    assert lookup["name"] == "catalogue_id"
    assert lookup["schema"]["type"] == "string"


def test_schema_generates_without_warnings(tmp_path):
    # --fail-on-warn raises if drf-spectacular had to guess any type.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    assert yaml.safe_load((tmp_path / "schema.yml").read_text())["info"]["title"] == "GP IT Marketplace API"


def test_swagger_docs_render_without_any_cdn(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/api/v1/schema/" in html
    for cdn in (*SCRIPT_CDNS, "googleapis"):
        assert cdn not in html
    # Every script and stylesheet it links is one of our static files, and that file exists.
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(asset.endswith("swagger-ui-bundle.js") for asset in assets)
    for asset in assets:
        assert asset.startswith(settings.STATIC_URL), asset
        assert finders.find(asset.removeprefix(settings.STATIC_URL)), asset
