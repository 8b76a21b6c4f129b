"""gunicorn settings: `gunicorn -c config/gunicorn.conf.py` (see README).

Threaded workers (gthread): the portal spends its time waiting on PostgreSQL, so a few
processes with several threads each serve many more requests than one thread per process.
Every value can be overridden from the environment.
"""

import multiprocessing
import os

wsgi_app = "config.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so that a slow leak cannot grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 2000))
max_requests_jitter = 200
# The portal writes its own access line, with the request id (config.requestlog);
# GUNICORN_ACCESSLOG=- adds gunicorn's as well.
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
errorlog = "-"
# gunicorn 25+ opens a control socket under the home folder; the portal does not use it.
control_socket_disable = True
