package api

import (
	"sync"
	"testing"
)

// TestConcurrentSearchesWithOneKey: searches made at once with one key
// share its scope; normalising the filters' values wrote that map in place,
// a data race `go test -race` reports (the review of session 47 found it).
func TestConcurrentSearchesWithOneKey(t *testing.T) {
	srv, _, _ := newAccessServer(t, accessNotes, Config{})
	k := createKey(t, srv, `{"name": "carnet A", "filters": {"carnet": ["A"]}}`)
	var wg sync.WaitGroup
	for _, q := range []string{"jardin", "potager", "a", "b"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 5 {
				if resp, _ := call(t, srv, "GET", "/v1/search?q="+q, k.Key, nil, ""); resp.StatusCode != 200 {
					t.Errorf("%s: %d", q, resp.StatusCode)
				}
			}
		}()
	}
	wg.Wait()
}
