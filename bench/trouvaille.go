package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/encommun/trouvaille/store"
)

// BuildTrouvaille compiles ./cmd/trouvaille of the module at repo into dir.
func BuildTrouvaille(ctx context.Context, repo, dir string) (string, error) {
	bin := filepath.Join(dir, "trouvaille")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/trouvaille")
	cmd.Dir = repo
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("%w: go build ./cmd/trouvaille failed: %v\n%s", ErrMissing, err, out)
	}
	return bin, nil
}

// RunTrouvaille measures the trouvaille binary through its CLI and HTTP API:
// `trouvaille ingest`, then `trouvaille serve` queried over loopback.
func RunTrouvaille(ctx context.Context, cfg *Config, bin string) (*Result, error) {
	data := filepath.Join(cfg.WorkDir, "trouvaille.data")
	logPath := filepath.Join(cfg.WorkDir, "trouvaille.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	res := &Result{Engine: "trouvaille"}

	cfg.logf("trouvaille: ingest %s (log: %s)", cfg.NotesFile, logPath)
	ingest := exec.CommandContext(ctx, bin, "ingest", "--data", data, "--allow-rejects", cfg.NotesFile)
	ingest.Stdout, ingest.Stderr = logFile, logFile
	start := time.Now()
	err = ingest.Run()
	res.Ingest = time.Since(start)
	if err != nil {
		return nil, fmt.Errorf("trouvaille ingest: %v (see %s)", err, logPath)
	}
	if ru, ok := ingest.ProcessState.SysUsage().(*syscall.Rusage); ok {
		res.PeakRSSIngest = ru.Maxrss * 1024 // kB on Linux
	}
	res.Notes = cfg.Notes
	if res.DiskBytes, err = DiskUsage(data); err != nil {
		return nil, err
	}
	// The store's ballast (store.BallastName) is room held free for
	// Badger on a full disk, a fixed size, not data: left out, and said.
	if ballast, err := DiskUsage(filepath.Join(data, "store", store.BallastName)); err == nil && ballast > 0 {
		res.DiskBytes -= ballast
		res.Notes2 = append(res.Notes2, fmt.Sprintf("trouvaille: disk leaves out the store's ballast, %d MiB held free for Badger's flushes on a full disk", ballast>>20))
	}
	cfg.logf("trouvaille: %d notes in %v (%.0f notes/s), %.1f MB on disk", res.Notes, res.Ingest.Round(time.Millisecond), res.IngestRate(), float64(res.DiskBytes)/1e6)

	port, err := freePort()
	if err != nil {
		return nil, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	// The bench queries anonymously as fast as the server answers: the
	// anonymous rate limit (600 a minute per IP by default) would turn most
	// queries into 429s, counted as errors.
	serve := exec.Command(bin, "serve", "--data", data, "--addr", addr, "--anonymous-rate", "-1")
	serve.Stdout, serve.Stderr = logFile, logFile
	start = time.Now()
	if err := serve.Start(); err != nil {
		return nil, err
	}
	exited := make(chan error, 1)
	go func() { exited <- serve.Wait() }()
	defer func() {
		_ = serve.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = serve.Process.Kill()
			<-exited
		}
	}()

	base := "http://" + addr
	client := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	for {
		resp, err := client.Get(base + "/healthz")
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		select {
		case err := <-exited:
			exited <- err
			return nil, fmt.Errorf("trouvaille serve exited before /healthz answered: %v (see %s)", err, logPath)
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
		if time.Since(start) > 10*time.Minute {
			return nil, fmt.Errorf("trouvaille serve not ready after 10 minutes (see %s)", logPath)
		}
	}
	res.Startup = time.Since(start)
	// Queries start once /readyz says the index has caught up and the
	// discovery tables (autocomplete) are built, as a load balancer would
	// wait; otherwise the prefix queries measure /v1/suggest's "not ready".
	for {
		resp, err := client.Get(base + "/readyz")
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Since(start) > 10*time.Minute {
			return nil, fmt.Errorf("trouvaille serve not ready (/readyz) after 10 minutes (see %s)", logPath)
		}
	}
	res.Notes2 = append(res.Notes2, fmt.Sprintf("trouvaille: start-up is until /healthz answers; /readyz (index caught up, autocomplete built) answered after %v, and the queries started then", time.Since(start).Round(time.Millisecond)))

	// Autocomplete has its own route once built; until then, a small search.
	suggest := false
	if resp, err := client.Get(base + "/v1/suggest?q=test"); err == nil {
		suggest = true
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			suggest = false
			res.Notes2 = append(res.Notes2, "trouvaille: no /v1/suggest yet, prefix queries ran as /v1/search?facets=none&per_page=5")
		}
	}
	cfg.logf("trouvaille: ready in %v, querying (suggest route: %v)", res.Startup.Round(time.Millisecond), suggest)
	search := func(ctx context.Context, q Query) (int, error) {
		return trouvailleQuery(ctx, client, base, q, suggest)
	}
	if err := RunQueries(ctx, cfg, res, search); err != nil {
		return nil, err
	}
	res.RSSServing = PeakRSS(serve.Process.Pid)
	res.AnonServing = AnonMemory(serve.Process.Pid)
	res.Notes2 = append(res.Notes2, "trouvaille: HTTP API on loopback, response bodies read and decoded by the client")
	return res, nil
}

// TrouvailleURL returns the request a query kind makes.
func TrouvailleURL(base string, q Query, suggest bool) string {
	v := url.Values{"q": {q.Q}}
	path := "/v1/search"
	switch q.Kind {
	case KindFacetsHighlight:
		v.Set("per_page", "20")
	case KindHighlight:
		v.Set("per_page", "20")
		v.Set("facets", "none")
	case KindPlain:
		v.Set("per_page", "20")
		v.Set("facets", "none")
		v.Set("snippets", "false")
	case KindPrefix:
		if suggest {
			path = "/v1/suggest"
		} else {
			v.Set("facets", "none")
			v.Set("per_page", "5")
		}
	}
	return base + path + "?" + v.Encode()
}

func trouvailleQuery(ctx context.Context, client *http.Client, base string, q Query, suggest bool) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, TrouvailleURL(base, q, suggest), nil)
	if err != nil {
		return 0, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, err
	}
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("HTTP %d: %.200s", resp.StatusCode, body)
	}
	return countHits(body), nil
}

// countHits reads "total", else the length of "hits" or "suggestions", else
// of a top-level array.
func countHits(body []byte) int {
	var obj map[string]json.RawMessage
	if json.Unmarshal(body, &obj) != nil {
		var arr []json.RawMessage
		_ = json.Unmarshal(body, &arr)
		return len(arr)
	}
	if raw, ok := obj["total"]; ok {
		var n float64
		if json.Unmarshal(raw, &n) == nil {
			return int(n)
		}
	}
	if raw, ok := obj["groups"]; ok { // /v1/suggest: completions grouped by kind
		var groups []struct {
			Items []json.RawMessage `json:"items"`
		}
		if json.Unmarshal(raw, &groups) == nil {
			n := 0
			for _, g := range groups {
				n += len(g.Items)
			}
			return n
		}
	}
	for _, k := range []string{"hits", "suggestions", "items"} {
		var arr []json.RawMessage
		if json.Unmarshal(obj[k], &arr) == nil && len(arr) > 0 {
			return len(arr)
		}
	}
	return 0
}
