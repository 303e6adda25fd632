// Package termdict reads the term dictionaries of one snapshot of a Bleve
// index: the terms of a field within an edit distance of a term, or starting
// with a prefix, with their document frequencies. It implements
// query.Dictionary for the query planner, so that planning reads the index
// without calling back into package index.
package termdict

import (
	"fmt"

	"github.com/blevesearch/bleve/v2"
	bindex "github.com/blevesearch/bleve_index_api"
	"github.com/encommun/trouvaille/query"
)

// Dict reads term dictionaries from one snapshot of the live index,
// opened on first use; Close releases it. It implements query.Dictionary.
type Dict struct {
	bi    bleve.Index
	cache Cache
	r     bindex.IndexReader
}

// Cache remembers look-ups (typos and prefixes repeat while people type); its
// owner empties it whenever the index changes.
type Cache interface {
	Get(key string) (any, bool)
	Put(key string, value any)
}

// New returns a dictionary reader of bi whose look-ups go through cache.
func New(bi bleve.Index, cache Cache) *Dict { return &Dict{bi: bi, cache: cache} }

func (d *Dict) reader() (bindex.IndexReader, error) {
	if d.r != nil {
		return d.r, nil
	}
	adv, err := d.bi.Advanced()
	if err != nil {
		return nil, err
	}
	d.r, err = adv.Reader()
	return d.r, err
}

// Close releases the snapshot.
func (d *Dict) Close() {
	if d.r != nil {
		d.r.Close()
		d.r = nil
	}
}

// Collect reads up to limit terms of a field dictionary (0: all) and closes it.
func Collect(fd bindex.FieldDict, limit int) ([]query.DictTerm, error) {
	defer fd.Close()
	var out []query.DictTerm
	for {
		e, err := fd.Next()
		if err != nil {
			return nil, err
		}
		if e == nil {
			return out, nil
		}
		out = append(out, query.DictTerm{Term: e.Term, Count: e.Count})
		if limit > 0 && len(out) >= limit {
			return out, nil
		}
	}
}

// Fuzzy returns the terms of field within fuzziness edits of term (first
// character fixed: typos rarely hit it, and it keeps the automaton small).
func (d *Dict) Fuzzy(field, term string, fuzziness int) ([]query.DictTerm, error) {
	key := fmt.Sprintf("f|%s|%s|%d", field, term, fuzziness)
	if v, ok := d.cache.Get(key); ok {
		return v.([]query.DictTerm), nil
	}
	out, err := d.fuzzy(field, term, fuzziness)
	if err == nil {
		d.cache.Put(key, out)
	}
	return out, err
}

func (d *Dict) fuzzy(field, term string, fuzziness int) ([]query.DictTerm, error) {
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
	return Collect(fd, 0)
}

// Prefix returns up to limit terms of field starting with prefix, in term order.
func (d *Dict) Prefix(field, prefix string, limit int) ([]query.DictTerm, error) {
	key := fmt.Sprintf("p|%s|%s|%d", field, prefix, limit)
	if v, ok := d.cache.Get(key); ok {
		return v.([]query.DictTerm), nil
	}
	out, err := d.prefix(field, prefix, limit)
	if err == nil {
		d.cache.Put(key, out)
	}
	return out, err
}

func (d *Dict) prefix(field, prefix string, limit int) ([]query.DictTerm, error) {
	r, err := d.reader()
	if err != nil {
		return nil, err
	}
	fd, err := r.FieldDictPrefix(field, []byte(prefix))
	if err != nil {
		return nil, err
	}
	return Collect(fd, limit)
}
