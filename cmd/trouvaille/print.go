package main

import (
	"fmt"
	"html"
	"io"
	"strings"

	trouvaille "github.com/encommun/trouvaille"
	"github.com/encommun/trouvaille/schema"
)

// printResult writes a search result for a terminal: marks become bold
// (or «…» without colours), facets are summarised at the end.
func printResult(w io.Writer, res *trouvaille.Result, color bool) {
	mark := func(s string) string {
		if color {
			s = strings.NewReplacer("<mark>", "\x1b[1;33m", "</mark>", "\x1b[0m").Replace(s)
		} else {
			s = strings.NewReplacer("<mark>", "«", "</mark>", "»").Replace(s)
		}
		return html.UnescapeString(s)
	}
	plural := "s"
	if res.Total == 1 {
		plural = ""
	}
	fmt.Fprintf(w, "%d note%s trouvée%s (%.1f ms)", res.Total, plural, plural, res.TookMS)
	if res.Relaxed {
		fmt.Fprint(w, " — aucune note ne contient tous les mots : voici celles qui en contiennent le plus")
	}
	fmt.Fprintln(w)
	if res.Suggestion != nil {
		fmt.Fprintf(w, "Vouliez-vous dire « %s » ? (%d note%s)\n", res.Suggestion.Q, res.Suggestion.Total, plurals(int(res.Suggestion.Total)))
	}
	for i, h := range res.Hits {
		n := (res.Page-1)*res.PerPage + i + 1
		fmt.Fprintf(w, "\n%2d. %s  [%s]  %s\n", n, mark(h.TitleHTML), h.Type, h.ID)
		var meta []string
		if len(h.Authors) > 0 {
			meta = append(meta, strings.Join(h.Authors, ", "))
		}
		if len(h.Organisations) > 0 {
			meta = append(meta, strings.Join(h.Organisations, ", "))
		}
		for _, c := range h.Carnets {
			if c.Bloc != "" {
				meta = append(meta, c.Title+" · "+c.Bloc)
			} else {
				meta = append(meta, c.Title)
			}
		}
		if h.PublishedAt != nil {
			meta = append(meta, h.PublishedAt.Format("2006-01-02"))
		}
		if len(meta) > 0 {
			fmt.Fprintf(w, "    %s\n", strings.Join(meta, " — "))
		}
		if h.SnippetHTML != "" {
			fmt.Fprintf(w, "    %s\n", mark(h.SnippetHTML))
		}
	}
	for _, name := range schema.FacetNames() {
		vals := res.Facets[name]
		if len(vals) == 0 {
			continue
		}
		var parts []string
		for _, v := range vals {
			if len(parts) == 5 {
				break
			}
			parts = append(parts, fmt.Sprintf("%s (%d)", v.Value, v.Count))
		}
		fmt.Fprintf(w, "\n%s : %s", name, strings.Join(parts, ", "))
	}
	fmt.Fprintln(w)
}

func plurals(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// printRelated writes the notes related to a note, with their reasons.
func printRelated(w io.Writer, id string, hits []trouvaille.RelatedHit, color bool) {
	fmt.Fprintf(w, "\nNotes reliées à %s : %d\n", id, len(hits))
	for i, h := range hits {
		title := h.Title
		if color {
			title = "\x1b[1m" + title + "\x1b[0m"
		}
		fmt.Fprintf(w, "%2d. %s  [%s]  %s\n    %s\n", i+1, title, h.Type, h.ID, strings.Join(h.Reasons, " · "))
	}
}
