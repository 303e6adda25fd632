#!/usr/bin/env bash
# Runs the Trouvaille benchmark against PostgreSQL full-text search, stock
# Bleve and Xapian. Usage: bench/run.sh [NOTES] [extra trouvaille-bench flags...]
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

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# PostgreSQL 15+ for the peer (initdb, pg_ctl and the unaccent extension).
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null; then
  as_root apt-get update && as_root apt-get install -y postgresql
fi

# Xapian for the peer: Debian's python3-xapian, imported by /usr/bin/python3
# (or by $XAPIAN_PYTHON when set).
if ! "${XAPIAN_PYTHON:-/usr/bin/python3}" -c 'import xapian' >/dev/null 2>&1; then
  as_root apt-get update && as_root apt-get install -y python3-xapian
fi

exec go run ./bench/cmd/trouvaille-bench -notes "$notes" -queries 500 \
  -engines trouvaille,postgres,bleve,xapian -out "docs/bench-${label}.md" "$@"
