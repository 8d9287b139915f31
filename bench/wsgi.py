"""The site plus one bare view, for comparing a page's cost with Django's own floor."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cvm_site.settings")

from django.conf import settings  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

settings.ROOT_URLCONF = "bench.urls"
application = get_wsgi_application()
