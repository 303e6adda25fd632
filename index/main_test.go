package index

import (
	"os"
	"testing"
)

// TestMain removes the indexes shared by the package's tests (the demo
// corpus's, the fuzz index) once they have all run.
func TestMain(m *testing.M) {
	code := m.Run()
	for _, c := range []struct {
		ix  *Index
		dir string
	}{{demoIndex, demoDir}, {fuzzIx.fresh, ""}, {fuzzIx.ix, fuzzIx.dir}} {
		if c.ix != nil {
			c.ix.Close()
		}
		if c.dir != "" {
			os.RemoveAll(c.dir)
		}
	}
	os.Exit(code)
}
