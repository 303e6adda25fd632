// Package analytics counts, per day, what readers search for, what finds
// nothing, and where they click, without keeping anything that identifies a
// reader: no address, no user id, no cookie, no time of day. Queries are
// normalised (accents folded, lower case, spaces collapsed); a query seen
// fewer than MinCount times in a day is counted in the day's totals but never
// listed, and its own counter is erased once the day is over; every counter
// is erased after the retention period (90 days).
package analytics

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/encommun/trouvaille/analysis"
)

// Store keeps the daily counters (the note store implements it, under its
// own key prefix). AddAnalytics removes from deltas what it has added, so
// that on error deltas holds exactly what is still to add.
type Store interface {
	AddAnalytics(deltas map[string]int64) error
	ScanAnalytics(from, to string, fn func(key string, n int64) error) error
	DeleteAnalytics(keys []string) error
}

// Defaults.
const (
	// MinCount: a query seen fewer times in a day is never listed.
	MinCount = 3
	// RetentionDays: counters older than this are erased.
	RetentionDays = 90
	// MaxQueryBytes bounds a normalised query as kept (longer: cut).
	MaxQueryBytes = 200
	// MaxPosition bounds the position of a click.
	MaxPosition = 100
	// MaxPending bounds the counters held in memory between flushes (a
	// store refusing writes, a disk full): past it, searches still count in
	// the day's totals but their query is not kept.
	MaxPending = 50000
)

// Key layout (after the store's prefix), day first so that a range of days
// is one scan and retention one delete:
//
//	<day>/n           searches (non-empty query, first page)
//	<day>/z           searches without any result
//	<day>/q/<query>   searches of one normalised query
//	<day>/e/<query>   searches of one normalised query without any result
//	<day>/c/<pos>     clicks on the result at a position (3 digits)
const dayLayout = "2006-01-02"

// ErrInvalid is behind every refused event.
var ErrInvalid = errors.New("événement invalide")

// Options tune a Recorder.
type Options struct {
	// Now is the clock (nil: time.Now); tests inject one.
	Now func() time.Time
	// Location decides where a day starts (nil: time.Local).
	Location *time.Location
	// RetentionDays (0: RetentionDays).
	RetentionDays int
	// Logf reports failures of the background work (nil: discarded).
	Logf func(format string, args ...any)
}

// Recorder counts searches and clicks in memory and adds them to the store
// in batches (Flush). Safe for concurrent use.
type Recorder struct {
	st   Store
	opts Options

	mu      sync.Mutex
	pending map[string]int64
	flushMu sync.Mutex // one flush or maintenance at a time
}

// New returns a recorder over st.
func New(st Store, o Options) *Recorder {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Location == nil {
		o.Location = time.Local
	}
	if o.RetentionDays <= 0 {
		o.RetentionDays = RetentionDays
	}
	if o.Logf == nil {
		o.Logf = func(string, ...any) {}
	}
	return &Recorder{st: st, opts: o, pending: map[string]int64{}}
}

// Normalize folds accents and case and collapses spaces: "  Économie
// SOCIALE " and "economie sociale" are one query. It cuts what is longer
// than MaxQueryBytes (on a character boundary).
func Normalize(q string) string {
	s := strings.Join(strings.Fields(analysis.Fold(q)), " ")
	if len(s) > MaxQueryBytes {
		s = s[:MaxQueryBytes]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
		s = strings.TrimSpace(s)
	}
	return s
}

func (r *Recorder) day(t time.Time) string { return t.In(r.opts.Location).Format(dayLayout) }

// Search counts one search of q that found total notes. An empty query
// (browsing) is not a search and is not counted.
func (r *Recorder) Search(q string, total uint64) {
	n := Normalize(q)
	if n == "" {
		return
	}
	d := r.day(r.opts.Now())
	r.mu.Lock()
	defer r.mu.Unlock()
	keep := len(r.pending) < MaxPending
	r.pending[d+"/n"]++
	if keep {
		r.pending[d+"/q/"+n]++
	}
	if total == 0 {
		r.pending[d+"/z"]++
		if keep {
			r.pending[d+"/e/"+n]++
		}
	}
}

// Click counts a click on the result at position (from 1). The query and
// the note are checked by the caller but not kept: only the position is.
func (r *Recorder) Click(position int) error {
	if position < 1 || position > MaxPosition {
		return fmt.Errorf("%w : position %d hors de 1 à %d", ErrInvalid, position, MaxPosition)
	}
	d := r.day(r.opts.Now())
	r.mu.Lock()
	defer r.mu.Unlock()
	r.pending[fmt.Sprintf("%s/c/%03d", d, position)]++
	return nil
}

// Flush adds the counts held in memory to the store. On failure, those not
// yet added are kept for the next flush (never counted twice).
func (r *Recorder) Flush() error {
	r.flushMu.Lock()
	defer r.flushMu.Unlock()
	r.mu.Lock()
	p := r.pending
	r.pending = map[string]int64{}
	r.mu.Unlock()
	if err := r.st.AddAnalytics(p); err != nil {
		r.mu.Lock()
		for k, v := range p {
			r.pending[k] += v
		}
		r.mu.Unlock()
		return err
	}
	return nil
}

// Maintain flushes, erases every counter older than the retention period,
// and erases the counters of the queries seen fewer than MinCount times on
// a finished day (their searches stay in the day's totals). It returns the
// number of counters erased.
func (r *Recorder) Maintain() (int, error) {
	if err := r.Flush(); err != nil {
		return 0, err
	}
	r.flushMu.Lock()
	defer r.flushMu.Unlock()
	now := r.opts.Now().In(r.opts.Location)
	today := now.Format(dayLayout)
	cutoff := now.AddDate(0, 0, -r.opts.RetentionDays).Format(dayLayout)
	var del []string
	err := r.st.ScanAnalytics("", today, func(key string, n int64) error {
		day, rest, _ := strings.Cut(key, "/")
		if day < cutoff {
			del = append(del, key)
			return nil
		}
		if (strings.HasPrefix(rest, "q/") || strings.HasPrefix(rest, "e/")) && n < MinCount {
			del = append(del, key)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	if err := r.st.DeleteAnalytics(del); err != nil {
		return 0, err
	}
	return len(del), nil
}

// Run flushes every flushEvery and maintains every maintainEvery until ctx
// is done, then flushes a last time.
func (r *Recorder) Run(ctx context.Context, flushEvery, maintainEvery time.Duration) {
	flush := time.NewTicker(flushEvery)
	defer flush.Stop()
	maintain := time.NewTicker(maintainEvery)
	defer maintain.Stop()
	if _, err := r.Maintain(); err != nil {
		r.opts.Logf("statistiques de recherche : %v", err)
	}
	for {
		select {
		case <-ctx.Done():
			if err := r.Flush(); err != nil {
				r.opts.Logf("statistiques de recherche : %v", err)
			}
			return
		case <-flush.C:
			if err := r.Flush(); err != nil {
				r.opts.Logf("statistiques de recherche : %v", err)
			}
		case <-maintain.C:
			if _, err := r.Maintain(); err != nil {
				r.opts.Logf("statistiques de recherche : %v", err)
			}
		}
	}
}

// Report is what GET /v1/analytics answers.
type Report struct {
	From string `json:"from"`
	To   string `json:"to"`
	// Searches, ZeroResults and Clicks are the totals of the period,
	// every query included (listed or not).
	Searches    int64 `json:"searches"`
	ZeroResults int64 `json:"zero_results"`
	Clicks      int64 `json:"clicks"`
	// ZeroResultRate is ZeroResults / Searches (0 without searches).
	ZeroResultRate float64 `json:"zero_result_rate"`
	// Days has one entry per day of the period, in order.
	Days []Day `json:"days"`
	// TopQueries and TopZeroResults list the queries seen at least
	// MinCount times in a day (only those days count), most frequent first.
	TopQueries     []QueryCount `json:"top_queries"`
	TopZeroResults []QueryCount `json:"top_zero_results"`
	// ClickThrough gives, per position, the clicks and their share of the
	// searches that found something.
	ClickThrough []PositionClicks `json:"click_through"`
	// MinCount and RetentionDays state the privacy rules in force.
	MinCount      int `json:"min_count"`
	RetentionDays int `json:"retention_days"`
}

// Day is one day's totals.
type Day struct {
	Date        string `json:"date"`
	Searches    int64  `json:"searches"`
	ZeroResults int64  `json:"zero_results"`
	Clicks      int64  `json:"clicks"`
}

// QueryCount is a normalised query and how often it was searched.
type QueryCount struct {
	Query string `json:"query"`
	Count int64  `json:"count"`
}

// PositionClicks is the click-through at one position.
type PositionClicks struct {
	Position int     `json:"position"`
	Clicks   int64   `json:"clicks"`
	Rate     float64 `json:"rate"`
}

// ParseDay reads a day (AAAA-MM-JJ) in the recorder's location.
func (r *Recorder) ParseDay(s string) (time.Time, error) {
	return time.ParseInLocation(dayLayout, s, r.opts.Location)
}

// Today is the current day in the recorder's location, at midnight.
func (r *Recorder) Today() time.Time {
	t, _ := r.ParseDay(r.day(r.opts.Now()))
	return t
}

// Report reads the days from..to (both included), flushing first; limit
// bounds each top list.
func (r *Recorder) Report(from, to time.Time, limit int) (*Report, error) {
	if err := r.Flush(); err != nil {
		return nil, err
	}
	f, t := from.Format(dayLayout), to.Format(dayLayout)
	rep := &Report{From: f, To: t, MinCount: MinCount, RetentionDays: r.opts.RetentionDays,
		TopQueries: []QueryCount{}, TopZeroResults: []QueryCount{}, ClickThrough: []PositionClicks{}}
	days := map[string]*Day{}
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		day := &Day{Date: d.Format(dayLayout)}
		rep.Days = append(rep.Days, *day)
		days[day.Date] = day
	}
	queries, zeros := map[string]int64{}, map[string]int64{}
	clicks := map[int]int64{}
	end := to.AddDate(0, 0, 1).Format(dayLayout)
	err := r.st.ScanAnalytics(f, end, func(key string, n int64) error {
		date, rest, _ := strings.Cut(key, "/")
		day := days[date]
		if day == nil {
			return nil
		}
		kind, arg, _ := strings.Cut(rest, "/")
		switch kind {
		case "n":
			day.Searches += n
		case "z":
			day.ZeroResults += n
		case "q":
			if n >= MinCount {
				queries[arg] += n
			}
		case "e":
			if n >= MinCount {
				zeros[arg] += n
			}
		case "c":
			if p, err := strconv.Atoi(arg); err == nil {
				clicks[p] += n
				day.Clicks += n
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i := range rep.Days {
		d := days[rep.Days[i].Date]
		rep.Days[i] = *d
		rep.Searches += d.Searches
		rep.ZeroResults += d.ZeroResults
		rep.Clicks += d.Clicks
	}
	if rep.Searches > 0 {
		rep.ZeroResultRate = float64(rep.ZeroResults) / float64(rep.Searches)
	}
	rep.TopQueries = top(queries, limit)
	rep.TopZeroResults = top(zeros, limit)
	found := rep.Searches - rep.ZeroResults
	for p, n := range clicks {
		pc := PositionClicks{Position: p, Clicks: n}
		if found > 0 {
			pc.Rate = float64(n) / float64(found)
		}
		rep.ClickThrough = append(rep.ClickThrough, pc)
	}
	sort.Slice(rep.ClickThrough, func(i, j int) bool { return rep.ClickThrough[i].Position < rep.ClickThrough[j].Position })
	return rep, nil
}

func top(m map[string]int64, limit int) []QueryCount {
	out := make([]QueryCount, 0, len(m))
	for q, n := range m {
		out = append(out, QueryCount{q, n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Query < out[j].Query
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}
