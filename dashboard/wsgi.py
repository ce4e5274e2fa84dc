"""WSGI entry point (gunicorn serves `dashboard.wsgi:application`)."""

import os

from django.core.wsgi import get_wsgi_application

from dashboard.runtime.frame_stack import wsgi_entry

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashboard.settings.production")

# Performance: each request runs on one roomy frame-stack chunk (CPython 3.11/3.12; see runtime.frame_stack).
application = wsgi_entry(get_wsgi_application())
