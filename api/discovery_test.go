package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDiscoveryGolden checks autocomplete, facet value search, related notes,
// "did you mean", synonyms and the date histogram against golden JSON.
func TestDiscoveryGolden(t *testing.T) {
	srv, _ := newTestServer(t)
	cases := []goldenCase{
		{"suggest_prefix", "/v1/suggest?q=econ", 200},
		{"suggest_words_typo", "/v1/suggest?q=logment+soc&limit=3", 200},
		{"suggest_empty", "/v1/suggest?q=", 200},
		{"suggest_by_ear", "/v1/suggest?q=comunot&limit=3", 200},
		{"suggest_by_ear_short", "/v1/suggest?q=rezo&limit=3", 200},
		{"suggest_quoted_as_written", "/v1/suggest?q=%22comunot%22&limit=3", 200},
		{"facets_prefix", "/v1/facets/organisations?q=reg", 200},
		{"facets_filtered", "/v1/facets/terms?q=log&query=logement&type=note&limit=5", 200},
		{"facets_all", "/v1/facets/type", 200},
		{"related", "/v1/notes/aG44wjHblnHyh98cXkjuEGyoL3x/related?limit=3", 200},
		{"search_suggestion", "/v1/search?q=lpgemrnt&per_page=1&facets=none", 200},
		{"search_synonyms", "/v1/search?q=osbl&per_page=3&facets=none&snippets=false", 200},
		{"search_synonyms_off", "/v1/search?q=osbl&per_page=3&facets=none&snippets=false&synonyms=false", 200},
		{"search_histogram_months", "/v1/search?q=logement&per_page=1&facets=published,type&published_after=2024-01-01&published_before=2024-12-31&snippets=false", 200},
		{"err_suggest_limit", "/v1/suggest?q=eco&limit=500", 400},
		{"err_facets_unknown", "/v1/facets/couleurs?q=r", 400},
		{"err_facets_param", "/v1/facets/terms?prefix=r", 400},
		{"err_related_404", "/v1/notes/inexistante/related", 404},
		{"err_related_limit", "/v1/notes/aG44wjHblnHyh98cXkjuEGyoL3x/related?limit=0", 400},
		{"err_synonyms_bool", "/v1/search?q=cpe&synonyms=peut-etre", 400},
	}
	runGolden(t, srv, cases)
}

// TestRelatedNeverLeaks: a non-public note has no related page and never
// shows among another note's related notes.
func TestRelatedNeverLeaks(t *testing.T) {
	srv, eng := newTestServer(t)
	ids, err := eng.FacetValues(t.Context(), "type")
	if err != nil || len(ids) == 0 {
		t.Fatalf("FacetValues: %v %v", ids, err)
	}
	hidden := map[string]bool{}
	var public []string
	for _, n := range demoNotes(t) {
		if n.Public() {
			public = append(public, n.ID)
		} else {
			hidden[n.ID] = true
		}
	}
	for id := range hidden {
		if status, body := get(t, srv.URL+"/v1/notes/"+id+"/related"); status != 404 {
			t.Errorf("related of non-public %s: %d %s", id, status, body)
		}
	}
	for _, id := range public[:min(60, len(public))] {
		status, body := get(t, srv.URL+"/v1/notes/"+id+"/related?limit=10")
		if status != 200 {
			t.Fatalf("related %s: %d %s", id, status, body)
		}
		var r RelatedResponse
		if err := json.Unmarshal(body, &r); err != nil {
			t.Fatal(err)
		}
		for _, h := range r.Related {
			if hidden[h.ID] || h.ID == id || len(h.Reasons) == 0 {
				t.Errorf("related of %s shows %s (reasons %v)", id, h.ID, h.Reasons)
			}
		}
	}
}

func TestAdminSynonymsReload(t *testing.T) {
	_, eng := newTestServer(t)
	post := func(h http.Handler, token string) (int, string) {
		req := httptest.NewRequest(http.MethodPost, "/v1/admin/synonyms/reload", nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w.Code, w.Body.String()
	}
	if code, body := post(New(eng, Config{AnonymousRatePerMinute: -1}), "x"); code != 403 {
		t.Errorf("without a configured token: %d %s", code, body)
	}
	file := filepath.Join(t.TempDir(), "syn.txt")
	os.WriteFile(file, []byte("# test\nxylophone => logement\nCP, cuisine partagée\n"), 0o644)
	h := New(eng, Config{AnonymousRatePerMinute: -1, AdminToken: "secret", SynonymsFile: file})
	if code, _ := post(h, ""); code != 401 {
		t.Errorf("no token: %d", code)
	}
	if code, _ := post(h, "wrong"); code != 401 {
		t.Errorf("wrong token: %d", code)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	_, before := get(t, srv.URL+"/v1/search?q=xylophone&facets=none&per_page=1")
	code, body := post(h, "secret")
	if code != 200 {
		t.Fatalf("reload: %d %s", code, body)
	}
	// « cuisine partagée » was not in the list the notes were indexed with.
	if !strings.Contains(body, `"phrases_marked":0`) || !strings.Contains(body, `"phrases_read":1`) {
		t.Errorf("reload: %s, want the new phrase counted as read, not marked", body)
	}
	var res struct{ Total int }
	_, after := get(t, srv.URL+"/v1/search?q=xylophone&facets=none&per_page=1")
	json.Unmarshal(after, &res)
	if res.Total == 0 {
		t.Errorf("after reload, xylophone => logement finds nothing: before %s after %s", before, after)
	}
	os.WriteFile(file, []byte("a, , b\n"), 0o644)
	if code, body := post(h, "secret"); code != 422 {
		t.Errorf("invalid file: %d %s", code, body)
	}
	_, again := get(t, srv.URL+"/v1/search?q=xylophone&facets=none&per_page=1")
	json.Unmarshal(again, &res)
	if res.Total == 0 {
		t.Error("an invalid file must leave the previous synonyms in place")
	}
	eng.SetSynonyms(nil)
}

func TestOpenAPIServed(t *testing.T) {
	srv, _ := newTestServer(t)
	status, body := get(t, srv.URL+"/v1/openapi.yaml")
	if status != 200 || !bytes.HasPrefix(body, []byte("openapi: 3.1")) {
		t.Fatalf("%d %.100s", status, body)
	}
	for _, route := range []string{"/v1/search:", "/v1/suggest:", "/v1/facets/{facet}:", "/v1/notes/{id}:", "/v1/notes/{id}/related:", "/v1/admin/synonyms/reload:", "/healthz:"} {
		if !bytes.Contains(body, []byte("\n  "+route+"\n")) {
			t.Errorf("openapi.yaml lacks %s", route)
		}
	}
}

// TestSuggestNotForExclusions: a word being typed with a minus sign
// (-montreal) is an exclusion: /v1/suggest proposes nothing for it (a
// completion chosen would search, or filter, for exactly what is
// excluded), and an excluded word earlier in the box neither is completed
// nor is required of the completions of the other words.
func TestSuggestNotForExclusions(t *testing.T) {
	srv, _ := newTestServer(t)
	groups := func(q string) []byte {
		t.Helper()
		status, body := get(t, srv.URL+"/v1/suggest?q="+url.QueryEscape(q))
		if status != 200 {
			t.Fatalf("%q: %d %s", q, status, body)
		}
		var s struct {
			Groups json.RawMessage `json:"groups"`
		}
		if err := json.Unmarshal(body, &s); err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		return s.Groups
	}
	// The words alone do get completions (Montréal is in titles, « Comité
	// logement Les Pignons » is an organisation).
	for _, q := range []string{"montreal", "logement", "comite"} {
		if g := groups(q); string(g) == "[]" {
			t.Fatalf("%q: no completion, the test needs some", q)
		}
	}
	for _, q := range []string{"-montreal", "-logement", "−montreal", "logement -comi", "logement -", `logement -"comité log`, "-mont", "logement –mont", "—montreal", "logement –"} {
		if g := groups(q); string(g) != "[]" {
			t.Errorf("%q: completions %s, want none", q, g)
		}
	}
	for q, same := range map[string]string{
		"-montreal loge":        "loge",
		"logement -montreal ":   "logement ",
		`-"comité logement" co`: "co",
		"- logement":            "logement",
		"–montreal loge":        "loge",
	} {
		if g, w := groups(q), groups(same); !bytes.Equal(g, w) {
			t.Errorf("%q: completions %s, want those of %q: %s", q, g, same, w)
		}
	}
}
