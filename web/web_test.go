package web

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	trouvaille "github.com/encommun/trouvaille"
)

func fetch(t *testing.T, u string, header ...string) (int, http.Header, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultTransport.RoundTrip(req) // no transparent gunzip
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

// grade2 returns the notes judged "the answer" for a query of the relevance set.
func grade2(t *testing.T, q string) map[string]bool {
	t.Helper()
	f, err := os.Open("../testdata/relevance/queries.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var line struct {
			Q         string         `json:"q"`
			Judgments map[string]int `json:"judgments"`
		}
		if json.Unmarshal(sc.Bytes(), &line) == nil && line.Q == q {
			out := map[string]bool{}
			for id, g := range line.Judgments {
				if g == 2 {
					out[id] = true
				}
			}
			return out
		}
	}
	t.Fatalf("query %q not in the relevance set", q)
	return nil
}

var hitRe = regexp.MustCompile(`<li class="hit">\s*<h3 class="hit-title"><a href="/n/([A-Za-z0-9_-]+)`)

func hitIDs(html string) []string {
	var ids []string
	for _, m := range hitRe.FindAllStringSubmatch(html, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

func TestServerRenderedSearch(t *testing.T) {
	s, _ := testServer(t)
	status, _, body := fetch(t, s.URL+"/?q="+url.QueryEscape("cooperatve habitation"))
	if status != 200 {
		t.Fatalf("status %d", status)
	}
	ids := hitIDs(body)
	if len(ids) == 0 || !grade2(t, "cooperatve habitation")[ids[0]] {
		t.Errorf("typo query: first hit %v is not a grade-2 note", ids)
	}
	for _, want := range []string{`lang="fr-CA"`, `<label for="q"`, `role="search"`, `aria-live="polite"`, `class="skip" href="#contenu"`, `class="skip" href="#res">Aller aux résultats`, " résultats", "<mark>"} {
		if !strings.Contains(body, want) {
			t.Errorf("search page lacks %s", want)
		}
	}
	// Empty state in plain French, with suggestions of what to try.
	_, _, body = fetch(t, s.URL+"/?q=xylophonezzz")
	if !strings.Contains(body, frenchSpaced.Replace("Aucun résultat pour « xylophonezzz ».")) || !strings.Contains(body, "Vous pouvez") {
		t.Errorf("empty state missing:\n%s", body)
	}
	// One letter is not searched as a word being typed: say so, not "no result".
	// Nor after an elided article or stop words (« l'i », « c'est q »).
	for _, q := range []string{"%C3%A9", "l%27i", "c%27est+q"} {
		_, _, body = fetch(t, s.URL+"/?q="+q)
		if !strings.Contains(body, "Une seule lettre ne suffit pas pour chercher") || strings.Contains(body, `class="empty-title">Aucun résultat pour`) {
			t.Errorf("one letter (%s): the empty state does not say to keep typing:\n%s", q, body)
		}
	}
	// Filters, chips, clear, pagination, all from the URL.
	_, _, body = fetch(t, s.URL+"/?q=financement&type=note&page=2&sort=title")
	for _, want := range []string{`class="chip"`, "Effacer les filtres", `aria-current="page">2<`, `value="title" selected`, `name="type" value="note" form="s" checked`} {
		if !strings.Contains(body, want) {
			t.Errorf("filtered page lacks %s", want)
		}
	}
	// A bad date range is explained, not a crash.
	status, _, body = fetch(t, s.URL+"/?q=x&published_after=2025-01-01&published_before=2024-01-01")
	if status != 400 || !strings.Contains(body, "published_before") {
		t.Errorf("bad date range: %d", status)
	}
	// Unknown parameters and garbage are ignored by the page.
	if status, _, _ := fetch(t, s.URL+"/?q=logement&utm_source=x&page=abc&sort=nope"); status != 200 {
		t.Errorf("lenient parsing: status %d", status)
	}
}

func TestLanguage(t *testing.T) {
	s, _ := testServer(t)
	cases := []struct{ path, accept, want string }{
		{"/", "", `lang="fr-CA"`},
		{"/", "en-US,en;q=0.9", `lang="fr-CA"`}, // French whatever the browser says
		{"/?q=logement", "en-US,en;q=0.9", `Aller aux résultats`},
		{"/", "en;q=0.5,fr-CA;q=0.9", `lang="fr-CA"`},
		{"/?lang=en", "fr-CA", `lang="en-CA"`},
		{"/?lang=fr", "en", `lang="fr-CA"`},
		{"/termes?lang=en", "", `lang="en-CA"`},
	}
	for _, c := range cases {
		_, _, body := fetch(t, s.URL+c.path, "Accept-Language", c.accept)
		if !strings.Contains(body, c.want) {
			t.Errorf("%s with %q: want %s", c.path, c.accept, c.want)
		}
	}
	// A language chosen by hand is carried by the links.
	_, _, body := fetch(t, s.URL+"/?lang=en&q=logement")
	if !strings.Contains(body, `href="/n/`) || !regexp.MustCompile(`href="/n/[^"]+\?lang=en"`).MatchString(body) {
		t.Error("hit links do not carry lang=en")
	}
}

// TestFirstPageWeight checks the budget: the first page, its CSS, JS and
// icon weigh under 25 KB as transferred, and name no external resource.
func TestFirstPageWeight(t *testing.T) {
	s, _ := testServer(t)
	total := 0
	_, h, body := fetch(t, s.URL+"/", "Accept-Encoding", "gzip")
	if h.Get("Content-Encoding") != "gzip" {
		t.Error("the page is not compressed")
	}
	total += len(body)
	zr, err := gzip.NewReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	html, _ := io.ReadAll(zr)
	if regexp.MustCompile(`(src|href)="(https?:)?//`).Match(html) {
		t.Error("the first page loads an external resource")
	}
	for _, m := range regexp.MustCompile(`(?:src|href)="(/static/[^"]+)"`).FindAllSubmatch(html, -1) {
		_, _, b := fetch(t, s.URL+strings.ReplaceAll(string(m[1]), "&amp;", "&"), "Accept-Encoding", "gzip")
		total += len(b)
		_, _, plain := fetch(t, s.URL+strings.ReplaceAll(string(m[1]), "&amp;", "&"))
		if regexp.MustCompile(`url\(\s*['"]?(https?:)?//|@import|(src|href)\s*=\s*['"](https?:)?//|fetch\(['"](https?:)?//`).MatchString(plain) {
			t.Errorf("%s names an external resource", m[1])
		}
	}
	t.Logf("first page: %d bytes transferred (%d bytes of HTML uncompressed)", total, len(html))
	if total >= 25_000 {
		t.Errorf("first page weighs %d bytes, over 25 KB", total)
	}
}

func TestNotePage(t *testing.T) {
	s, eng := testServer(t)
	var pub, hidden *trouvaille.Note
	for _, line := range bytes.Split(trouvaille.DemoNotes, []byte("\n")) {
		var n trouvaille.Note
		if json.Unmarshal(line, &n) != nil || n.ID == "" {
			continue
		}
		if n.Public() && pub == nil && len(n.Terms) > 0 && len(n.Organisations) > 0 && n.Body != "" {
			pub = &n
		}
		if !n.Public() && hidden == nil {
			hidden = &n
		}
	}
	status, _, body := fetch(t, s.URL+"/n/"+pub.ID)
	if status != 200 {
		t.Fatalf("note: %d", status)
	}
	for _, want := range []string{
		"<h1 id=\"note-title\">", "Auteur·trices", "Organisations reliées", "Termes reliés",
		`href="/?term=` + url.QueryEscape(pub.Terms[0]) + `"`, "Notes reliées", "Voir la note originale",
	} {
		if !strings.Contains(body, want) && !strings.Contains(body, strings.ReplaceAll(want, "+", "%20")) {
			t.Errorf("note page lacks %s", want)
		}
	}
	if strings.Contains(body, "<h3") && !strings.Contains(body, "<h2") {
		t.Error("note headings skip a level")
	}
	if status, _, body := fetch(t, s.URL+"/n/"+hidden.ID); status != 404 || strings.Contains(body, hidden.Title) {
		t.Errorf("non-public note %s: %d", hidden.ID, status)
	}
	if status, _, _ := fetch(t, s.URL+"/n/nexistepas"); status != 404 {
		t.Errorf("unknown note: %d", status)
	}
	_ = eng
}

func TestMarkdownSanitised(t *testing.T) {
	got := string(renderMarkdown("### Titre\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)> **gras**\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"))
	for _, bad := range []string{"<script", "javascript:", "onerror"} {
		if strings.Contains(got, bad) {
			t.Errorf("sanitised HTML keeps %s: %s", bad, got)
		}
	}
	for _, want := range []string{"<h2", "<strong>gras</strong>", "<table>"} {
		if !strings.Contains(got, want) {
			t.Errorf("rendered HTML lacks %s: %s", want, got)
		}
	}
}

func TestBrowsePages(t *testing.T) {
	s, _ := testServer(t)
	for path, param := range map[string]string{"/organisations": "organisation", "/carnets": "carnet", "/termes": "term"} {
		status, _, body := fetch(t, s.URL+path)
		if status != 200 {
			t.Fatalf("%s: %d", path, status)
		}
		if !strings.Contains(body, `aria-label="Index alphabétique"`) || !strings.Contains(body, `href="/?`+param+`=`) || !strings.Contains(body, " notes</span>") && !strings.Contains(body, "1 note</span>") {
			t.Errorf("%s lacks the A–Z index, entries or counts", path)
		}
	}
	// Alphabetical order, accents folded: "Économie" sorts among the E.
	_, _, body := fetch(t, s.URL+"/termes")
	re := regexp.MustCompile(`<li><a href="/\?term=[^"]+">([^<]+)</a>`)
	var prev string
	for _, m := range re.FindAllStringSubmatch(body, -1) {
		cur := strings.ToLower(foldASCII(m[1]))
		if prev != "" && cur < prev && initial(m[1]) != "#" {
			t.Errorf("%q listed after %q", m[1], prev)
		}
		prev = cur
	}
}

func foldASCII(s string) string {
	r := strings.NewReplacer("É", "E", "é", "e", "è", "e", "ê", "e", "à", "a", "â", "a", "ô", "o", "î", "i", "ï", "i", "ç", "c", "û", "u", "ù", "u", "’", "'", "«", "", "»", "")
	return r.Replace(s)
}

func TestStateRoundTrip(t *testing.T) {
	v, _ := url.ParseQuery("q=+logement+&organisation=TIESS&organisation=TIESS&organisation=&term=OBNL&published_after=2023-01-01&published_before=bad&sort=title&page=3&lang=en&x=1")
	s := parseState(v)
	if got, want := s.URL(), "/?lang=en&organisation=TIESS&page=3&published_after=2023-01-01&q=logement&sort=title&term=OBNL"; got != want {
		t.Errorf("URL() = %s, want %s", got, want)
	}
	if got := s.without("organisation", "TIESS").URL(); strings.Contains(got, "TIESS") || strings.Contains(got, "page=") {
		t.Errorf("without: %s", got)
	}
}

// TestMessagesComplete checks that every message the templates and the
// script use exists in both languages.
func TestMessagesComplete(t *testing.T) {
	for lang, m := range messages {
		for key := range messages[langFR] {
			if m[key] == "" {
				t.Errorf("%s lacks %q", lang, key)
			}
		}
		if len(m) != len(messages[langFR]) {
			t.Errorf("%s has %d messages, fr has %d", lang, len(m), len(messages[langFR]))
		}
	}
	used := map[string]bool{}
	tplKey := regexp.MustCompile(`(?:\$t|\.T)\.([a-z_]+)`)
	entries, _ := assets.ReadDir("templates")
	for _, e := range entries {
		b, _ := assets.ReadFile("templates/" + e.Name())
		for _, m := range tplKey.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = true
		}
	}
	js, _ := assets.ReadFile("static/app.js")
	for _, m := range regexp.MustCompile(`\bT\.([a-z_]+)|\bT\['([a-z_]+)'\]`).FindAllStringSubmatch(string(js), -1) {
		used[m[1]+m[2]] = true
	}
	for _, k := range []string{"facet_type", "facet_organisations", "facet_terms", "facet_carnets", "facet_blocs", "facet_authors", "facet_published", "type_note", "type_terme", "type_organisation"} {
		used[k] = true
	}
	for k := range used {
		if _, ok := messages[langFR][k]; !ok {
			t.Errorf("message %q is used but not defined", k)
		}
	}
}

// TestPageTooFar: a page number past the result window, however large (even
// one whose product with the page size overflows), gets a friendly message
// in the page's language with 400: never a server fault, never the first
// page under another number.
func TestPageTooFar(t *testing.T) {
	srv, _ := testServer(t)
	for _, c := range []struct{ page, lang, want string }{
		{"9223372036854775807", "", "la page 9\u202f223\u202f372\u202f036\u202f854\u202f775\u202f807 est trop loin"},
		{"1152921504606846977", "", "est trop loin\u00a0: on ne peut parcourir que les 10\u202f000 premiers résultats (page 1\u202f000 au plus)"},
		{"1001", "", "la page 1\u202f001 est trop loin"},
		{"1001", "en", "page 1,001 is too far"},
	} {
		u := srv.URL + "/?q=logement&page=" + c.page
		if c.lang != "" {
			u += "&lang=" + c.lang
		}
		status, _, body := fetch(t, u)
		if status != http.StatusBadRequest || !strings.Contains(body, c.want) || strings.Contains(body, `href="/n/`) {
			t.Errorf("%s: %d, want 400 with %q and no hit: %.3000s", u, status, c.want, body)
		}
	}
	// The last page of the window is no error: past the last page of the
	// results, it leads to that one (TestPagePastTheLast).
	if status, hdr, body := fetch(t, srv.URL+"/?page=1000"); status != http.StatusFound || hdr.Get("Location") != "/?page=32" || body != "" {
		t.Errorf("/?page=1000: %d %q %.500s", status, hdr.Get("Location"), body)
	}
}

// TestPagePastTheLast: a page number past the last one (an old link) goes to
// the last page, the query and filters kept, instead of « Page 999 sur 3 »
// and nothing; the last page itself is served.
func TestPagePastTheLast(t *testing.T) {
	srv, _ := testServer(t)
	code, hdr, _ := fetch(t, srv.URL+"/?q=logement&page=999&lang=en")
	loc := hdr.Get("Location")
	if code != http.StatusFound || !strings.Contains(loc, "q=logement") || !strings.Contains(loc, "lang=en") || !strings.Contains(loc, "page=") {
		t.Fatalf("page 999: %d Location %q", code, loc)
	}
	code, _, body := fetch(t, srv.URL+loc)
	if code != 200 || !strings.Contains(body, `class="hit`) {
		t.Errorf("%s: %d, no hit", loc, code)
	}
	if code, _, _ := fetch(t, srv.URL+"/?q=logement&page=2"); code != 200 {
		t.Errorf("page 2: %d", code)
	}
}
