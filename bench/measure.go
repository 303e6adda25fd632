package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Config is what every runner gets: the same notes file and the same queries.
type Config struct {
	NotesFile string  // JSON lines from Generate
	Notes     int     // number of notes in NotesFile
	Queries   []Query // measured queries
	Warmup    []Query // run first, not measured
	WorkDir   string  // scratch space for this engine (created, removed by the caller)
	Log       io.Writer
}

func (c *Config) logf(format string, args ...any) {
	if c.Log != nil {
		fmt.Fprintf(c.Log, format+"\n", args...)
	}
}

// Latency summarises one query kind.
type Latency struct {
	N        int           `json:"n"`
	P50      time.Duration `json:"p50"`
	P95      time.Duration `json:"p95"`
	P99      time.Duration `json:"p99"`
	Mean     time.Duration `json:"mean"`
	ZeroHits int           `json:"zero_hits"`
	Errors   int           `json:"errors"`
}

// Result is one engine's measures.
type Result struct {
	Engine        string              `json:"engine"`
	Notes         int                 `json:"notes"`
	Ingest        time.Duration       `json:"ingest"`
	DiskBytes     int64               `json:"disk_bytes"`
	PeakRSSIngest int64               `json:"peak_rss_ingest"`
	RSSServing    int64               `json:"rss_serving"`
	AnonServing   int64               `json:"anon_serving"` // AnonMemory once the queries are done
	Startup       time.Duration       `json:"startup"`
	Latency       map[string]*Latency `json:"latency"`
	Notes2        []string            `json:"remarks,omitempty"` // caveats shown under the table
}

// IngestRate returns notes per second.
func (r *Result) IngestRate() float64 {
	if r.Ingest <= 0 {
		return 0
	}
	return float64(r.Notes) / r.Ingest.Seconds()
}

// Searcher answers one query and returns its total hit count.
type Searcher func(ctx context.Context, q Query) (hits int, err error)

// RunQueries runs the warm-up then the measured queries one at a time and
// fills res.Latency. Errors are counted, not fatal, unless all queries fail.
func RunQueries(ctx context.Context, cfg *Config, res *Result, search Searcher) error {
	for _, q := range cfg.Warmup {
		if _, err := search(ctx, q); err != nil && ctx.Err() != nil {
			return ctx.Err()
		}
	}
	samples := map[string][]time.Duration{}
	res.Latency = map[string]*Latency{}
	var firstErr error
	fails := 0
	for _, q := range cfg.Queries {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		l := res.Latency[q.Kind]
		if l == nil {
			l = &Latency{}
			res.Latency[q.Kind] = l
		}
		start := time.Now()
		hits, err := search(ctx, q)
		d := time.Since(start)
		if err != nil {
			l.Errors++
			fails++
			if firstErr == nil {
				firstErr = fmt.Errorf("query %q (%s): %w", q.Q, q.Kind, err)
				cfg.logf("  first error: %v", firstErr)
			}
			continue
		}
		if hits == 0 {
			l.ZeroHits++
		}
		samples[q.Kind] = append(samples[q.Kind], d)
	}
	for kind, s := range samples {
		sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
		l := res.Latency[kind]
		l.N = len(s)
		l.P50, l.P95, l.P99 = percentile(s, 50), percentile(s, 95), percentile(s, 99)
		var sum time.Duration
		for _, d := range s {
			sum += d
		}
		l.Mean = sum / time.Duration(len(s))
	}
	if fails == len(cfg.Queries) && firstErr != nil {
		return firstErr
	}
	return nil
}

// percentile uses the nearest-rank method on sorted samples.
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	k := (p*len(sorted) + 99) / 100
	if k < 1 {
		k = 1
	}
	return sorted[k-1]
}

// DiskUsage returns the bytes allocated under dir, like du (sparse files count
// for their real blocks).
func DiskUsage(dir string) (int64, error) {
	var total int64
	seen := map[uint64]bool{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if st, ok := info.Sys().(*syscall.Stat_t); ok {
			if seen[st.Ino] {
				return nil
			}
			seen[st.Ino] = true
			total += st.Blocks * 512
		} else {
			total += info.Size()
		}
		return nil
	})
	return total, err
}

// procStatusKB reads one "Key:   123 kB" line of /proc/PID/status (or any
// file in that format) and returns bytes.
func procStatusKB(path, key string) int64 {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	for _, line := range bytes.Split(b, []byte("\n")) {
		if bytes.HasPrefix(line, []byte(key+":")) {
			f := strings.Fields(string(line[len(key)+1:]))
			if len(f) > 0 {
				v, _ := strconv.ParseInt(f[0], 10, 64)
				return v * 1024
			}
		}
	}
	return 0
}

// PeakRSS returns VmHWM (peak resident set) of a live process; pid 0 is self.
func PeakRSS(pid int) int64 {
	p := "self"
	if pid > 0 {
		p = strconv.Itoa(pid)
	}
	return procStatusKB("/proc/"+p+"/status", "VmHWM")
}

// ResetPeakRSS resets the VmHWM of a process (Linux: write 5 to clear_refs).
func ResetPeakRSS(pid int) error {
	p := "self"
	if pid > 0 {
		p = strconv.Itoa(pid)
	}
	return os.WriteFile("/proc/"+p+"/clear_refs", []byte("5"), 0)
}

// treePSS returns the summed proportional set size of pid and all its
// descendants. PSS splits shared pages (PostgreSQL's shared buffers) between
// the processes that map them, so the sum does not count them twice.
func treePSS(root int) int64 { return treeSum(root, "Pss") }

// AnonMemory returns the anonymous memory (heaps, stacks: Pss_Anon) of pid
// and all its descendants, pid 0 being this process: the memory a process
// holds of its own, apart from the file pages it maps (an engine reading
// its files through mmap has them in its resident set, one reading them
// with read(2) leaves them in the kernel's page cache; both are the page
// cache, reclaimable, and neither is anonymous).
func AnonMemory(pid int) int64 {
	if pid == 0 {
		pid = os.Getpid()
	}
	return treeSum(pid, "Pss_Anon")
}

// treeSum sums one field of /proc/PID/smaps_rollup over pid and all its
// descendants.
func treeSum(root int, key string) int64 {
	children := map[int][]int{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces, so cut after ')'.
		i := bytes.LastIndexByte(b, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(b[i+1:]))
		if len(f) < 2 {
			continue
		}
		ppid, _ := strconv.Atoi(f[1])
		children[ppid] = append(children[ppid], pid)
	}
	var total int64
	stack := []int{root}
	for len(stack) > 0 {
		pid := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		total += procStatusKB("/proc/"+strconv.Itoa(pid)+"/smaps_rollup", key)
		stack = append(stack, children[pid]...)
	}
	return total
}

// Sampler records the peak of treePSS(pid) every interval until Stop.
type Sampler struct {
	mu   sync.Mutex
	peak int64
	stop chan struct{}
	done chan struct{}
}

// SampleTree starts sampling the memory of the process tree rooted at pid.
func SampleTree(pid func() int, every time.Duration) *Sampler {
	s := &Sampler{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			if p := pid(); p > 0 {
				v := treePSS(p)
				s.mu.Lock()
				s.peak = max(s.peak, v)
				s.mu.Unlock()
			}
			select {
			case <-s.stop:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

// Stop ends sampling and returns the peak seen.
func (s *Sampler) Stop() int64 {
	close(s.stop)
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peak
}

// CountLines returns the number of lines of a file.
func CountLines(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	n := 0
	buf := make([]byte, 1<<20)
	for {
		k, err := f.Read(buf)
		n += bytes.Count(buf[:k], []byte("\n"))
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}

// NoteReader reads a JSON lines notes file one note at a time.
type NoteReader struct {
	f  *os.File
	sc *bufio.Scanner
}

// OpenNotes opens a notes file written by Generate.
func OpenNotes(path string) (*NoteReader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	return &NoteReader{f: f, sc: sc}, nil
}

// Next decodes the next note into n; it returns io.EOF at the end.
func (r *NoteReader) Next(n *Note) error {
	if !r.sc.Scan() {
		if err := r.sc.Err(); err != nil {
			return err
		}
		return io.EOF
	}
	*n = Note{}
	return json.Unmarshal(r.sc.Bytes(), n)
}

// Close closes the file.
func (r *NoteReader) Close() error { return r.f.Close() }

// ReadNotes streams the notes of a JSON lines file to fn.
func ReadNotes(path string, fn func(n *Note) error) error {
	r, err := OpenNotes(path)
	if err != nil {
		return err
	}
	defer r.Close()
	for {
		var n Note
		if err := r.Next(&n); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
		if err := fn(&n); err != nil {
			return err
		}
	}
}
