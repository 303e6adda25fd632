package query

import (
	"errors"
	"math"
	"testing"
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
