// Package trouvaille holds what the whole project shares: the embedded demo
// corpus (testdata/demo/notes.jsonl) that `trouvaille demo` loads, so the
// binary runs anywhere without the source tree.
package trouvaille

import _ "embed"

// DemoNotes is the demo corpus in the ingest format (JSON lines).
//
//go:embed testdata/demo/notes.jsonl
var DemoNotes []byte
