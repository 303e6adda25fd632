package web

import (
	"html"
	"strings"
	"testing"
)

// TestReversedDatesSaidPlainly: a person who types the two dates of the
// filter the wrong way round reads what to do, with the names of the fields
// they filled in and the dates as the page writes them, in the page's
// language, not the API's parameter names.
func TestReversedDatesSaidPlainly(t *testing.T) {
	s, _ := testServer(t)
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"?q=logement&published_after=2025-01-01&published_before=2024-03-02",
			[]string{"la date « Jusqu’au » (2 mars 2024) vient avant la date « Depuis le » (1er janvier 2025)", "Inversez les deux dates"}},
		{"?published_after=2025-01-01&published_before=2024-03-02&lang=en",
			[]string{"the “Until” date (March 2, 2024) comes before the “From” date (January 1, 2025)", "Swap the two dates"}},
		// A date that is not one is said, not dropped (the page searched
		// without it, every note, without a word).
		{"?q=logement&published_after=2024-02-30",
			[]string{"la date « Depuis le » n’est pas une date : « 2024-02-30 ». Écrivez-la AAAA-MM-JJ"}},
		{"?published_before=hier",
			[]string{"la date « Jusqu’au » n’est pas une date : « hier »"}},
		{"?published_before=2024/05/02&lang=en",
			[]string{"the “Until” date is not a date: “2024/05/02”"}},
		{"?published_after=" + strings.Repeat("9", 100) + "%FF",
			[]string{"n’est pas une date : « " + strings.Repeat("9", 40) + "… »"}},
	} {
		status, _, body := fetch(t, s.URL+"/"+tc.query)
		text := html.UnescapeString(body)
		if status != 400 {
			t.Errorf("%s: status %d, want 400", tc.query, status)
		}
		for _, w := range tc.want {
			if !strings.Contains(text, frenchSpaced.Replace(w)) {
				t.Errorf("%s: the page does not say %q", tc.query, w)
			}
		}
		notice, _, _ := strings.Cut(text[strings.Index(text, `class="notice notice-error"`)+1:], "</div>")
		if strings.Contains(notice, "published_") {
			t.Errorf("%s: the page speaks the API's language: %s", tc.query, notice)
		}
	}
	// The same day on both sides is a range of one day, not an error.
	if status, _, _ := fetch(t, s.URL+"/?published_after=2024-03-02&published_before=2024-03-02"); status != 200 {
		t.Errorf("one-day range: status %d", status)
	}
}

// TestEnglishWordsOnTheFrenchPage: « housing » typed on the French page
// found nothing and said only « Aucun résultat »; the page in English
// already said the notes are in French and offered the French words. The
// French page now does too, and only when English words are recognised.
func TestEnglishWordsOnTheFrenchPage(t *testing.T) {
	s, _ := testServer(t)
	_, _, body := fetch(t, s.URL+"/?q=housing")
	text := html.UnescapeString(body)
	if !strings.Contains(text, `<p class="french">Les notes sont écrites en français`) || !strings.Contains(text, ">logement</a>") {
		t.Errorf("/?q=housing does not offer the French words:\n%.3000s", text)
	}
	_, _, body = fetch(t, s.URL+"/?q=xylophonezzz")
	if strings.Contains(html.UnescapeString(body), `<p class="french">`) {
		t.Error("a word of no language is told to search in French")
	}
}

// TestHomeSaysWhatThereIsToBrowse: before any search the home page said
// « 317 résultats : … », results of nothing searched; it says what there
// is to browse.
func TestHomeSaysWhatThereIsToBrowse(t *testing.T) {
	s, _ := testServer(t)
	_, _, body := fetch(t, s.URL+"/")
	text := html.UnescapeString(body)
	i := strings.Index(text, `id="count"`)
	if i < 0 {
		t.Fatal("no count on the home page")
	}
	count, _, _ := strings.Cut(text[i:], "</p>")
	if !strings.Contains(count, "À parcourir\u00a0: ") || !strings.Contains(count, " notes") || strings.Contains(count, "résultats") {
		t.Errorf("home count %q", count)
	}
}
