package web

import (
	"net/url"
	"strings"
	"testing"

	"github.com/encommun/trouvaille/index"
)

// A quoted phrase verified in its best candidates only (past the phrase
// budget) says so on the page; within the budget, nothing is said.
func TestPartialPhraseNotice(t *testing.T) {
	s, _ := testServer(t)
	// The notice paragraph (the page also carries its texts for the script).
	notice := `class="notice">Votre expression entre guillemets`
	q := "/?q=" + url.QueryEscape(`"organismes communautaires"`)
	if status, _, body := fetch(t, s.URL+q); status != 200 || strings.Contains(body, notice) {
		t.Fatalf("within the budget: status %d, notice shown %v", status, strings.Contains(body, notice))
	}
	old := index.PhraseBudget
	index.PhraseBudget = -1 // every deadline already past: only the best candidates are read
	defer func() { index.PhraseBudget = old }()
	status, _, body := fetch(t, s.URL+q+"&per_page=5")
	if status != 200 || !strings.Contains(body, notice) {
		t.Fatalf("past the budget: status %d, no notice in the page", status)
	}
	if en := fetch3(t, s.URL+q+"&per_page=5&lang=en"); !strings.Contains(en, `class="notice">Your quoted phrase`) {
		t.Error("past the budget, in English: no notice")
	}
}

func fetch3(t *testing.T, u string) string {
	t.Helper()
	_, _, body := fetch(t, u)
	return body
}
