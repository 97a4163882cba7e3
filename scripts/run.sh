#!/usr/bin/env bash
# Runs the web server, the background task worker and the texts, uploads and imports check-ups
# together; Ctrl-C stops all.
#
# The web server is gunicorn, as deployed: Django's runserver drops connections beyond a queue of
# ten, so a burst of requests lost some. Its threads wait their turn for SQLite's write lock
# (settings.SQLITE_BUSY_TIMEOUT) rather than fail.
set -euo pipefail
cd "$(dirname "$0")/.."
trap 'kill 0 2>/dev/null' EXIT INT TERM
.venv/bin/python manage.py task_worker --queue-name default --interval 1 --no-reload &
.venv/bin/python manage.py recover_tasks --loop 15 &
.venv/bin/python manage.py messaging_sweep --loop 15 &
.venv/bin/python manage.py evidence_sweep --loop 15 &
.venv/bin/python manage.py residents_sweep --loop 15 &
echo "Doorstep is running on http://127.0.0.1:${PORT:-8000} (Ctrl-C to stop)"
PYTHONPATH="$PWD/src${PYTHONPATH:+:$PYTHONPATH}" .venv/bin/gunicorn doorstep.wsgi \
    --bind "127.0.0.1:${PORT:-8000}" --workers 2 --threads 8 --timeout 180 --log-level warning
