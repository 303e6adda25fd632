package api

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	trouvaille "github.com/encommun/trouvaille"
	"github.com/encommun/trouvaille/analysis"
	"github.com/encommun/trouvaille/schema"
)

// searchParams lists the parameters /v1/search accepts (its own, and one per
// filter of schema.Dimensions); any other is refused so that a typo
// (organization=…) never silently widens a search.
var searchParams = withFilters("q", "page", "per_page", "sort", "facets", "facet_size",
	"published_after", "published_before", "snippets", "synonyms")

// keyOnly is the parameters of a route that takes none but the key
// parameter (a search key or a signed token).
var keyOnly = map[string]bool{"key": true}

// withFilters is the set of names plus every filter parameter.
func withFilters(names ...string) map[string]bool {
	m := map[string]bool{}
	for _, n := range names {
		m[n] = true
	}
	for _, d := range schema.Dimensions {
		m[d.Filter] = true
	}
	return m
}

// checkParams refuses unknown parameters and invalid UTF-8. The key
// parameter (a search key or a signed token, read by Server.access) is
// accepted everywhere; allowed names it (keyOnly) on the routes that read
// it, for the message of a route that takes no other parameter.
func checkParams(v url.Values, allowed map[string]bool) error {
	for k, vals := range v {
		if k == "key" {
			continue
		}
		if !utf8.ValidString(k) {
			return paramError(printable(k), "invalid_utf8", fmt.Sprintf("le nom de paramètre « %s » n’est pas de l’UTF-8 valide : encodez-le en UTF-8", printable(k)))
		}
		if !allowed[k] {
			names := make([]string, 0, len(allowed))
			for n := range allowed {
				if n != "key" {
					names = append(names, n)
				}
			}
			hint := ""
			if near := analysis.Closest(k, names, 2); near != "" {
				hint = fmt.Sprintf(" (vouliez-vous dire « %s » ?)", near)
			}
			name := printable(k) // from the client: may be long, invalid UTF-8 or control characters
			if name == "" {
				name = "(sans nom)" // ?=1: a parameter with an empty name
			}
			if len(names) == 0 && allowed["key"] {
				return paramError(name, "unknown_parameter", fmt.Sprintf("paramètre inconnu « %s » : cette adresse ne prend aucun paramètre (hormis key, la clé de recherche), retirez-le", name))
			}
			if len(names) == 0 {
				return paramError(name, "unknown_parameter", fmt.Sprintf("paramètre inconnu « %s » : cette adresse ne prend aucun paramètre, retirez-le", name))
			}
			return paramError(name, "unknown_parameter", fmt.Sprintf("paramètre inconnu « %s »%s : retirez-le ou vérifiez son orthographe (paramètres acceptés : %s)", name, hint, strings.Join(sortStrings(names), ", ")))
		}
		for _, s := range vals {
			if !utf8.ValidString(s) {
				return paramError(k, "invalid_utf8", fmt.Sprintf("la valeur de %s n’est pas de l’UTF-8 valide : encodez-la en UTF-8", k))
			}
		}
	}
	return nil
}

// parseSearch turns query-string values into a search request.
func parseSearch(v url.Values) (trouvaille.Request, error) {
	var r trouvaille.Request
	if err := checkParams(v, searchParams); err != nil {
		return r, err
	}
	for k, vals := range v {
		if len(vals) > 1 && !isRepeatable(k) {
			return r, paramError(k, "repeated_parameter", fmt.Sprintf("le paramètre %s est donné %d fois : gardez-en un seul", k, len(vals)))
		}
	}
	r.Q = v.Get("q")
	var err error
	if r.Page, err = intParam(v, "page"); err != nil {
		return r, err
	}
	if r.PerPage, err = intParam(v, "per_page"); err != nil {
		return r, err
	}
	if r.FacetSize, err = intParam(v, "facet_size"); err != nil {
		return r, err
	}
	r.Sort = v.Get("sort")
	if vals, ok := v["facets"]; ok {
		r.Facets = []string{}
		none := false
		for _, s := range vals {
			for _, f := range strings.Split(s, ",") {
				f = strings.TrimSpace(f)
				if f == "" {
					continue
				}
				if f == "none" {
					none = true
					continue
				}
				r.Facets = append(r.Facets, f)
			}
		}
		if none && len(r.Facets) > 0 {
			return r, paramError("facets", "invalid_facets", fmt.Sprintf("facets ne peut pas valoir à la fois none (aucune facette) et %s : gardez l’un ou l’autre", strings.Join(r.Facets, ",")))
		}
		if !none && len(r.Facets) == 0 {
			// facets= names no facet: the default, all of them, as an
			// empty sort or page is theirs (it silently gave none).
			r.Facets = nil
		}
	}
	if s, ok := v["snippets"]; ok {
		b, err := strconv.ParseBool(s[0])
		if err != nil {
			return r, paramError("snippets", "invalid_bool", "snippets vaut true ou false")
		}
		r.NoSnippets = !b
	}
	if s, ok := v["synonyms"]; ok {
		b, err := strconv.ParseBool(s[0])
		if err != nil {
			return r, paramError("synonyms", "invalid_bool", "synonyms vaut true ou false")
		}
		r.NoSynonyms = !b
	}
	for _, name := range schema.FilterNames() {
		if vals, ok := v[name]; ok {
			if r.Filters == nil {
				r.Filters = map[string][]string{}
			}
			r.Filters[name] = vals
		}
	}
	if r.PublishedAfter, err = dateParam(v, "published_after", false); err != nil {
		return r, err
	}
	if r.PublishedBefore, err = dateParam(v, "published_before", true); err != nil {
		return r, err
	}
	return r, r.Normalize()
}

// isRepeatable: filters (values ORed) and facets (lists) may be repeated.
func isRepeatable(k string) bool {
	if k == "facets" {
		return true
	}
	_, _, ok := schema.ByFilter(k)
	return ok
}

func intParam(v url.Values, name string) (int, error) {
	s := v.Get(name)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, paramError(name, "invalid_integer", fmt.Sprintf("%s doit être un nombre entier positif, reçu « %s »", name, s))
	}
	return n, nil
}

// dateParam reads a date (2024-05-02) or date-time (RFC 3339). A bare date as
// an upper bound includes that whole day.
func dateParam(v url.Values, name string, upper bool) (*time.Time, error) {
	s := v.Get(name)
	if s == "" {
		return nil, nil
	}
	t, day, err := schema.ParseDate(s)
	if err != nil {
		return nil, paramError(name, "invalid_date", dateError(s, err))
	}
	switch {
	case day && upper:
		// The whole day is in the range.
		t = t.AddDate(0, 0, 1)
	case upper:
		// The engine's upper bound is exclusive, the API's inclusive:
		// the note published at that very instant is in the range.
		t = t.Add(time.Nanosecond)
	}
	return &t, nil
}

// dateError says what is wrong with a date bound schema.ParseDate refused.
func dateError(s string, err error) string {
	if i := strings.LastIndexByte(s, ' '); i > 10 {
		if _, _, err := schema.ParseDate(s[:i] + "+" + s[i+1:]); err == nil {
			return fmt.Sprintf("date invalide « %s » : un + dans une adresse se lit comme une espace; écrivez-le %%2B (%s)", s, s[:i]+"%2B"+s[i+1:])
		}
	}
	switch {
	case errors.Is(err, schema.ErrDateNoZone):
		return fmt.Sprintf("fuseau horaire manquant dans « %s » : ajoutez Z (UTC) ou un décalage comme -04:00, ou ne donnez que le jour (AAAA-MM-JJ)", s)
	case errors.Is(err, schema.ErrDateOffset):
		return fmt.Sprintf("décalage horaire impossible dans « %s » : ses heures vont de 00 à 23 et ses minutes de 00 à 59 (par exemple -04:00 ou -05:00)", s)
	}
	return fmt.Sprintf("date invalide « %s » : écrivez-la AAAA-MM-JJ (ex. 2024-05-02) ou au format RFC 3339", s)
}

func sortStrings(s []string) []string {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	return s
}
