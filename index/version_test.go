package index

import (
	"strings"
	"testing"

	"github.com/encommun/trouvaille/store"
)

func TestParseVersion(t *testing.T) {
	for _, c := range []struct {
		stored           string
		format, analysis int
		ok               bool
	}{
		{"trouvaille-mapping-21", 1, 21, true}, // before the version had two parts
		{"trouvaille-mapping-20", 0, 0, false},
		{"trouvaille-mapping-1", 0, 0, false},
		{versionText(formatVersion, analysisVersion), formatVersion, analysisVersion, true},
		{"trouvaille-format-1-analyse-20", 1, 20, true},
		{"trouvaille-format-2-analyse-3", 2, 3, true},
		{"trouvaille-format-1-analyse-20x", 0, 0, false},
		{"trouvaille-format-01-analyse-20", 0, 0, false},
		{"trouvaille-format-1-analyse-", 0, 0, false},
		{"", 0, 0, false},
		{"\xff", 0, 0, false},
	} {
		f, a, ok := parseVersion(c.stored)
		if f != c.format || a != c.analysis || ok != c.ok {
			t.Errorf("parseVersion(%q) = %d, %d, %v; want %d, %d, %v", c.stored, f, a, ok, c.format, c.analysis, c.ok)
		}
	}
}

// An index of the current format built by another analysis is kept by
// OpenKeepingStale (readable: a server serves it while it builds its
// successor) and removed by Open; one of another format is removed by both.
func TestOpenKeepsOnlyStaleAnalyses(t *testing.T) {
	for _, c := range []struct {
		stored    string
		keptStale bool
	}{
		{"trouvaille-format-1-analyse-20", true},
		{"trouvaille-mapping-21", true},                      // analysis 21 under its old name
		{versionText(formatVersion, analysisVersion), false}, // the current one: kept, not stale
		{"trouvaille-mapping-20", false},
		{"trouvaille-format-9-analyse-21", false},
		{"n’importe quoi", false},
	} {
		dir := t.TempDir() + "/index"
		ix, err := Open(dir, nil)
		if err != nil {
			t.Fatal(err)
		}
		n := &store.Note{ID: "a", Type: "note", Title: "Logement social à Québec", Visibility: "public"}
		if err := ix.Apply([]store.Entry{{Seq: 1, ID: n.ID, Note: n}}); err != nil {
			t.Fatal(err)
		}
		if err := ix.bi.SetInternal(keyMapping, []byte(c.stored)); err != nil {
			t.Fatal(err)
		}
		if err := ix.Close(); err != nil {
			t.Fatal(err)
		}
		current := c.stored == versionText(formatVersion, analysisVersion)
		for _, keep := range []bool{true, false} {
			var logs []string
			logf := func(format string, args ...any) { logs = append(logs, format) }
			open := Open
			if keep {
				open = OpenKeepingStale
			}
			ix, err := open(dir, logf)
			if err != nil {
				t.Fatal(err)
			}
			n, _ := ix.DocCount()
			wantKept := current || (keep && c.keptStale)
			if ix.Stale() != (keep && c.keptStale) || (n == 1) != wantKept {
				t.Errorf("%q, keeping stale %v: stale %v, %d notes (log %q); want kept %v", c.stored, keep, ix.Stale(), n, logs, wantKept)
			}
			if !wantKept && !strings.Contains(strings.Join(logs, " "), "reconstruction") {
				t.Errorf("%q removed without a word: %q", c.stored, logs)
			}
			if err := ix.Close(); err != nil {
				t.Fatal(err)
			}
			if !wantKept {
				break // removed: the next Open finds a new index
			}
		}
	}
}
