"""WSGI entry point (gunicorn carnivore.wsgi)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carnivore.settings")
application = get_wsgi_application()

# Load the URL map (and with it every view, serializer and admin) now rather than on the first
# request, then move everything loaded so far out of the garbage collector's sight: a full
# collection otherwise walks all of it, a pause of many milliseconds now and then.
from django.urls import get_resolver  # noqa: E402 - needs the settings configured above

get_resolver().url_patterns  # noqa: B018 - imports the URL map
gc.collect()  # what start-up left behind is freed rather than frozen
gc.freeze()
