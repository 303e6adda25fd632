package web

import (
	"strings"
	"testing"
)

// TestOutsideImagesBecomeLinks: the note page loads nothing from another
// site (its Content-Security-Policy allows images from itself only), so an
// image of a note body hosted elsewhere would show as a broken icon. It
// becomes a link to the image, named by its description; an image of the
// site itself, or written inline, stays an image.
func TestOutsideImagesBecomeLinks(t *testing.T) {
	for _, tc := range []struct{ md, want, not string }{
		{"Voici le plan : ![Plan du quartier](https://exemple.org/plan.png \"Le plan\")",
			`<a href="https://exemple.org/plan.png" title="Le plan" rel="nofollow">Image : Plan du quartier</a>`, "<img"},
		{"![](http://exemple.org/a.jpg)", `<a href="http://exemple.org/a.jpg" rel="nofollow">Image : image</a>`, "<img"},
		{"![Logo](//cdn.exemple.org/logo.svg)", `>Image : Logo</a>`, "<img"},
		{"[![Affiche](https://exemple.org/affiche.png)](https://exemple.org/evenement)", `<a href="https://exemple.org/evenement" rel="nofollow">Image : Affiche</a>`, "affiche.png"},
		{"![Logo](/static/logo.svg)", `<img src="/static/logo.svg" alt="Logo">`, "Image :"},
	} {
		got := string(renderMarkdown(tc.md))
		if !strings.Contains(got, tc.want) || strings.Contains(got, tc.not) {
			t.Errorf("%q renders as %s, want %s without %s", tc.md, got, tc.want, tc.not)
		}
	}
}
