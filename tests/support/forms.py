"""Posting the login and register page forms as a browser does: load the page, send its hidden token."""
import re

TOKEN = re.compile(r'name="form_token" value="([^"]*)"')


def form_token(client, path: str = "/login") -> str:
    """The token the page at `path` puts in its form (its cookie is now in the client's jar)."""
    match = TOKEN.search(client.get(path).get_data(as_text=True))
    return match.group(1) if match else ""


def post_page_form(client, path: str, data: dict, **kwargs):
    """POST `data` to the login or register page the way its own form does (`path` may carry a query)."""
    return client.post(path, data={"form_token": form_token(client, path.split("?")[0]), **data}, **kwargs)


def csrf(client) -> str:
    """The CSRF token a logged-in page form carries (the double-submit cookie set at login)."""
    cookie = client.get_cookie("csrf_access_token")
    assert cookie is not None, "not logged in"
    return cookie.value
