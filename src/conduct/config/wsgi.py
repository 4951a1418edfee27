"""WSGI entry point used by gunicorn (`conduct serve`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conduct.config.settings")
application = get_wsgi_application()
