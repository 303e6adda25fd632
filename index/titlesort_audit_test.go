package index

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/encommun/trouvaille/analysis"
	"github.com/encommun/trouvaille/query"
	"github.com/encommun/trouvaille/store"
)

// auditTitles are hostile titles for a page by title: alike for eight
// bytes or more, equal once folded (case, accents, œ), empty once folded
// (invisible characters), emojis, 500 characters, shorter than eight
// bytes, one the start of another, an accent cut by the eighth byte.
var auditTitles = []string{
	"Rapport annuel 2024", "RAPPORT ANNUEL 2024", "Rapport annuel 2024 bis", "rapport annuel", "Rapport",
	"Économie", "economie", "ÉCONOMIE SOCIALE", "Œuvre", "oeuvre", "\u200b", "\u200b\u2060", "🚀 Lancement", "🚀🚀",
	"🚀 Lancement 2", strings.Repeat("a", 500), strings.Repeat("a", 499) + "b", strings.Repeat("A", 498),
	"A", "a", "Ab", "é", "e", "abcdefgh", "abcdefgha", "abcdefg", "abcdefgé", "abcdefge", "10 trucs", "9 trucs",
	"Zz", "Ça va", "ca va", "\u00a0x", "x\u0301", "Straße", "strasse",
}

// auditExpected is the page independently computed: the notes scope sees
// among m (those keep accepts), by folded title then id.
func auditExpected(m memNotes, sc query.Scope, keep func(*store.Note) bool, skip, need int) []string {
	var all []*store.Note
	for _, n := range m {
		if sc.Allows(n) && keep(n) {
			all = append(all, n)
		}
	}
	slices.SortFunc(all, func(a, b *store.Note) int {
		if c := strings.Compare(analysis.Fold(a.Title), analysis.Fold(b.Title)); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	var out []string
	for i := skip; i < need && i < len(all); i++ {
		out = append(out, all[i].ID)
	}
	return out
}

// Pages by title, from the first to past the end, are the order computed
// here without the index (folded title, then id) over the notes each scope
// sees (anonymous, admin, a community, a private reader, another user),
// browsing, with a query, with a filter, the title groups read either way,
// over several segments, before and after title changes, deletions and
// notes made private.
func TestTitleSortIndependentOrder(t *testing.T) {
	ix, err := Open(t.TempDir()+"/index", t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	defer func(n int) { groupWalkFrom = n }(groupWalkFrom)
	m := memNotes{}
	seq := uint64(0)
	put := func(ns ...*store.Note) {
		var entries []store.Entry
		for _, n := range ns {
			seq++
			m[n.ID] = n
			entries = append(entries, store.Entry{Seq: seq, ID: n.ID, Note: n})
		}
		if err := ix.Apply(entries); err != nil {
			t.Fatal(err)
		}
	}
	del := func(id string) {
		seq++
		delete(m, id)
		if err := ix.Apply([]store.Entry{{Seq: seq, ID: id}}); err != nil {
			t.Fatal(err)
		}
	}
	mk := func(i int, title string) *store.Note {
		vis, body := "public", "zorglub"
		switch i % 7 {
		case 3:
			vis = "private"
		case 5:
			vis = "community"
		}
		if i%3 == 0 {
			body = "quokka"
		}
		return &store.Note{ID: fmt.Sprintf("n%03d", (i*53)%400), Type: "note", Title: auditTitles[i%len(auditTitles)] + title,
			Body: body, Visibility: vis, Community: "c1", Readers: []string{"u1"}, Organisations: []string{[]string{"A", "B"}[i%2]}}
	}
	scopes := []query.Scope{{}, {Admin: true}, {Level: query.LevelCommunity, Communities: []string{"c1"}}, {Level: query.LevelPrivate, User: "u1"}, {Level: query.LevelPrivate, User: "u2"}}
	check := func(phase string) {
		t.Helper()
		// Several segments, so that keys tie across them: one note at a
		// time makes a new segment, which the merger does not merge at once.
		split := 0
		splitOne := func() {
			split++
			id := fmt.Sprintf("n%03d", (split*53+7)%400)
			if n, ok := m[id]; ok {
				c := *n
				c.Title = auditTitles[(split*7)%len(auditTitles)]
				put(&c)
			}
		}
		type rq struct {
			q    string
			f    map[string][]string
			keep func(*store.Note) bool
		}
		reqs := []rq{
			{"", nil, func(*store.Note) bool { return true }},
			{"zorglub", nil, func(n *store.Note) bool { return n.Body == "zorglub" }},
			{"", map[string][]string{"organisation": {"A"}}, func(n *store.Note) bool { return n.Organisations[0] == "A" }},
			{"quokka", map[string][]string{"organisation": {"B"}}, func(n *store.Note) bool { return n.Body == "quokka" && n.Organisations[0] == "B" }},
		}
		bad := 0
		for _, gw := range []int{16, 0, 1 << 30} {
			groupWalkFrom = gw
			for _, rr := range reqs {
				for si, sc := range scopes {
					splitOne()
					for _, pp := range []int{1, 3, 7, 20, 100} {
						all := len(auditExpected(m, sc, rr.keep, 0, 1<<30))
						last := (all + pp - 1) / pp
						for _, page := range []int{1, 2, 3, last - 1, last, last + 1, last + 2} {
							if page < 1 {
								continue
							}
							r := query.Request{Q: rr.q, Filters: rr.f, Sort: "title", Page: page, PerPage: pp, Scope: sc, NoSnippets: true}
							want := auditExpected(m, sc, rr.keep, (page-1)*pp, page*pp)
							res, err := ix.Search(context.Background(), r, m)
							if err != nil {
								t.Fatal(err)
							}
							var got []string
							for _, h := range res.Hits {
								got = append(got, h.ID)
							}
							if !slices.Equal(got, want) && bad < 10 {
								bad++
								t.Errorf("%s gw %d %q %v scope %d page %d×%d: got %v, want %v", phase, gw, rr.q, rr.f, si, page, pp, got, want)
							}
						}
					}
				}
			}
		}
	}
	for part := range 4 {
		var ns []*store.Note
		for i := part * 100; i < part*100+100; i++ {
			ns = append(ns, mk(i, strings.Repeat(" x", i%4)))
		}
		put(ns...)
	}
	check("loaded")
	// Updates changing titles, deletions, public → private.
	for i := 0; i < 400; i += 9 {
		n := *m[fmt.Sprintf("n%03d", (i*53)%400)]
		n.Title = auditTitles[(i+5)%len(auditTitles)]
		put(&n)
	}
	for i := 1; i < 400; i += 13 {
		del(fmt.Sprintf("n%03d", (i*53)%400))
	}
	for i := 2; i < 400; i += 11 {
		if n, ok := m[fmt.Sprintf("n%03d", (i*53)%400)]; ok {
			c := *n
			c.Visibility = "private"
			put(&c)
		}
	}
	check("changed")
}

// Pages by title read while notes are deleted, retitled and made private
// hold no note twice and no more notes than the total.
func TestTitleSortDuringWrites(t *testing.T) {
	ix, err := Open(t.TempDir()+"/index", t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	frozen := memNotes{}
	var first []store.Entry
	for i := range 300 {
		n := &store.Note{ID: fmt.Sprintf("n%03d", i), Type: "note", Title: auditTitles[i%len(auditTitles)], Body: "zorglub", Visibility: "public"}
		frozen[n.ID] = n
		first = append(first, store.Entry{Seq: uint64(i + 1), ID: n.ID, Note: n})
	}
	if err := ix.Apply(first); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		seq := uint64(1000)
		for b := range 60 {
			var es []store.Entry
			for j := range 5 {
				i := (b*17 + j*31) % 300
				seq++
				id := fmt.Sprintf("n%03d", i)
				switch j {
				case 0:
					es = append(es, store.Entry{Seq: seq, ID: id})
				default:
					vis := "public"
					if j == 1 {
						vis = "private"
					}
					es = append(es, store.Entry{Seq: seq, ID: id, Note: &store.Note{ID: id, Type: "note", Title: auditTitles[(i+b)%len(auditTitles)], Body: "zorglub", Visibility: vis}})
				}
			}
			if err := ix.Apply(es); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for k := 0; ; k++ {
		select {
		case <-done:
			return
		default:
		}
		for _, q := range []string{"", "zorglub"} {
			for _, pp := range []int{1, 7, 100} {
				r := query.Request{Q: q, Sort: "title", Page: 1 + k%5, PerPage: pp, NoSnippets: true}
				res, err := ix.Search(context.Background(), r, frozen)
				if err != nil {
					t.Fatal(err)
				}
				seen := map[string]bool{}
				for _, h := range res.Hits {
					if seen[h.ID] {
						t.Fatalf("%q page %d×%d: %s twice", q, r.Page, pp, h.ID)
					}
					seen[h.ID] = true
				}
				if len(res.Hits) > 0 && uint64((r.Page-1)*pp+len(res.Hits)) > res.Total {
					t.Fatalf("%q page %d×%d: %d hits of %d", q, r.Page, pp, len(res.Hits), res.Total)
				}
			}
		}
	}
}
