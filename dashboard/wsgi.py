"""WSGI entry point (gunicorn serves `dashboard.wsgi:application`)."""

import os

from django.core.wsgi import get_wsgi_application

from dashboard.core.frame_stack import RoomyFrameStackWSGI

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashboard.settings.production")

# Performance: each request runs on one roomy frame-stack chunk (CPython 3.11+; see core.frame_stack).
application = RoomyFrameStackWSGI(get_wsgi_application())
