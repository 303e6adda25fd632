package trouvaille

import _ "embed"

// DemoNotes is the demo corpus in the ingest format (JSON lines), embedded so
// that `trouvaille demo` runs anywhere without the source tree.
//
//go:embed testdata/demo/notes.jsonl
var DemoNotes []byte
