package api

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	trouvaille "github.com/encommun/trouvaille"
	"github.com/encommun/trouvaille/query"
)

// FuzzSearchParams decodes arbitrary query strings as /v1/search does: it
// never panics, a refusal is always a *RequestError naming a parameter with
// a message, and an accepted request keeps its bounds.
func FuzzSearchParams(f *testing.F) {
	for _, s := range []string{
		"q=economie+sociale", "q=%C3%A9&page=2&per_page=100", "q=a&organisation=TIESS&organisation=CDC&type=note",
		"facets=authors,none,&facet_size=100", "published_after=2024-01-01&published_before=2024-12-31T00:00:00Z",
		"sort=-published_at&snippets=false&synonyms=0", "page=10001&per_page=1", "q=%FF", "q=*&q=.*", "organization=x",
		"page=-1", "per_page=1e3", "q=" + strings.Repeat("a+", 40), ";;&&==", "q=\"a&facets=zzz",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return // net/url refuses it before the API sees it
		}
		r, err := parseSearch(v)
		if err != nil {
			var re *trouvaille.RequestError
			if !errors.As(err, &re) || re.Param == "" || re.Message == "" || !utf8.ValidString(re.Message) {
				t.Fatalf("%q: refusal %#v is not a named parameter error", raw, err)
			}
			return
		}
		if r.PerPage > query.MaxPerPage || r.FacetSize > query.MaxFacetSize || r.Page < 0 || (r.Page > 0 && r.PerPage > 0 && (r.Page-1)*r.PerPage >= query.MaxResultWindow) {
			t.Fatalf("%q: accepted out of bounds: %+v", raw, r)
		}
		if len(r.Q) > query.MaxQueryBytes {
			t.Fatalf("%q: query of %d bytes accepted", raw, len(r.Q))
		}
	})
}

// FuzzDecodeEvent: POST /v1/events never panics, refuses with the field at
// fault, and accepts only clicks at a position from 1 to 100.
func FuzzDecodeEvent(f *testing.F) {
	for _, s := range []string{
		`{"type":"click","q":"economie sociale","position":2,"id":"abc_1"}`, `{"type":"click","position":1}`,
		`{"type":"click","position":1e2}`, `{"type":"click","position":-1}`, `{"type":"click","position":1,"x":1}`,
		`{"type":"click","position":1}{}`, `[]`, `null`, `{"type":null,"position":1}`, "\xff", `{"id":"` + strings.Repeat("a", 200) + `"}`,
		`{"type":"click","position":99999999999999999999}`, `{"type":"click","position":1,"q":"\u0000"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		ev, err := decodeEvent(body)
		if err != nil {
			var re *trouvaille.RequestError
			if !errors.As(err, &re) || re.Param == "" || re.Message == "" {
				t.Fatalf("%q: refusal %#v names no field", body, err)
			}
			return
		}
		if ev.Type != "click" || ev.Position < 1 || ev.Position > 100 || len(ev.Q) > query.MaxQueryBytes || (ev.ID != "" && !noteIDRe.MatchString(ev.ID)) {
			t.Fatalf("%q: accepted %+v", body, ev)
		}
	})
}
