"""The Celery app. Tasks live in each app's tasks.py and are found by autodiscovery.

Outside the embedded default the broker is Redis (CELERY_BROKER_URL); `make worker` starts a worker.
In the embedded default CELERY_TASK_ALWAYS_EAGER runs each task in the calling process.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("marketplace")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
