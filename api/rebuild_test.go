package api

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	trouvaille "github.com/encommun/trouvaille"
)

// busyEngine is a real engine whose index is being rebuilt already.
type busyEngine struct{ *trouvaille.Engine }

func (busyEngine) RebuildBeside() error { return trouvaille.ErrRebuildRunning }

// fullEngine is a real engine on a disk without room for a second index.
type fullEngine struct{ *trouvaille.Engine }

func (fullEngine) RebuildBeside() error {
	return fmt.Errorf("%w : pas assez de place pour construire le nouvel index; libérez de la place", trouvaille.ErrDiskFull)
}

// POST /v1/admin/index/rebuild, with the admin token, starts a rebuild
// beside the index in service and answers 202 at once; the searches go
// on; a second one while it runs gets 409 rebuild_running. Without the
// token, or with a parameter, it is refused and nothing starts.
func TestRebuildRoute(t *testing.T) {
	const admin = "jeton-admin-de-test"
	srv, eng := newWriteServer(t, Config{AdminToken: admin, AnonymousRatePerMinute: -1})
	if code, b := send(t, srv, "POST", "/v1/notes", admin, "application/x-ndjson", `{"id":"a1","title":"Sécurité alimentaire à Rimouski","visibility":"public"}`); code != 200 {
		t.Fatalf("write: %d %s", code, b)
	}
	for _, c := range []struct {
		token, path string
		code        int
		errCode     string
	}{
		{"", "/v1/admin/index/rebuild", 401, "unauthorized"},
		{"mauvais", "/v1/admin/index/rebuild", 401, "unauthorized"},
		{admin, "/v1/admin/index/rebuild?tout=1", 400, "unknown_parameter"},
	} {
		code, b := send(t, srv, "POST", c.path, c.token, "", "")
		var e ErrorBody
		json.Unmarshal(b, &e)
		if code != c.code || e.Error.Code != c.errCode {
			t.Errorf("%s with %q: %d %s, want %d %s", c.path, c.token, code, b, c.code, c.errCode)
		}
	}
	if eng.Stats().IndexBuildingBeside {
		t.Fatal("a refused request started a rebuild")
	}
	// The state of the last rebuild: admin only, none before the first.
	state := func() RebuildState {
		t.Helper()
		code, b := send(t, srv, "GET", "/v1/admin/index/rebuild", admin, "", "")
		var st RebuildState
		if err := json.Unmarshal(b, &st); code != 200 || err != nil || st.Message == "" {
			t.Fatalf("rebuild state: %d %s", code, b)
		}
		return st
	}
	for _, tok := range []string{"", "mauvais"} {
		if code, b := send(t, srv, "GET", "/v1/admin/index/rebuild", tok, "", ""); code != 401 {
			t.Errorf("rebuild state with %q: %d %s, want 401", tok, code, b)
		}
	}
	if code, b := send(t, srv, "GET", "/v1/admin/index/rebuild?etat=1", admin, "", ""); code != 400 {
		t.Errorf("rebuild state with a parameter: %d %s, want 400", code, b)
	}
	if st := state(); st.Status != "none" || st.StartedAt != nil {
		t.Errorf("state before any rebuild: %+v", st)
	}
	before := time.Now().UTC().Truncate(time.Second)
	code, b := send(t, srv, "POST", "/v1/admin/index/rebuild", admin, "", "")
	if code != 202 || !strings.Contains(string(b), `"status":"started"`) || !strings.Contains(string(b), "continue de répondre") {
		t.Fatalf("rebuild: %d %s", code, b)
	}
	if code, b := send(t, srv, "GET", "/v1/search?q=alimentaire", "", "", ""); code != 200 || !strings.Contains(string(b), `"a1"`) {
		t.Errorf("search right after the rebuild started: %d %s", code, b)
	}
	if st := state(); (st.Status != "running" && st.Status != "done") || st.StartedAt == nil || st.StartedAt.Before(before) || st.Upgrade {
		t.Errorf("state right after the rebuild started: %+v", st)
	}
	deadline := time.Now().Add(60 * time.Second)
	for eng.Stats().IndexBuildingBeside && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if code, b := send(t, srv, "GET", "/v1/search?q=alimentaire", "", "", ""); code != 200 || !strings.Contains(string(b), `"a1"`) {
		t.Errorf("search after the rebuild: %d %s", code, b)
	}
	if st := state(); st.Status != "done" || st.FinishedAt == nil || !st.FinishedAt.After(*st.StartedAt) || st.Changes < 1 || !strings.Contains(st.Message, "nouvel index en service") {
		t.Errorf("state after the rebuild: %+v", st)
	}

	busy := httptest.NewServer(New(busyEngine{eng}, Config{AdminToken: admin, AnonymousRatePerMinute: -1}))
	defer busy.Close()
	code, b = send(t, busy, "POST", "/v1/admin/index/rebuild", admin, "", "")
	var e ErrorBody
	json.Unmarshal(b, &e)
	if code != 409 || e.Error.Code != "rebuild_running" || !strings.Contains(e.Error.Message, "déjà en cours") {
		t.Errorf("a rebuild while one runs: %d %s, want 409 rebuild_running", code, b)
	}

	full := httptest.NewServer(New(fullEngine{eng}, Config{AdminToken: admin, AnonymousRatePerMinute: -1}))
	defer full.Close()
	code, b = send(t, full, "POST", "/v1/admin/index/rebuild", admin, "", "")
	e = ErrorBody{}
	json.Unmarshal(b, &e)
	if code != 507 || e.Error.Code != "disk_full" || !strings.Contains(e.Error.Message, "libérez de la place") {
		t.Errorf("a rebuild without room: %d %s, want 507 disk_full saying what to do", code, b)
	}
}

// countingBackups is a real engine that counts the backups it writes.
type countingBackups struct {
	*trouvaille.Engine
	n *atomic.Int32
}

func (e countingBackups) Backup(w io.Writer) (uint64, error) {
	e.n.Add(1)
	return e.Engine.Backup(w)
}

// HEAD /v1/admin/backup wrote a whole copy of the store and threw it away
// (every GET route answers HEAD): now the headers only; GET writes it.
func TestBackupHeadWritesNothing(t *testing.T) {
	const admin = "jeton-admin-de-test"
	_, eng := newWriteServer(t, Config{})
	var n atomic.Int32
	srv := httptest.NewServer(New(countingBackups{eng, &n}, Config{AdminToken: admin}))
	defer srv.Close()
	code, b := send(t, srv, "HEAD", "/v1/admin/backup", admin, "", "")
	if code != 200 || len(b) != 0 || n.Load() != 0 {
		t.Errorf("HEAD: %d, %d bytes, %d backups written", code, len(b), n.Load())
	}
	code, b = send(t, srv, "GET", "/v1/admin/backup", admin, "", "")
	if code != 200 || len(b) == 0 || n.Load() != 1 {
		t.Errorf("GET: %d, %d bytes, %d backups written", code, len(b), n.Load())
	}
}
