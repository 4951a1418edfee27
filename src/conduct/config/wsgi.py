"""WSGI entry point used by gunicorn (`conduct serve`). A setting Conduct cannot use stops the process with
one line naming it (conduct.cli.setup), not a traceback."""

import os

from django.core.handlers.wsgi import WSGIHandler

from conduct.cli import setup

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conduct.config.settings")
setup(set_prefix=False)  # as get_wsgi_application: the handler sets it per request
application = WSGIHandler()
