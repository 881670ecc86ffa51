"""WSGI entry point (gunicorn carnivore.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carnivore.settings")
application = get_wsgi_application()
