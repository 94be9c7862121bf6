"""The app for a WSGI server, importable wherever the package is installed:
`gunicorn app.wsgi:app`, `flask --app app.wsgi db upgrade`. (The checkout's top-level
`wsgi.py` is the same app, for `gunicorn wsgi:app` run from the checkout.)"""
from . import create_app

app = create_app()
