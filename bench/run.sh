#!/usr/bin/env bash
# Runs the Trouvaille benchmark against PostgreSQL full-text search and stock
# Bleve. Usage: bench/run.sh [NOTES] [extra trouvaille-bench flags...]
#   bench/run.sh 100000                 # writes docs/bench-100k.md
#   bench/run.sh 1000000 -queries 1000  # writes docs/bench-1m.md
set -euo pipefail
cd "$(dirname "$0")/.."

notes="${1:-100000}"
shift || true
case "$notes" in
  *000000) label="$((notes / 1000000))m" ;;
  *000) label="$((notes / 1000))k" ;;
  *) label="$notes" ;;
esac

# PostgreSQL 15+ for the peer (initdb, pg_ctl and the unaccent extension).
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update && apt-get install -y postgresql
  else
    sudo apt-get update && sudo apt-get install -y postgresql
  fi
fi

exec go run ./bench/cmd/trouvaille-bench -notes "$notes" -queries 500 \
  -engines trouvaille,postgres,bleve -out "docs/bench-${label}.md" "$@"
