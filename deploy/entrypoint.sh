#!/bin/sh
# pb's container entrypoint.
#
#   (no arguments) or "serve"   pb serve on 0.0.0.0:$PB_PORT (8000) with $PB_WORKERS (2) worker processes
#   "healthcheck"               exits 0 when /health answers 200 (the image's HEALTHCHECK)
#   anything else               runs as given, e.g. "pb db upgrade" (migrations are their own command)
#
# Secrets may come as files: for every PB_<NAME>_FILE in the environment (compose secrets, mounted Kubernetes
# secrets) the file's content becomes PB_<NAME>, since pb reads its configuration from the environment only.
set -eu

for variable in $(env | sed -n 's/^\(PB_[A-Z0-9_]*\)_FILE=.*$/\1/p'); do
    file=$(printenv "${variable}_FILE")
    already=$(printenv "${variable}" || true)
    if [ -n "$already" ]; then
        echo "entrypoint: both ${variable} and ${variable}_FILE are set; set one" >&2
        exit 64
    fi
    if [ ! -r "$file" ]; then
        echo "entrypoint: ${variable}_FILE names ${file}, which cannot be read" >&2
        exit 66
    fi
    value=$(cat "$file")
    export "${variable}=${value}"
    unset "${variable}_FILE"
done

case "${1:-serve}" in
    serve)
        if [ "$#" -gt 0 ]; then shift; fi
        exec pb serve --host "${PB_HOST:-0.0.0.0}" --port "${PB_PORT:-8000}" --workers "${PB_WORKERS:-2}" "$@"
        ;;
    healthcheck)
        exec python -c 'import os, sys, urllib.request
url = "http://127.0.0.1:%s/health" % os.environ.get("PB_PORT", "8000")
try:
    status = urllib.request.urlopen(url, timeout=3).status
except Exception:
    sys.exit(1)
sys.exit(0 if status == 200 else 1)'
        ;;
    *)
        exec "$@"
        ;;
esac
