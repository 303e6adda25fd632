package query

import "testing"

func TestMatcherGrouped(t *testing.T) {
	for q, want := range map[string]bool{
		"jardin potager":         false,
		`"jardin potager"`:       true,
		`serre "jardin potager"`: true,
		"financement":            false,
	} {
		if got := NewMatcher(q).Grouped(); got != want {
			t.Errorf("%s: Grouped() = %v, want %v", q, got, want)
		}
	}
}
