"""WSGI entry point for production servers (gunicorn, uWSGI)."""

import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "youpin.config.settings")
application = get_wsgi_application()
# Import the URLconf and every view module it names now, while the worker starts, instead
# of during its first request (seconds: the report writers, NumPy, the API schemas).
get_resolver().url_patterns  # noqa: B018 - evaluated for its imports
