package web

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// A query in invalid UTF-8 is refused (400) and not echoed in the page's
// title as « � ».
func TestInvalidUTF8QueryNotInTitle(t *testing.T) {
	s, _ := testServer(t)
	resp, err := http.Get(s.URL + "/?q=%FF")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("status %d, want 400", resp.StatusCode)
	}
	page := string(b)
	i, j := strings.Index(page, "<title>"), strings.Index(page, "</title>")
	if i < 0 || j < i {
		t.Fatalf("no title in %.300s", page)
	}
	if title := page[i:j]; strings.Contains(title, "\uFFFD") || strings.Contains(title, "\xff") {
		t.Errorf("title %q echoes the invalid query", title)
	}
}
