package main

// A harness that runs the real binary as a subprocess: the crash, SIGTERM,
// disk-full and backup tests drive it over HTTP like an operator would.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const harnessToken = "jeton-de-test-harnais"

// harnessClient opens a connection per request: the servers under test are
// killed and restarted, and a kept-alive connection to a server that has
// just closed it would turn into a spurious EOF on the next write.
var harnessClient = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

// TestMain removes the binary built for the harness when the tests end
// (about 50 MB per run otherwise left in the temporary folder).
func TestMain(m *testing.M) {
	code := m.Run()
	if builtBin != "" {
		os.RemoveAll(filepath.Dir(builtBin))
	}
	os.Exit(code)
}

// binary builds cmd/trouvaille once per test process.
func binary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "trouvaille-bin-")
		if err != nil {
			buildErr = err
			return
		}
		builtBin = filepath.Join(dir, "trouvaille")
		out, err := exec.Command("go", "build", "-o", builtBin, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBin
}

// freeAddr returns a loopback address with a port that was free a moment ago.
func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// proc is one running trouvaille subprocess.
type proc struct {
	cmd  *exec.Cmd
	addr string
	out  *syncBuffer
	done chan struct{}
	err  error // valid once done is closed
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// start runs `trouvaille args...` with env added to the environment.
func start(t testing.TB, env []string, args ...string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(binary(t), args...), out: &syncBuffer{}, done: make(chan struct{})}
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stdout = p.out
	p.cmd.Stderr = p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() { p.kill() })
	return p
}

// serve starts `trouvaille serve` on data and waits until it answers.
func startServe(t testing.TB, data string, extra ...string) *proc {
	t.Helper()
	addr := freeAddr(t)
	args := append([]string{"serve", "--data", data, "--addr", addr, "--admin-token", harnessToken}, extra...)
	p := start(t, nil, args...)
	p.addr = addr
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			return p
		}
		select {
		case <-p.done:
			t.Fatalf("serve exited before answering (%v):\n%s", p.err, p.out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not answer within 60 s:\n%s", p.out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (p *proc) kill() {
	if p.cmd.Process != nil {
		p.cmd.Process.Signal(syscall.SIGKILL)
	}
	<-p.done
}

// wait waits for the process to exit, at most d; it reports whether it did.
func (p *proc) wait(d time.Duration) bool {
	select {
	case <-p.done:
		return true
	case <-time.After(d):
		return false
	}
}

func (p *proc) url(path string) string { return "http://" + p.addr + path }

// do sends one request with the admin token and decodes a JSON answer into v (when not nil).
func (p *proc) do(method, path, ctype string, body io.Reader, v any) (int, error) {
	req, err := http.NewRequest(method, p.url(path), body)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+harnessToken)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := harnessClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, err
	}
	if v != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, v); err != nil {
			return resp.StatusCode, fmt.Errorf("%s %s: %d %s: %w", method, path, resp.StatusCode, raw, err)
		}
	}
	return resp.StatusCode, nil
}

// writeReply is the answer of POST /v1/notes.
type writeReply struct {
	Seq       uint64 `json:"seq"`
	Added     int    `json:"added"`
	Updated   int    `json:"updated"`
	Unchanged int    `json:"unchanged"`
	Deleted   int    `json:"deleted"`
	Rejected  []struct {
		Line    int    `json:"line"`
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"rejected"`
}

type health struct {
	Status   string `json:"status"`
	StoreSeq uint64 `json:"store_seq"`
	IndexSeq uint64 `json:"index_seq"`
}

type searchReply struct {
	Total int `json:"total"`
	Hits  []struct {
		ID string `json:"id"`
	} `json:"hits"`
}

func (p *proc) search(q string) (searchReply, int, error) {
	var r searchReply
	code, err := p.do("GET", "/v1/search?facets=none&snippets=false&per_page=100&q="+url.QueryEscape(q), "", nil, &r)
	return r, code, err
}

// searchOrDump is search bounded by limit: a search that does not answer
// in time fails the test with the server's goroutines (SIGQUIT), where the
// test would otherwise wait for go test's own timeout and say nothing of the
// server.
func (p *proc) searchOrDump(t *testing.T, q string, limit time.Duration) (int, error) {
	t.Helper()
	type reply struct {
		code int
		err  error
	}
	got := make(chan reply, 1)
	go func() {
		_, code, err := p.search(q)
		got <- reply{code, err}
	}()
	select {
	case r := <-got:
		return r.code, r.err
	case <-time.After(limit):
		p.cmd.Process.Signal(syscall.SIGQUIT)
		p.wait(5 * time.Second)
		t.Fatalf("search %q: no answer in %s; the server's goroutines:\n%s", q, limit, p.out.String())
		return 0, nil
	}
}

// converge waits until the index has applied everything the store holds.
func (p *proc) converge(limit time.Duration) (time.Duration, error) {
	start := time.Now()
	for {
		var h health
		code, err := p.do("GET", "/healthz", "", nil, &h)
		if err == nil && code == 200 && h.StoreSeq == h.IndexSeq {
			return time.Since(start), nil
		}
		if time.Since(start) > limit {
			return time.Since(start), fmt.Errorf("index not converged after %s: %+v (err %v)", limit, h, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// word returns a letters-only marker word unique to note i, which the
// analyzer keeps whole (no digits, no stop word, no stem collisions).
func word(i int) string {
	var b strings.Builder
	b.WriteString("zq")
	for k := 0; k < 5; k++ {
		b.WriteByte(byte('a' + i%26))
		i /= 26
	}
	return b.String()
}
