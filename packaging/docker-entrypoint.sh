#!/bin/sh
# Initialises the data volume on first start (idempotent), then runs crosswalk.
set -e
if [ "$1" = "serve" ]; then
  crosswalk init
fi
exec crosswalk "$@"
