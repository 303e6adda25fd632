package index

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch"

	"github.com/encommun/trouvaille/oplog"
	"github.com/encommun/trouvaille/store"
)

// The pauses after failed background writes: doubled from the first,
// capped, per task; a write that succeeds starts again from the first;
// hurry and close end a pause under way.
func TestRetryPauses(t *testing.T) {
	// The README and docs/operations.md give these bounds.
	if firstRetryPause != 100*time.Millisecond || maxRetryPause != 10*time.Second || closeGiveUpFailures != 3 {
		t.Fatalf("pauses %s to %s, Close gives up after %d tries: the README says 100 ms to 10 s, 3 tries", firstRetryPause, maxRetryPause, closeGiveUpFailures)
	}
	defer func(f, m time.Duration) { firstRetryPause, maxRetryPause = f, m }(firstRetryPause, maxRetryPause)
	firstRetryPause, maxRetryPause = time.Microsecond, 8*time.Microsecond
	var logged []string
	var mu sync.Mutex
	at := func(level string) func(string, ...any) {
		return func(f string, a ...any) {
			mu.Lock()
			logged = append(logged, level+" "+fmt.Sprintf(f, a...))
			mu.Unlock()
		}
	}
	w := watchDisk(t.TempDir(), oplog.Logger{Info: at("INFO"), Warn: at("WARN"), Error: at("ERROR")})
	defer w.close()
	persistErr := scorch.NewScorchError("persister", "got err persisting snapshot: no space left on device", scorch.ErrPersist)
	mergeErr := scorch.NewScorchError("merger", "merging err: no space left on device", scorch.ErrPersist)
	pause := func(source string) time.Duration {
		w.mu.Lock()
		defer w.mu.Unlock()
		if s := w.streaks[source]; s != nil {
			return s.pause
		}
		return 0
	}
	var got []time.Duration
	for range 6 {
		w.failed(persistErr)
		got = append(got, pause("persister"))
	}
	want := []time.Duration{1, 2, 4, 8, 8, 8}
	for i := range want {
		if got[i] != want[i]*time.Microsecond {
			t.Fatalf("pauses %v, want %v µs", got, want)
		}
	}
	w.failed(mergeErr)
	if pause("merger") != time.Microsecond || pause("persister") != 8*time.Microsecond {
		t.Errorf("the merger's run is not its own: merger %v, persister %v", pause("merger"), pause("persister"))
	}
	if n := w.persistFailures.Load(); n != 6 {
		t.Errorf("persister failures %d, want 6 (the merger's not counted)", n)
	}
	w.progressed(scorch.EventKindPersisterProgress)
	if pause("persister") != 0 || pause("merger") != time.Microsecond {
		t.Errorf("after the persister's progress: persister %v, merger %v", pause("persister"), pause("merger"))
	}
	w.failed(persistErr)
	if pause("persister") != time.Microsecond {
		t.Errorf("a new run starts at %v, want the first pause", pause("persister"))
	}
	mu.Lock()
	all := strings.Join(logged, "\n")
	mu.Unlock()
	// A failed write is an error (the index cannot be written: the disk
	// is full, most often), its end routine.
	for want, level := range map[string]string{"écriture sur le disque impossible (persister, 1 essai(s))": "ERROR", "écriture sur le disque reprise (persister) après 6 échec(s)": "INFO", "libérez de la place": "ERROR"} {
		if !slices.ContainsFunc(logged, func(l string) bool { return strings.HasPrefix(l, level+" ") && strings.Contains(l, want) }) {
			t.Errorf("log lacks %q at level %s:\n%s", want, level, all)
		}
	}
	// A panic of a background task is said, never paused on; the index is
	// rebuilt: a warning.
	w.failed(scorch.NewScorchError("persister", "panic: boom", scorch.ErrAsyncPanic))
	if last := logged[len(logged)-1]; !strings.HasPrefix(last, "WARN ") || !strings.Contains(last, "sera reconstruit à partir du magasin") {
		t.Errorf("panic not logged as such: %q", last)
	}
	// hurry and close end long pauses.
	maxRetryPause, firstRetryPause = time.Hour, time.Hour
	for _, end := range []func(){w.hurry, w.close} {
		w.pauses.Store(0)
		done := make(chan struct{})
		go func() { w.failed(persistErr); close(done) }()
		for w.pauses.Load() == 0 {
			time.Sleep(time.Millisecond)
		}
		end()
		select {
		case <-done:
		case <-time.After(time.Minute):
			t.Fatal("a pause of an hour did not end")
		}
	}
	if findWatch(func(x *diskWatch) bool { return x == w }) != nil {
		t.Error("a closed watch is still registered")
	}
}

// On a really full disk (a small tmpfs, as root), Bleve's persister no
// longer retries in a loop: a few tries in seconds, where it made hundreds
// (both cores busy on an idle server); searches see the notes applied
// meanwhile; the writes resume once room is back; and Close on a full disk
// gives up after a few failed tries instead of waiting 45 s.
func TestFullDiskPausesIndexWrites(t *testing.T) {
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI runs as root: this test mounts a tmpfs")
		}
		t.Skip("needs root to mount a small tmpfs")
	}
	mnt := filepath.Join(t.TempDir(), "petit")
	os.MkdirAll(mnt, 0o755)
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", mnt).CombinedOutput(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("mount a tmpfs: %v %s", err, out)
		}
		t.Skipf("no tmpfs: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", mnt).Run() })
	var mu sync.Mutex
	var logged strings.Builder
	logf := func(f string, a ...any) {
		mu.Lock()
		fmt.Fprintf(&logged, f+"\n", a...)
		mu.Unlock()
	}
	logs := func() string {
		mu.Lock()
		defer mu.Unlock()
		return logged.String()
	}
	dir := filepath.Join(mnt, "index")
	ix, err := Open(dir, logf)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	seq := uint64(0)
	batch := func(n int) []store.Entry {
		var es []store.Entry
		for range n {
			seq++
			var b strings.Builder
			for b.Len() < 20_000 {
				fmt.Fprintf(&b, "jardin%d quartier ", rng.IntN(1_000_000))
			}
			id := fmt.Sprintf("n%04d", seq)
			es = append(es, store.Entry{Seq: seq, ID: id, Note: &store.Note{ID: id, Type: "note", Title: "Note " + id, Body: b.String(), Visibility: "public"}})
		}
		return es
	}
	apply := func(n int) {
		t.Helper()
		if err := ix.Apply(batch(n)); err != nil {
			t.Fatal(err)
		}
	}
	apply(20)
	// Fill the disk.
	fill := filepath.Join(mnt, "remplissage")
	f, err := os.Create(fill)
	if err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 64<<10)
	for {
		if _, err := f.Write(chunk); err != nil {
			break
		}
	}
	f.Close()
	apply(20)
	waitFailures := func(n uint64) {
		t.Helper()
		deadline := time.Now().Add(time.Minute)
		for ix.watch.persistFailures.Load() < n {
			if time.Now().After(deadline) {
				t.Fatalf("the persister never failed on a full disk (%d failures)", ix.watch.persistFailures.Load())
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	waitFailures(1)
	before := ix.watch.persistFailures.Load()
	time.Sleep(3 * time.Second)
	tries := ix.watch.persistFailures.Load() - before
	t.Logf("persister failures in 3 s on a full disk: %d", tries)
	if tries > 10 {
		t.Errorf("the persister failed %d times in 3 s: it retries in a loop", tries)
	}
	if n, err := ix.bi.DocCount(); err != nil || n != 40 {
		t.Errorf("documents searchable on a full disk: %d, %v; want 40", n, err)
	}
	if !strings.Contains(logs(), "écriture sur le disque impossible") {
		t.Errorf("the failure was not logged:\n%s", logs())
	}
	// Room is back: the writes resume (within the longest pause).
	os.Remove(fill)
	deadline := time.Now().Add(time.Minute)
	for !strings.Contains(logs(), "écriture sur le disque reprise (persister)") {
		if time.Now().After(deadline) {
			t.Fatalf("writes did not resume once room was back:\n%s", logs())
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Full again: Close gives up after a few failed tries.
	f, _ = os.Create(fill)
	for {
		if _, err := f.Write(chunk); err != nil {
			break
		}
	}
	f.Close()
	apply(20)
	waitFailures(ix.watch.persistFailures.Load() + 1)
	err = ix.Close()
	if err == nil || !strings.Contains(err.Error(), "essais ont échoué") {
		t.Fatalf("Close on a full disk: %v, want the failed tries said", err)
	}
	// Once room is back the index opens with what was written before the
	// disk filled again; the store would catch up the rest.
	os.Remove(fill)
	ix, err = Open(dir, logf)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if got := ix.LastSeq(); got < 40 || got > 60 {
		t.Errorf("reopened at sequence %d, want 40 (written when room came back) to 60", got)
	}
}

// A panic that stops one of Bleve's background tasks (scorch recovers it
// and the task ends) marks the index broken and tells the engine once; Close
// then skips the last write, which could wait for a task that is gone.
func TestBackgroundPanicMarksIndexBroken(t *testing.T) {
	ix, _ := openTestIndex(t, testNotes)
	var told []error
	ix.OnBroken(func(err error) { told = append(told, err) })
	if ix.Broken() != nil {
		t.Fatal("a new index is broken")
	}
	boom := scorch.NewScorchError("introducer", "panic: boom", scorch.ErrAsyncPanic)
	ix.watch.failed(boom)
	ix.watch.failed(boom)
	if len(told) != 1 || ix.Broken() == nil {
		t.Fatalf("told %d times, Broken() = %v; want once and the panic", len(told), ix.Broken())
	}
	err := ix.Close()
	if err == nil || !strings.Contains(err.Error(), "erreur interne de Bleve") {
		t.Errorf("Close of a broken index: %v, want the last write skipped and said", err)
	}
}
