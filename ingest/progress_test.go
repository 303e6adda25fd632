package ingest

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/encommun/trouvaille/store"
)

// fakeClock is a manual clock for Progress tests.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }
func newFakeClock() *fakeClock               { return &fakeClock{t: time.Date(2024, 5, 2, 10, 0, 0, 0, time.UTC)} }
func visible(s string) string                { return strings.NewReplacer(thinSpace, " ", nbsp, " ").Replace(s) }
func progressFor(tty bool, total int64) (*Progress, *bytes.Buffer, *fakeClock) {
	var buf bytes.Buffer
	c := newFakeClock()
	return newProgress(&buf, total, tty, c.now), &buf, c
}

func TestProgressPlain(t *testing.T) {
	p, buf, c := progressFor(false, 0)
	c.advance(time.Second)
	p.Add(1000, 0)
	if buf.Len() != 0 {
		t.Fatalf("printed before 2 s: %q", buf.String())
	}
	c.advance(time.Second)
	p.Add(1000, 0)
	c.advance(500 * time.Millisecond)
	p.Add(500, 0) // within 2 s of the last line: silent
	c.advance(2 * time.Second)
	p.Add(10345, 0)
	c.advance(time.Second + 500*time.Millisecond)
	p.Done()
	p.Done() // idempotent
	p.Add(1, 0)
	want := "ingestion : 2 000 notes lues (1 000 notes/s)\n" +
		"ingestion : 12 845 notes lues (2 854 notes/s)\n" +
		"ingestion terminée : 12 845 notes en 6,0 s (2 141 notes/s)\n"
	if got := visible(buf.String()); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if !strings.Contains(buf.String(), "12\u202F845") {
		t.Error("thousands separator is not a narrow no-break space")
	}
}

func TestProgressPlainWithTotal(t *testing.T) {
	p, buf, c := progressFor(false, 1000)
	c.advance(2 * time.Second)
	p.Add(1, 250)
	if got, want := visible(buf.String()), "ingestion : 1 note lue, 25 % (1 notes/s)\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// lastDraw is the bar as last drawn: the text after the last carriage
// return that is followed by something other than spaces.
func lastDraw(s string) string {
	parts := strings.Split(s, "\r")
	for i := len(parts) - 1; i >= 0; i-- {
		if strings.TrimSpace(parts[i]) != "" {
			return strings.TrimRight(parts[i], " ")
		}
	}
	return ""
}

func TestProgressTerminal(t *testing.T) {
	p, buf, c := progressFor(true, 20<<20)
	if p.bar == nil {
		t.Fatal("a terminal gets the bar")
	}
	c.advance(time.Second)
	p.Add(3120, 13<<20) // 65 %
	want := "65% [█████████████░░░░░░░]  · 3 120 notes · 13,0/20,0 Mio · 3 120 notes/s"
	if got := strings.TrimSpace(visible(lastDraw(buf.String()))); got != want {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
	// Redraws are throttled to one per 100 ms (by the injected clock).
	before := buf.Len()
	c.advance(50 * time.Millisecond)
	p.Add(10, 1)
	if buf.Len() != before {
		t.Errorf("redrawn within 100 ms: %q", buf.String()[before:])
	}
	c.advance(50 * time.Millisecond)
	p.Add(10, 7<<20-1)
	if got := strings.TrimSpace(visible(lastDraw(buf.String()))); got != "100% [████████████████████]  · 3 140 notes · 20,0/20,0 Mio · 2 855 notes/s" {
		t.Errorf("got %q", got)
	}
	c.advance(900 * time.Millisecond)
	p.Done()
	out := visible(buf.String())
	if !strings.HasSuffix(out, "\ningestion terminée : 3 140 notes en 2,0 s (1 570 notes/s)\n") {
		t.Errorf("end: %q", out)
	}
	if !strings.Contains(buf.String(), "3\u202F140") {
		t.Error("thousands separator is not a narrow no-break space")
	}
}

func TestProgressTerminalUnknownTotal(t *testing.T) {
	p, buf, c := progressFor(true, 0)
	c.advance(time.Second)
	p.Add(12345, 99)
	if got := visible(lastDraw(buf.String())); !strings.HasSuffix(got, "· 12 345 notes lues · 12 345 notes/s") {
		t.Errorf("got %q", got)
	}
	c.advance(99 * time.Second)
	p.Add(0, 0) // the rate drops: the shorter line replaces the longer one
	out := buf.String()
	if got := visible(lastDraw(out)); !strings.HasSuffix(got, "· 12 345 notes lues · 123 notes/s") {
		t.Errorf("got %q", got)
	}
	// The longer line was erased before the shorter one was drawn.
	i := strings.LastIndex(out, "12\u202F345\u00A0notes/s")
	if j := strings.LastIndex(out, "\r"+strings.Repeat(" ", 20)); i < 0 || j < i {
		t.Errorf("previous line not erased: %q", out)
	}
	p.Done()
	if !strings.HasSuffix(visible(buf.String()), "\ningestion terminée : 12 345 notes en 1 min 40 s (123 notes/s)\n") {
		t.Errorf("end: %q", buf.String())
	}
}

func TestProgressNilAndNonTerminalFile(t *testing.T) {
	var p *Progress
	p.Add(1, 1)
	p.Done()

	f, err := os.CreateTemp(t.TempDir(), "progress")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	q := NewProgress(f, 10)
	if q.bar != nil {
		t.Error("a regular file is not a terminal")
	}
	q.Done()
}

func TestFrenchFormatting(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1 000", 20000: "20 000", 1234567: "1 234 567", -1234: "-1 234"} {
		if got := visible(store.FrenchInt(n)); got != want {
			t.Errorf("FrenchInt(%d) = %q, want %q", n, got, want)
		}
	}
	for d, want := range map[time.Duration]string{
		12 * time.Millisecond:   "12 ms",
		6400 * time.Millisecond: "6,4 s",
		125 * time.Second:       "2 min 05 s",
		62 * time.Minute:        "1 h 02 min",
	} {
		if got := visible(DurationText(d)); got != want {
			t.Errorf("DurationText(%v) = %q, want %q", d, got, want)
		}
	}
	if got := visible(sizeText(512, 2048)); got != "0,5/2,0 Kio" {
		t.Errorf("sizeText = %q", got)
	}
}

// An ingest an error stopped says « interrompue » (it said « terminée »
// before the error).
func TestProgressStopped(t *testing.T) {
	p, buf, c := progressFor(false, 0)
	p.Add(3, 0)
	c.advance(time.Second)
	p.Stopped()
	p.Done() // after Stopped: nothing more
	if got, want := visible(buf.String()), "ingestion interrompue : 3 notes en 1,0 s (3 notes/s)\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
