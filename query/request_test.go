package query

import (
	"errors"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/encommun/trouvaille/schema"
	"github.com/encommun/trouvaille/store"
)

// TestNormalizeResultWindow: the window check never multiplies page by
// per_page, so a huge page is refused (page_too_far) instead of wrapping
// around to an early page or overflowing; the last page inside the window
// is accepted.
func TestNormalizeResultWindow(t *testing.T) {
	for _, tc := range []struct {
		page, perPage int
		wantCode      string // "" when accepted
	}{
		{1, 20, ""},
		{MaxResultWindow / 20, 20, ""},
		{MaxResultWindow/20 + 1, 20, "page_too_far"},
		{MaxResultWindow / 16, 16, ""},
		{MaxResultWindow/16 + 1, 16, "page_too_far"},
		{math.MaxInt, 0, "page_too_far"},
		{math.MaxInt, MaxPerPage, "page_too_far"},
		{1152921504606846977, 16, "page_too_far"}, // × 16 wraps to 16 on 64 bits
		{math.MaxInt/MaxPerPage + 1, MaxPerPage, "page_too_far"},
		{-1, 20, "invalid_page"},
	} {
		r := Request{Page: tc.page, PerPage: tc.perPage}
		err := r.Normalize()
		var re *RequestError
		switch {
		case tc.wantCode == "" && err != nil:
			t.Errorf("page %d, per_page %d: %v", tc.page, tc.perPage, err)
		case tc.wantCode != "" && (!errors.As(err, &re) || re.Code != tc.wantCode || re.Param != "page"):
			t.Errorf("page %d, per_page %d: %v, want %s on page", tc.page, tc.perPage, err, tc.wantCode)
		}
	}
}

// TestNormalizeClampsDates: bounds outside the notes' date range (years
// 1800–2200) are clamped into it, so that 9999-12-31 and 1500-01-01 mean "no
// limit" instead of overflowing UnixNano; an empty range is still refused.
func TestNormalizeClampsDates(t *testing.T) {
	d := func(s string) *time.Time {
		v, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return &v
	}
	// A day past each end of the dates' range.
	past := store.MaxDate().Add(time.Nanosecond).AddDate(0, 0, 1)
	early := store.MinDate().AddDate(0, 0, -1)
	for _, tc := range []struct {
		name          string
		after, before *time.Time
		wantA, wantB  *time.Time
		wantErr       bool
	}{
		{"far future end", nil, d("9999-12-31"), nil, &past, false},
		{"far past start", d("1500-01-01"), nil, &early, nil, false},
		{"both out", d("0001-01-01"), d("9999-12-31"), &early, &past, false},
		{"both after the range: empty, not refused", d("2250-01-01"), d("2300-01-01"), &past, &past, false},
		{"both before the range: empty, not refused", d("1600-01-01"), d("1700-01-01"), &early, &early, false},
		{"inside kept", d("2024-01-01"), d("2025-01-01"), d("2024-01-01"), d("2025-01-01"), false},
		{"start after the range", d("3000-01-01"), nil, &past, nil, false},
		{"empty range refused", d("9999-12-31"), d("1500-01-01"), nil, nil, true},
	} {
		r := Request{PublishedAfter: tc.after, PublishedBefore: tc.before}
		var orig time.Time
		if tc.before != nil {
			orig = *tc.before
		}
		err := r.Normalize()
		if err == nil {
			// The API normalizes a request, and the index again.
			if err := r.Normalize(); err != nil {
				t.Errorf("%s: normalized twice: %v", tc.name, err)
			}
		}
		if tc.wantErr {
			if err == nil {
				t.Errorf("%s: accepted", tc.name)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if !sameTime(r.PublishedAfter, tc.wantA) || !sameTime(r.PublishedBefore, tc.wantB) {
			t.Errorf("%s: got %v – %v, want %v – %v", tc.name, r.PublishedAfter, r.PublishedBefore, tc.wantA, tc.wantB)
		}
		if tc.before != nil && !tc.before.Equal(orig) {
			t.Errorf("%s: the caller's time was modified", tc.name)
		}
		if r.PublishedBefore != nil {
			_ = r.PublishedBefore.UnixNano() // must be representable
			if r.PublishedBefore.UnixNano() < 0 && r.PublishedBefore.Year() > 1970 {
				t.Errorf("%s: end overflows UnixNano", tc.name)
			}
		}
	}
}

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Equal(*b)
}

// Each facet is asked for once, in the order first asked, the histogram
// apart; none given: every facet.
func TestWantFacets(t *testing.T) {
	for _, c := range []struct {
		facets, want []string
	}{
		{nil, schema.FacetNames()},
		{[]string{}, nil},
		{[]string{"type", "organisations", "type"}, []string{"type", "organisations"}},
		{[]string{schema.PublishedFacet, "type", schema.PublishedFacet}, []string{"type"}},
	} {
		r := Request{Facets: c.facets}
		if got := r.WantFacets(); !slices.Equal(got, c.want) {
			t.Errorf("facets %q: want facets %q, got %q", c.facets, c.want, got)
		}
	}
}

// Filters are refused by name and value: an unknown filter, an empty value,
// a type no note can have (a misspelled type would match nothing, silently),
// in a request's filters as in a scope's.
func TestNormalizeRefusesBadFilters(t *testing.T) {
	cases := []struct {
		filters map[string][]string
		code    string // "" : accepted
	}{
		{map[string][]string{"type": {"note", "terme", "organisation"}}, ""},
		{map[string][]string{"organisation": {"TIESS"}}, ""},
		{map[string][]string{"type": {"foo"}}, "unknown_type"},
		{map[string][]string{"type": {"NOTE"}}, "unknown_type"},
		{map[string][]string{"type": {"note", "notes"}}, "unknown_type"},
		{map[string][]string{"organisation": {" "}}, "empty_filter"},
		{map[string][]string{"organisme": {"x"}}, "unknown_filter"},
		{map[string][]string{"organisation": {"a\xffb"}}, "invalid_utf8"},
	}
	for _, c := range cases {
		for _, inScope := range []bool{false, true} {
			r := Request{Filters: c.filters}
			if inScope {
				r = Request{Scope: Scope{Filters: []map[string][]string{c.filters}}}
			}
			err := r.Normalize()
			var re *RequestError
			switch {
			case c.code == "" && err != nil:
				t.Errorf("%v (scope %v): %v", c.filters, inScope, err)
			case c.code != "" && (!errors.As(err, &re) || re.Code != c.code):
				t.Errorf("%v (scope %v): %v, want %s", c.filters, inScope, err, c.code)
			}
		}
	}
}

// Normalize writes the filters' values as the notes hold them in a copy:
// a key's scope is shared by every search made with it, and writing it in
// place raced between concurrent searches (the review found it with -race).
func TestNormalizeLeavesSharedFiltersAlone(t *testing.T) {
	scope := map[string][]string{"organisation": {"École "}}
	own := map[string][]string{"carnet": {" Carnet A"}}
	r := Request{Filters: own, Scope: Scope{Filters: []map[string][]string{scope}}}
	if err := r.Normalize(); err != nil {
		t.Fatal(err)
	}
	if scope["organisation"][0] != "École " || own["carnet"][0] != " Carnet A" {
		t.Errorf("Normalize changed the caller's maps: %q %q", scope, own)
	}
	if r.Filters["carnet"][0] != "Carnet A" {
		t.Errorf("the request's filters as normalised: %q", r.Filters)
	}
	if got := NormalFilters(scope); got["organisation"][0] != "École" || scope["organisation"][0] != "École " {
		t.Errorf("NormalFilters: %q (from %q)", got, scope)
	}
}
