"""Entry point for gunicorn (`gunicorn wsgi:app`) and the flask CLI (`flask --app wsgi ...`) in a checkout.

An installed package has the same app as `app.wsgi:app`."""
from app.wsgi import app  # noqa: F401
