package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/encommun/trouvaille/api"
)

// reindexThrough follows the server's answers to the end: a rebuild it
// started (running, then done or failed), one already under way beside
// the index (409, then running), one rebuilt in place (409 with no build
// beside running: said at once), a server restarted meanwhile (none). The
// real server's answers are covered end to end by TestCommandsBesideAServer;
// here, the cases it cannot reach on demand, each answer as the route
// gives it (api.RebuildState).
func TestReindexThroughFollowsTheServer(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Second)
	later := now.Add(3 * time.Second)
	old := now.Add(-time.Hour)
	state := func(status string, finished *time.Time) api.RebuildState {
		return api.RebuildState{Status: status, StartedAt: &now, FinishedAt: finished, Changes: 12, Message: "message du serveur : " + status}
	}
	for _, c := range []struct {
		name   string
		post   int
		states []api.RebuildState
		ok     bool
		want   string
	}{
		{"started then done", 202, []api.RebuildState{state("running", nil), state("done", &later)}, true, ""},
		{"started then failed", 202, []api.RebuildState{state("running", nil), state("failed", &later)}, false, "message du serveur : failed"},
		{"already running beside", 409, []api.RebuildState{state("running", nil), state("done", &later)}, true, ""},
		{"rebuilt in place", 409, []api.RebuildState{state("done", &old)}, false, "sur place"},
		{"restarted meanwhile", 202, []api.RebuildState{state("running", nil), {Status: "none", Message: "aucune"}}, false, "redémarré"},
		{"wrong token", 401, nil, false, "401"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var gets atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/v1/admin/index/rebuild" || r.Header.Get("Authorization") != "Bearer jeton" {
					http.Error(w, "unexpected", http.StatusTeapot)
					return
				}
				w.Header().Set("Content-Type", "application/json")
				if r.Method == http.MethodPost {
					w.WriteHeader(c.post)
					io.WriteString(w, `{"error":{"code":"x","message":"refus du serveur"}}`)
					return
				}
				i := int(gets.Add(1)) - 1
				json.NewEncoder(w).Encode(c.states[min(i, len(c.states)-1)])
			}))
			defer srv.Close()
			var stderr strings.Builder
			err := reindexThrough(srv.URL, "jeton", "", &stderr)
			if (err == nil) != c.ok || (err != nil && !strings.Contains(err.Error(), c.want)) {
				t.Fatalf("err %v, want ok=%v containing %q (stderr %q)", err, c.ok, c.want, stderr.String())
			}
		})
	}
}
