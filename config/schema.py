"""drf-spectacular hooks."""

PUBLIC_API_PREFIX = "/api/v1/"


def only_public_api(endpoints, **kwargs):
    """Keep our /api/v1/ endpoints in the OpenAPI schema and leave out Wagtail's admin API."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith(PUBLIC_API_PREFIX)]
