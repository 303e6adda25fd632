package main

import (
	"fmt"
	"html"
	"io"
	"strconv"
	"strings"
	"unicode"

	trouvaille "github.com/encommun/trouvaille"
	"github.com/encommun/trouvaille/schema"
	"github.com/encommun/trouvaille/store"
)

// printResult writes a search result for a terminal: marks become bold
// (or «…» without colours), facets are summarised at the end.
func printResult(w io.Writer, res *trouvaille.Result, color bool) {
	markOpen, markShut := "«", "»"
	if color {
		markOpen, markShut = "\x1b[1;33m", "\x1b[0m"
	}
	// mark turns highlighted HTML into terminal text: each piece between
	// the marks is unescaped and cleaned on its own, so that neither a raw
	// control character nor an escaped one (&#27;) reaches the terminal.
	mark := func(s string) string {
		var b strings.Builder
		for i, part := range strings.Split(s, "<mark>") {
			if i > 0 {
				b.WriteString(markOpen)
			}
			inside, after, found := strings.Cut(part, "</mark>")
			if !found {
				b.WriteString(clean(html.UnescapeString(part)))
				continue
			}
			b.WriteString(clean(html.UnescapeString(inside)))
			b.WriteString(markShut)
			b.WriteString(clean(html.UnescapeString(after)))
		}
		return b.String()
	}
	plural := plurals(int(res.Total))
	took := strings.Replace(strconv.FormatFloat(res.TookMS, 'f', 1, 64), ".", ",", 1)
	fmt.Fprintf(w, "%s résultat%s trouvé%s (%s\u00a0ms)", store.FrenchInt(int64(res.Total)), plural, plural, took)
	if res.Relaxed {
		fmt.Fprint(w, " — aucun résultat ne contient tous les mots : voici ceux qui en contiennent le plus")
	}
	if res.Partial {
		fmt.Fprint(w, " — au moins : l’expression entre guillemets n’a été vérifiée que dans les notes les plus pertinentes")
	}
	fmt.Fprintln(w)
	if res.Suggestion != nil {
		fmt.Fprintf(w, "Vouliez-vous dire « %s » ? (%s note%s)\n", clean(res.Suggestion.Q), store.FrenchInt(int64(res.Suggestion.Total)), plurals(int(res.Suggestion.Total)))
	}
	for i, h := range res.Hits {
		n := (res.Page-1)*res.PerPage + i + 1
		fmt.Fprintf(w, "\n%2d. %s  [%s]  %s\n", n, mark(h.TitleHTML), clean(h.Type), clean(h.ID))
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
			fmt.Fprintf(w, "    %s\n", clean(strings.Join(meta, " — ")))
		}
		if h.SnippetHTML != "" {
			fmt.Fprintf(w, "    %s\n", mark(h.SnippetHTML))
		}
		if miss := res.Missing(&res.Hits[i]); len(miss) > 0 {
			fmt.Fprintf(w, "    ne contient pas : %s\n", clean(strings.Join(miss, ", ")))
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
			parts = append(parts, fmt.Sprintf("%s (%d)", clean(v.Value), v.Count))
		}
		label := name
		if d, _, ok := schema.ByFacet(name); ok {
			label = d.Label.FR
		}
		fmt.Fprintf(w, "\n%s : %s", label, strings.Join(parts, ", "))
	}
	fmt.Fprintln(w)
}

// plurals is the plural mark of a French count: 0 and 1 are singular.
func plurals(n int) string {
	if n < 2 {
		return ""
	}
	return "s"
}

// printRelated writes the notes related to a note, with their reasons.
func printRelated(w io.Writer, id string, hits []trouvaille.RelatedHit, color bool) {
	fmt.Fprintf(w, "\nNotes reliées à %s : %d\n", clean(id), len(hits))
	for i, h := range hits {
		title := clean(h.Title)
		if color {
			title = "\x1b[1m" + title + "\x1b[0m"
		}
		fmt.Fprintf(w, "%2d. %s  [%s]  %s\n    %s\n", i+1, title, clean(h.Type), clean(h.ID), clean(strings.Join(h.Reasons, " · ")))
	}
}

// clean makes note text safe for a terminal line: tabs and line breaks
// become spaces, and every other control character (C0, DEL, C1: BEL, ESC,
// NUL…) is shown escaped (\x1b, \u0085) instead of being sent as is, where
// it would ring, move the cursor or recolour the terminal. Ingest refuses
// them; notes stored by older versions may still hold some.
func clean(s string) string {
	if !strings.ContainsFunc(s, unicode.IsControl) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			b.WriteByte(' ')
		case r < 0x80 && unicode.IsControl(r):
			fmt.Fprintf(&b, "\\x%02x", r)
		case unicode.IsControl(r):
			fmt.Fprintf(&b, "\\u%04x", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
