# Billing Desk in production: gunicorn (gthread) serving Django, static files by whitenoise.
# Build:  docker build -t billing-desk .
# Run:    docker run --env-file .env -p 8000:8000 billing-desk
# Migrate (once per release, before new instances take traffic):
#         docker run --rm --env-file .env billing-desk python manage.py migrate --noinput
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=dashboard.settings.production \
    BILLING_DESK_VAR_DIR=/app/var \
    STATIC_ROOT=/app/staticfiles \
    PORT=8000

RUN groupadd --system app \
    && useradd --system --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app

WORKDIR /app
COPY . .

# Editable, so the settings find templates/ and static/ beside the package (BASE_DIR is the source tree);
# psycopg[binary] and cryptography ship wheels, so no compiler is needed. Hashed, compressed static files
# are built into the image; the throwaway keys exist only for that one command, not in any layer.
RUN pip install -e . \
    && SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
       FERNET_KEYS="$(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')" \
       python manage.py collectstatic --noinput \
    && mkdir -p var \
    && chown app:app var

USER app
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["python", "scripts/healthcheck.py"]

# The same image runs the background worker as its own process (container/service) with:
#   command: ["python", "manage.py", "statements_worker"]   (see docs/production.md)
CMD ["gunicorn", "-c", "gunicorn.conf.py", "dashboard.wsgi:application"]
