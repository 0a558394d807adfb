#!/bin/sh
# The container's start (Dockerfile's ENTRYPOINT): bring the database to the latest migration, then become
# the command (by default `hallway serve`), so that a stop's SIGTERM reaches the server itself and it shuts
# down gracefully (docs/deploying.md).
#
# HALLWAY_MIGRATE_AT_START=false skips the migration: compose.yaml runs it once, in its own service, before
# the replicas start, rather than in each of them at once.
set -eu

if [ "${HALLWAY_MIGRATE_AT_START:-true}" != "false" ]; then
    # A failed migration (the database unreachable, a revision from a newer release) stops the container
    # here, with hallway's one-line reason, instead of serving on a database the code doesn't match.
    hallway migrate
fi

exec "$@"
