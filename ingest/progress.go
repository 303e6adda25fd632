package ingest

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/encommun/trouvaille/store"
	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// Typographic spaces used in French numbers.
const (
	thinSpace = "\u202F" // narrow no-break space: thousands separator
	nbsp      = "\u00A0" // no-break space: before units and %
)

const (
	plainEvery = 2 * time.Second        // at most one plain line per interval
	ttyEvery   = 100 * time.Millisecond // at most one redraw per interval
	barCells   = 20
)

// Progress prints ingest progress to a writer: on a terminal, a bar redrawn
// in place (github.com/schollz/progressbar/v3) with the French counts beside
// it; otherwise a plain line at most every 2 s. It is safe for concurrent
// use; a nil *Progress does nothing.
type Progress struct {
	mu    sync.Mutex
	w     io.Writer
	total int64                    // bytes, 0 when unknown
	bar   *progressbar.ProgressBar // terminal only
	now   func() time.Time

	start time.Time
	last  time.Time // last output
	drawn bool      // the bar was drawn at least once
	notes int64
	bytes int64
	done  bool
}

// NewProgress returns a Progress writing to w. totalBytes is the size of the
// input (0 when unknown, e.g. standard input).
func NewProgress(w io.Writer, totalBytes int64) *Progress {
	return NewProgressWithClock(w, totalBytes, time.Now)
}

// NewProgressWithClock is NewProgress with an injectable clock.
func NewProgressWithClock(w io.Writer, totalBytes int64, now func() time.Time) *Progress {
	tty := false
	if f, ok := w.(*os.File); ok {
		tty = term.IsTerminal(int(f.Fd()))
	}
	return newProgress(w, totalBytes, tty, now)
}

func newProgress(w io.Writer, totalBytes int64, tty bool, now func() time.Time) *Progress {
	if totalBytes < 0 {
		totalBytes = 0
	}
	t := now()
	p := &Progress{w: w, total: totalBytes, now: now, start: t, last: t}
	if tty {
		p.bar = newBar(w, totalBytes)
	}
	return p
}

// newBar configures the terminal bar: its percentage and bar only, the
// counts (French) being its description, redrawn by Progress itself at most
// every ttyEvery. The bar's own English units, rates and time predictions
// are off; so is its spinner goroutine (unknown sizes).
func newBar(w io.Writer, totalBytes int64) *progressbar.ProgressBar {
	max := totalBytes
	if max == 0 {
		max = -1 // unknown size: a spinner
	}
	return progressbar.NewOptions64(max,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetWidth(barCells),
		progressbar.OptionSetTheme(progressbar.Theme{Saucer: "█", SaucerPadding: "░", BarStart: "[", BarEnd: "]"}),
		progressbar.OptionSetPredictTime(false),
		progressbar.OptionSetElapsedTime(false),
		progressbar.OptionShowBytes(false),
		progressbar.OptionShowTotalBytes(false),
		progressbar.OptionSetSpinnerChangeInterval(0),
		progressbar.OptionShowDescriptionAtLineEnd(),
		progressbar.OptionSetRenderBlankState(false),
	)
}

// Add records notes read and input bytes consumed since the last call.
func (p *Progress) Add(notes int, bytes int64) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done {
		return
	}
	p.notes += int64(notes)
	p.bytes += bytes
	t := p.now()
	if p.bar != nil {
		if !p.drawn || t.Sub(p.last) >= ttyEvery {
			p.draw(t)
		}
		return
	}
	if t.Sub(p.last) >= plainEvery {
		p.last = t
		fmt.Fprintf(p.w, "ingestion : %s%s\n", p.countText(), p.paren(t))
	}
}

// Done prints the final state and a summary line. Later calls do nothing.
func (p *Progress) Done() { p.finish("ingestion terminée") }

// Stopped is Done for an ingest that an error stopped: its summary says
// « ingestion interrompue », not « terminée ».
func (p *Progress) Stopped() { p.finish("ingestion interrompue") }

func (p *Progress) finish(what string) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done {
		return
	}
	p.done = true
	t := p.now()
	if p.bar != nil {
		p.draw(t)
		_ = p.bar.Exit()
		io.WriteString(p.w, "\n")
	}
	elapsed := t.Sub(p.start)
	line := fmt.Sprintf("%s : %s en %s", what, notesText(p.notes), DurationText(elapsed))
	if r := p.rate(t); r != "" {
		line += " (" + r + ")"
	}
	io.WriteString(p.w, line+"\n")
}

// draw redraws the bar with the French counts as its description:
// "3 120 notes · 13,0/20,0 Mio · 3 120 notes/s".
func (p *Progress) draw(t time.Time) {
	p.last = t
	p.drawn = true
	var parts []string
	if p.total > 0 {
		parts = append(parts, notesText(p.notes), sizeText(p.bytes, p.total))
	} else {
		parts = append(parts, notesText(p.notes)+" "+readWord(p.notes))
	}
	if r := p.rate(t); r != "" {
		parts = append(parts, r)
	}
	if p.total > 0 {
		_ = p.bar.Set64(min(p.bytes, p.total))
	} else {
		_ = p.bar.Set64(p.bytes)
	}
	p.bar.Describe("· " + strings.Join(parts, " · "))
}

// countText is "12 345 notes lues" (with the percentage when the size is known).
func (p *Progress) countText() string {
	s := notesText(p.notes) + " " + readWord(p.notes)
	if p.total > 0 {
		pct := max(0, min(p.bytes*100/p.total, 100))
		s += ", " + strconv.FormatInt(pct, 10) + nbsp + "%"
	}
	return s
}

func (p *Progress) paren(t time.Time) string {
	if r := p.rate(t); r != "" {
		return " (" + r + ")"
	}
	return ""
}

// rate is the average throughput since the start, "" before any time passed.
func (p *Progress) rate(t time.Time) string {
	d := t.Sub(p.start)
	if d <= 0 {
		return ""
	}
	r := float64(p.notes) / d.Seconds()
	return store.FrenchInt(int64(r+0.5)) + nbsp + "notes/s"
}

func notesText(n int64) string {
	if n < 2 {
		return store.FrenchInt(n) + " note"
	}
	return store.FrenchInt(n) + " notes"
}

func readWord(n int64) string {
	if n < 2 {
		return "lue"
	}
	return "lues"
}

// sizeText renders "done/total unit" with one decimal and a decimal comma,
// the unit (Kio, Mio, Gio) chosen from total: "8,1/13,0 Mio".
func sizeText(done, total int64) string {
	unit, div := "Kio", float64(1<<10)
	switch {
	case total >= 1<<30:
		unit, div = "Gio", 1<<30
	case total >= 1<<20:
		unit, div = "Mio", 1<<20
	}
	f := func(b int64) string {
		return strings.Replace(strconv.FormatFloat(float64(b)/div, 'f', 1, 64), ".", ",", 1)
	}
	return f(done) + "/" + f(total) + nbsp + unit
}

// DurationText renders d the French way: "12 ms", "6,4 s", "2 min 05 s",
// "1 h 02 min".
func DurationText(d time.Duration) string {
	switch {
	case d < time.Second:
		return strconv.FormatInt(d.Round(time.Millisecond).Milliseconds(), 10) + nbsp + "ms"
	case d < time.Minute:
		return strings.Replace(strconv.FormatFloat(d.Seconds(), 'f', 1, 64), ".", ",", 1) + nbsp + "s"
	case d < time.Hour:
		s := int(d.Round(time.Second).Seconds())
		return fmt.Sprintf("%d%smin %02d%ss", s/60, nbsp, s%60, nbsp)
	default:
		m := int(d.Round(time.Minute).Minutes())
		return fmt.Sprintf("%d%sh %02d%smin", m/60, nbsp, m%60, nbsp)
	}
}
