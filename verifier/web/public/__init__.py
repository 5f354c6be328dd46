"""The public site, the JSON API and its OpenAPI description."""
