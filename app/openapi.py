"""The OpenAPI document's shared answers: what every operation may answer besides its own."""
from apispec import BasePlugin


class ErrorResponsesPlugin(BasePlugin):
    """apispec plugin: documents on every operation the error answers the shared machinery gives
    (401/403 from the access decorators, 400/413 from body parsing, 404 for an unknown id in the
    path, 503 when the database is away), so the OpenAPI document lists every status a client sees."""

    COMMON = {"503": "The database is briefly unavailable; try again after `Retry-After` seconds"}
    SECURED = {"401": "Not logged in, or the token is expired or revoked",
               "403": "Logged in, but this role may not do this"}
    WITH_BODY = {"400": "Malformed JSON (including duplicated keys)", "413": "The body is larger than 1 MiB"}
    WITH_ID = {"404": "No such record, or not one the caller may see"}
    WITH_CURSOR = {"400": "The cursor is not one this list gave out"}
    WITH_QUERY = {"400": "A query parameter holds a NUL character"}

    def _add(self, operation: dict, entries: dict) -> None:
        responses = operation.setdefault("responses", {})
        for code, description in entries.items():
            responses.setdefault(code, {"description": description,
                                        "content": {"application/json": {"schema": "Error"}}})

    def operation_helper(self, path=None, operations=None, **_kwargs):
        for operation in (operations or {}).values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            self._add(operation, self.COMMON)
            if operation.get("security"):
                self._add(operation, self.SECURED)
            if "requestBody" in operation:
                self._add(operation, self.WITH_BODY)
            if path and "{" in path:
                self._add(operation, self.WITH_ID)
            if any(isinstance(p, dict) and p.get("name") == "cursor" for p in operation.get("parameters", [])):
                self._add(operation, self.WITH_CURSOR)
            if any(isinstance(p, dict) and p.get("in") == "query" for p in operation.get("parameters", [])):
                self._add(operation, self.WITH_QUERY)
            for code, response in operation["responses"].items():
                # An error declared without a body (`alt_response(409)`) still answers the error shape.
                if str(code)[0] in "45" and isinstance(response, dict) and not ({"content", "$ref"} & set(response)):
                    response["content"] = {"application/json": {"schema": "Error"}}
