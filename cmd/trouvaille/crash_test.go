package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// The long run is one command (its figures go to docs/reliability.md):
//
//	go test ./cmd/trouvaille -run TestCrashHarness -v -timeout 60m -args -crash.kills 20 -crash.notes 10000
var (
	crashKills  = flag.Int("crash.kills", 4, "SIGKILLs of the crash harness")
	crashNotes  = flag.Int("crash.notes", 2000, "notes the crash harness writes in all")
	crashSeed   = flag.Uint64("crash.seed", 7, "seed of the crash harness")
	crashReport = flag.String("crash.report", "", "file to write the crash harness figures to (JSON)")
)

// crashNote is note i of the harness; version v changes its body (an update).
func crashNote(i, v int) string {
	b, _ := json.Marshal(map[string]any{
		"id":         fmt.Sprintf("crash-%05d", i),
		"title":      fmt.Sprintf("Note d’essai %s", word(i)),
		"body":       fmt.Sprintf("Version %d de la note : les participant·es écrivent pendant que le serveur tombe.", v),
		"visibility": "public",
	})
	return string(b)
}

// TestCrashHarness streams notes through POST /v1/notes while concurrent
// searches run, kills the server with SIGKILL at seeded random moments,
// restarts it, and checks after each restart that every acknowledged note is
// stored and findable, that no note is duplicated, that the index converges
// to the store within 5 s and that the folder always opens.
func TestCrashHarness(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the real binary many times")
	}
	rng := rand.New(rand.NewPCG(*crashSeed, 1))
	data := filepath.Join(t.TempDir(), "data")
	acked := map[string]int{} // id -> last acknowledged version
	sent := map[string]bool{} // every id ever sent
	next := 0                 // next new note
	var worst time.Duration
	kills := 0
	var lastSeq uint64
	lostTotal, writes := 0, 0

	p := startServe(t, data)
	for kills < *crashKills || next < *crashNotes {
		// Searches run beside the writes, until the kill.
		stop := make(chan struct{})
		var searches atomic.Int64
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, _, err := p.search("note essai"); err == nil {
					searches.Add(1)
				}
			}
		}()

		// Write for a random moment, then kill wherever the server is.
		killAt := time.Now().Add(time.Duration(30+rng.IntN(400)) * time.Millisecond)
		if kills >= *crashKills {
			killAt = time.Now().Add(time.Hour) // last round: write the rest, no kill
		}
		writerDone := make(chan struct{})
		go func() {
			defer close(writerDone)
			for next < *crashNotes && time.Now().Before(killAt) {
				var body bytes.Buffer
				n := 1 + rng.IntN(60)
				ids, versions := []string{}, []int{}
				for k := 0; k < n && next < *crashNotes; k++ {
					i, v := next, 1
					if next > 10 && rng.IntN(5) == 0 { // an update of an earlier note
						i = rng.IntN(next)
						v = acked[fmt.Sprintf("crash-%05d", i)] + 1 + rng.IntN(3)
					} else {
						next++
					}
					id := fmt.Sprintf("crash-%05d", i)
					body.WriteString(crashNote(i, v))
					body.WriteByte('\n')
					ids, versions = append(ids, id), append(versions, v)
					sent[id] = true
				}
				var r writeReply
				code, err := p.do("POST", "/v1/notes", "application/x-ndjson", &body, &r)
				if err != nil || code != 200 {
					return // killed in flight: not acknowledged
				}
				if len(r.Rejected) > 0 {
					t.Errorf("valid notes rejected: %+v", r.Rejected)
				}
				if r.Seq < lastSeq {
					t.Errorf("seq went back: %d after %d", r.Seq, lastSeq)
				}
				lastSeq = r.Seq
				for k, id := range ids {
					acked[id] = versions[k]
				}
			}
		}()
		if kills < *crashKills {
			time.Sleep(time.Until(killAt))
			p.cmd.Process.Signal(syscall.SIGKILL)
			kills++
		}
		<-writerDone
		close(stop)
		wg.Wait()
		p.kill()

		// Restart: the folder must open, the index converge, every acked note be there.
		p = startServe(t, data)
		d, err := p.converge(5 * time.Second)
		if err != nil {
			t.Fatalf("after kill %d: %v\n%s", kills, err, p.out.String())
		}
		if d > worst {
			worst = d
		}
		lostTotal += checkAcked(t, p, acked, sent, kills)
		writes++
		if t.Failed() {
			return
		}
	}
	p.kill()
	fig := map[string]any{
		"kills": kills, "notes_acknowledged": len(acked), "notes_lost": lostTotal, "restarts_checked": writes,
		"worst_convergence_ms": worst.Milliseconds(), "seed": *crashSeed,
		"date": time.Now().UTC().Format(time.RFC3339),
	}
	t.Logf("crash harness: %v", fig)
	if *crashReport != "" {
		b, _ := json.MarshalIndent(fig, "", "  ")
		if err := os.WriteFile(*crashReport, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// checkAcked verifies every acknowledged note through GET /v1/notes/{id} and
// search, and that the notes found are no more than the ids ever sent.
func checkAcked(t *testing.T, p *proc, acked map[string]int, sent map[string]bool, kills int) (lost int) {
	t.Helper()
	for id, v := range acked {
		var n struct {
			ID   string `json:"id"`
			Body string `json:"body"`
		}
		code, err := p.do("GET", "/v1/notes/"+id, "", nil, &n)
		if err != nil || code != 200 {
			lost++
			if lost < 5 {
				t.Errorf("after kill %d: acknowledged note %s: status %d, %v", kills, id, code, err)
			}
			continue
		}
		// A later, unacknowledged version may have reached the store; an
		// earlier one must not come back.
		var got int
		fmt.Sscanf(n.Body, "Version %d", &got)
		if got < v {
			t.Errorf("after kill %d: note %s is version %d, version %d was acknowledged", kills, id, got, v)
		}
		var i int
		fmt.Sscanf(id, "crash-%d", &i)
		r, code, err := p.search(`"` + word(i) + `"`)
		if err != nil || code != 200 || r.Total != 1 || len(r.Hits) != 1 || r.Hits[0].ID != id {
			t.Errorf("after kill %d: search for note %s (%s): status %d, %+v, %v", kills, id, word(i), code, r, err)
		}
	}
	if lost > 0 {
		t.Errorf("after kill %d: %d acknowledged notes lost", kills, lost)
	}
	all, code, err := p.search("")
	if err != nil || code != 200 {
		t.Fatalf("after kill %d: list all: %d %v", kills, code, err)
	}
	if all.Total < len(acked) || all.Total > len(sent) {
		t.Errorf("after kill %d: %d notes searchable; %d acknowledged, %d distinct ids sent (duplicates or losses)", kills, all.Total, len(acked), len(sent))
	}
	return lost
}
