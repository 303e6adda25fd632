package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	trouvaille "github.com/encommun/trouvaille"
)

// FuzzWriteRoute posts arbitrary bodies to POST /v1/notes (one note per
// line, or a JSON array) on a server holding the demo corpus: never a 5xx,
// always JSON, each rejected record named (its line or element) with a
// French message, no count below zero, the notes the body does not name
// as they were, and an anonymous search right after it showing public
// notes only.
//
//	go test ./api -run - -fuzz FuzzWriteRoute -fuzztime 60s
func FuzzWriteRoute(f *testing.F) {
	const sentinel = "H2wz6U5i8aojdkVP7h59je1g26P" // a demo note no seed names
	for _, s := range []string{
		`{"id":"fz1","type":"note","title":"Économie sociale","visibility":"public"}`,
		"{\"id\":\"fz2\",\"type\":\"note\",\"title\":\"a\",\"visibility\":\"private\",\"readers\":[\"u1\"]}\n{\"id\":\"fz1\",\"delete\":true}",
		`[{"id":"fz3","type":"terme","title":"Tiers-lieu","body":"# Titre\n\n- un"},{"id":"fz3"}]`,
		`{"id":"fz4","type":"note","title":"x","published_at":"2024-13-01"}`, `{"id":"fz5","title":"x","zzz":1}`,
		"{\"id\":\"fz6\",\"type\":\"note\",\"title\":\"\xff\"}", `{"id":"","type":"note","title":"x"}`, `{`, `[`, `null`, `[]`, "\n\n",
		`{"id":"fz7","type":"note","title":"t","authors":["a","a"],"carnets":[{"title":"c","bloc":"Bloc 2"}],"links":["fz1"]}`,
		`{"id":"fz8","type":"note","title":"t","body":"` + strings.Repeat("mot ", 2000) + `"}`,
		"{\"id\":\"fz9\",\"type\":\"note\",\"title\":\"zorglub public\",\"visibility\":\"public\"}\n{\"id\":\"fz9\",\"type\":\"note\",\"title\":\"zorglub\",\"visibility\":\"private\"}",
		`{"id":"fz10","type":"note","title":"Zorglub","visibility":"community","community":"c1"}`,
		`[{"id":"fz9","type":"note","title":"zorglub","visibility":"public"},{"id":"fz11","type":"note","summary":"zorglubs","title":"x","visibility":"private"}]`,
	} {
		for _, ct := range []uint8{0, 1, 2, 4, 5} {
			f.Add(ct, s)
		}
	}
	eng := demoEngine(f, func(string, ...any) {})
	admin := trouvaille.Scope{Admin: true}
	kept, err := eng.Note(admin, sentinel)
	if err != nil {
		f.Fatal(err)
	}
	h := New(eng, Config{AdminToken: "jeton-fuzz", AnonymousRatePerMinute: -1, Ops: quietOps()})
	types := []string{"application/x-ndjson", "application/json", "text/plain"}
	f.Fuzz(func(t *testing.T, ct uint8, body string) {
		if strings.Contains(body, sentinel[:6]) {
			return
		}
		target := "/v1/notes"
		if ct&4 != 0 {
			target += "?wait=true" // searchable before the answer
		}
		req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer jeton-fuzz")
		req.Header.Set("Content-Type", types[int(ct)%len(types)])
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		out := rec.Body.Bytes()
		if rec.Code >= 500 || !json.Valid(out) {
			t.Fatalf("%q: %d %s", body, rec.Code, out)
		}
		if rec.Code != http.StatusOK {
			var eb ErrorBody
			if err := json.Unmarshal(out, &eb); err != nil || eb.Error.Code == "" || eb.Error.Message == "" || !utf8.ValidString(eb.Error.Message) {
				t.Fatalf("%q: %d without a clear error: %s", body, rec.Code, out)
			}
		} else {
			var wb writeBody
			if err := json.Unmarshal(out, &wb); err != nil {
				t.Fatal(err)
			}
			for _, r := range wb.Rejected {
				if (r.Line < 1 && r.Element < 1) || r.Message == "" || !utf8.ValidString(r.Message) {
					t.Fatalf("%q: rejection without a record or a message: %+v", body, r)
				}
			}
			if wb.Added < 0 || wb.Updated < 0 || wb.Unchanged < 0 || wb.Deleted < 0 {
				t.Fatalf("%q: negative counts %+v", body, wb)
			}
		}
		// Right after the write, before the index has applied it, an
		// anonymous search shows public notes only: a note the write
		// hid is out at once.
		sr := httptest.NewRecorder()
		h.ServeHTTP(sr, httptest.NewRequest(http.MethodGet, "/v1/search?q=zorglub&per_page=100", nil))
		var res struct{ Hits []struct{ ID string } }
		if err := json.Unmarshal(sr.Body.Bytes(), &res); err != nil || sr.Code != http.StatusOK {
			t.Fatalf("search after %q: %d %s", body, sr.Code, sr.Body.Bytes())
		}
		for _, hit := range res.Hits {
			if n, err := eng.Note(admin, hit.ID); err != nil || n.Visibility != "public" {
				t.Fatalf("after %q: search shows %s, not a public note (%v)", body, hit.ID, err)
			}
		}
		if got, err := eng.Note(admin, sentinel); err != nil || !reflect.DeepEqual(got, kept) {
			t.Fatalf("%q: a note the body does not name changed: %v", body, err)
		}
	})
}
