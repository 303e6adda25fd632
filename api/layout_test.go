package api

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The API and the page reach the engine through its interface only: they
// import neither the ingestion pipeline, the store, the index nor reflect.
func TestAPIAndWebImportOnlyTheEngine(t *testing.T) {
	forbidden := map[string]bool{
		"github.com/encommun/trouvaille/ingest": true,
		"github.com/encommun/trouvaille/store":  true,
		"github.com/encommun/trouvaille/index":  true,
		"reflect":                               true,
	}
	for _, dir := range []string{".", "../web"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		if len(files) == 0 {
			t.Fatalf("no Go files in %s", dir)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			af, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range af.Imports {
				p, _ := strconv.Unquote(imp.Path.Value)
				if forbidden[p] {
					t.Errorf("%s imports %s: go through the engine (trouvaille.Engine) instead", f, p)
				}
			}
		}
	}
}
