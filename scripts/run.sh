#!/usr/bin/env bash
# Runs the web server, the background task worker and the texts and uploads check-ups together;
# Ctrl-C stops all.
set -euo pipefail
cd "$(dirname "$0")/.."
trap 'kill 0 2>/dev/null' EXIT INT TERM
.venv/bin/python manage.py db_worker --queue-name default --interval 1 --no-reload &
.venv/bin/python manage.py messaging_sweep --loop 60 &
.venv/bin/python manage.py evidence_sweep --loop 60 &
echo "Doorstep is running on http://127.0.0.1:${PORT:-8000} (Ctrl-C to stop)"
.venv/bin/python manage.py runserver "127.0.0.1:${PORT:-8000}" --noreload
