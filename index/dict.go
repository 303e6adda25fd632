package index

import (
	"fmt"

	bindex "github.com/blevesearch/bleve_index_api"
)

// indexDict reads term dictionaries from one snapshot of the live index,
// opened on first use; close releases it.
type indexDict struct {
	ix *Index
	r  bindex.IndexReader
}

func (ix *Index) dictionary() *indexDict { return &indexDict{ix: ix} }

// expansionCache remembers dictionary look-ups (typos and prefixes repeat
// while people type); emptied whenever the index changes.
type expansionCache = resultCache

func (d *indexDict) reader() (bindex.IndexReader, error) {
	if d.r != nil {
		return d.r, nil
	}
	adv, err := d.ix.bi.Advanced()
	if err != nil {
		return nil, err
	}
	d.r, err = adv.Reader()
	return d.r, err
}

func (d *indexDict) close() {
	if d.r != nil {
		d.r.Close()
		d.r = nil
	}
}

func collect(fd bindex.FieldDict, limit int) ([]DictTerm, error) {
	defer fd.Close()
	var out []DictTerm
	for {
		e, err := fd.Next()
		if err != nil {
			return nil, err
		}
		if e == nil {
			return out, nil
		}
		out = append(out, DictTerm{Term: e.Term, Count: e.Count})
		if limit > 0 && len(out) >= limit {
			return out, nil
		}
	}
}

// Fuzzy returns the terms of field within fuzziness edits of term (first
// character fixed: typos rarely hit it, and it keeps the automaton small).
func (d *indexDict) Fuzzy(field, term string, fuzziness int) ([]DictTerm, error) {
	key := fmt.Sprintf("f|%s|%s|%d", field, term, fuzziness)
	if v, ok := d.ix.expansions.get(key); ok {
		return v.([]DictTerm), nil
	}
	out, err := d.fuzzy(field, term, fuzziness)
	if err == nil {
		d.ix.expansions.put(key, out)
	}
	return out, err
}

func (d *indexDict) fuzzy(field, term string, fuzziness int) ([]DictTerm, error) {
	r, err := d.reader()
	if err != nil {
		return nil, err
	}
	fr, ok := r.(bindex.IndexReaderFuzzy)
	if !ok {
		return nil, nil
	}
	prefix := ""
	for _, c := range term {
		prefix = string(c)
		break
	}
	fd, err := fr.FieldDictFuzzy(field, term, fuzziness, prefix)
	if err != nil {
		return nil, err
	}
	return collect(fd, 0)
}

// Prefix returns up to limit terms of field starting with prefix, in term order.
func (d *indexDict) Prefix(field, prefix string, limit int) ([]DictTerm, error) {
	key := fmt.Sprintf("p|%s|%s|%d", field, prefix, limit)
	if v, ok := d.ix.expansions.get(key); ok {
		return v.([]DictTerm), nil
	}
	out, err := d.prefix(field, prefix, limit)
	if err == nil {
		d.ix.expansions.put(key, out)
	}
	return out, err
}

func (d *indexDict) prefix(field, prefix string, limit int) ([]DictTerm, error) {
	r, err := d.reader()
	if err != nil {
		return nil, err
	}
	fd, err := r.FieldDictPrefix(field, []byte(prefix))
	if err != nil {
		return nil, err
	}
	return collect(fd, limit)
}
