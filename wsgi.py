"""The WSGI entry point (gunicorn wsgi:app)."""

from bot.app import app_or_exit

app = app_or_exit()
