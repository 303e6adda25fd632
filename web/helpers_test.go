package web

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"os"
	"sync"
	"testing"

	trouvaille "github.com/encommun/trouvaille"
	"github.com/encommun/trouvaille/api"
)

var (
	srvOnce sync.Once
	srv     *httptest.Server
	srvEng  *trouvaille.Engine
	srvErr  error
	srvDir  string
)

// testServer serves the API and the page over the demo corpus, loaded once
// for the whole package into real Badger and Bleve in a temp folder.
func testServer(t *testing.T) (*httptest.Server, *trouvaille.Engine) {
	t.Helper()
	srvOnce.Do(func() {
		srvDir, srvErr = os.MkdirTemp("", "trouvaille-web-")
		if srvErr != nil {
			return
		}
		srvEng, srvErr = trouvaille.Open(srvDir, trouvaille.OpenOptions{})
		if srvErr != nil {
			return
		}
		rep, err := (&trouvaille.Ingester{Engine: srvEng}).Ingest(bytes.NewReader(trouvaille.DemoNotes), "notes.jsonl")
		if err != nil {
			srvErr = err
			return
		}
		if rep.Rejected > 0 {
			t.Logf("demo corpus: %d rejected", rep.Rejected)
		}
		srv = httptest.NewServer(api.New(srvEng, api.Config{AnonymousRatePerMinute: -1}, Routes(srvEng, WithLogf(t.Logf))))
	})
	if srvErr != nil {
		t.Fatal(srvErr)
	}
	return srv, srvEng
}

func TestMain(m *testing.M) {
	code := m.Run()
	if srv != nil {
		srv.Close()
	}
	if srvEng != nil {
		srvEng.Close()
	}
	if srvDir != "" {
		os.RemoveAll(srvDir)
	}
	os.Exit(code)
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }
