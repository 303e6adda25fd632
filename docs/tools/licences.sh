#!/bin/sh
# Regenerates docs/licences.md from the modules linked into the binary
# (google/go-licenses), then checks that every licence is one of those
# compatible with the AGPL-3.0-or-later. Run from the repository root.
set -eu
GL="go run github.com/google/go-licenses@v1.6.0"
ALLOWED=MIT,BSD-2-Clause,BSD-3-Clause,Apache-2.0,MPL-2.0,ISC
{
  sed -n '1,/^<!-- table -->$/p' docs/licences.md
  $GL report ./... --ignore github.com/encommun/trouvaille --template docs/tools/licences.tpl 2>/dev/null
  sed -n '/^<!-- fin -->$/,$p' docs/licences.md
} > docs/licences.md.new
mv docs/licences.md.new docs/licences.md
$GL check ./... --ignore github.com/encommun/trouvaille --allowed_licenses=$ALLOWED 2>/dev/null
echo "licences vérifiées : toutes parmi $ALLOWED"
