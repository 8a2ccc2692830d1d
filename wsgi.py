"""The WSGI entry point (gunicorn wsgi:app)."""

import sys

from bot.app import create_app
from bot.config import UnsafeSettings

try:
    app = create_app()
except UnsafeSettings as refused:
    print(refused, file=sys.stderr)
    # gunicorn's "worker failed to boot" (3): the master stops instead of retrying for ever.
    raise SystemExit(UnsafeSettings.EXIT_STATUS) from None
