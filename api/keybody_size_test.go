package api

import (
	"strings"
	"testing"
)

// TestKeyBodyTooLarge: a key body past its bound (64 KiB) is a 413
// body_too_large naming body, as on every other route taking a body
// (POST /v1/notes, /v1/events, the InstantSearch.js routes), not a 400;
// nothing is created or changed.
func TestKeyBodyTooLarge(t *testing.T) {
	srv, _, _ := newAccessServer(t, accessNotes, Config{})
	k := createKey(t, srv, `{"name": "partenaire"}`)
	big := `{"name": "` + strings.Repeat("x", 70<<10) + `"}`
	hdr := map[string]string{"Content-Type": "application/json"}
	for _, r := range []struct{ method, path string }{
		{"POST", "/v1/keys"},
		{"PATCH", "/v1/keys/" + k.ID},
	} {
		resp, b := call(t, srv, r.method, r.path, accessAdmin, hdr, big)
		if resp.StatusCode != 413 || errCode(b) != "body_too_large" || !strings.Contains(string(b), `"param":"body"`) || !strings.Contains(string(b), "64 Kio") {
			t.Errorf("%s %s with a 70 KiB body: %d %s, want a 413 body_too_large naming body", r.method, r.path, resp.StatusCode, clipBody(string(b)))
		}
	}
	resp, b := call(t, srv, "GET", "/v1/keys", accessAdmin, nil, "")
	if resp.StatusCode != 200 || strings.Count(string(b), `"id"`) != 1 || !strings.Contains(string(b), `"name":"partenaire"`) {
		t.Errorf("keys after the refusals: %d %s, want the one key, unchanged", resp.StatusCode, clipBody(string(b)))
	}
}
