"""Settings of the example API; the CORS block is copied as is from a Django + Vue tutorial.

The front-end (a Vue dev server, or ``frontend/index.html`` served on port 8080) is a
separate origin, so the browser needs CORS to read the API's answers.
"""

from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = "example-only-not-secret"
DEBUG = True
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "todo_api.urls"
WSGI_APPLICATION = "todo_api.wsgi.application"
USE_TZ = True
DATABASES: dict[str, dict[str, str]] = {}

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "adapters.django",  # was "corsheaders": registers the CORS system checks
    "todos",
]

MIDDLEWARE = [
    "adapters.django.CORSMiddleware",  # was "corsheaders.middleware.CorsMiddleware"
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
]

# --- CORS, as in the tutorial ---------------------------------------------------------
CORS_ALLOW_CREDENTIALS = True
CORS_ORIGIN_ALLOW_ALL = False
CORS_ORIGIN_WHITELIST = (
    "http://localhost:8080",
    "http://127.0.0.1:8080",
)
CORS_ALLOW_METHODS = (
    "DELETE",
    "GET",
    "POST",
    "PUT",
)
CORS_ALLOW_HEADERS = (
    "accept",
    "accept-encoding",
    "authorization",
    "content-type",
    "dnt",
    "origin",
    "user-agent",
    "x-csrftoken",
    "x-requested-with",
)
