package store

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/dgraph-io/badger/v4"
)

// Search analytics live beside the notes under their own prefix:
//
//	a/<key> -> counter (8 bytes, big endian)
//
// where key is chosen by package analytics (it starts with the day). They
// are not notes: Count, Changes and the index never see them; a backup
// carries them.
var prefixAnalytics = []byte("a/")

// AddAnalytics adds each delta to its counter, in transactions of at most
// analyticsTxn counters. It removes from deltas what it has added: on
// error, deltas holds exactly what is still to add.
func (s *Store) AddAnalytics(deltas map[string]int64) error {
	if len(deltas) == 0 {
		return nil
	}
	// Like Apply: never let Badger write into its mapped files on a full
	// disk (SIGBUS); the counts wait in memory for the next flush.
	if err := s.checkSpace(int64(len(deltas)) * 128); err != nil {
		return err
	}
	keys := make([]string, 0, len(deltas))
	for k := range deltas {
		keys = append(keys, k)
	}
	for len(keys) > 0 {
		chunk := keys[:min(len(keys), analyticsTxn)]
		keys = keys[len(chunk):]
		if err := s.db.Update(func(txn *badger.Txn) error {
			for _, k := range chunk {
				if err := addCounter(txn, k, deltas[k]); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			return fmt.Errorf("enregistrer les statistiques de recherche : %w", err)
		}
		for _, k := range chunk {
			delete(deltas, k)
		}
	}
	return nil
}

// analyticsTxn bounds the counters of one transaction (Badger refuses a
// transaction past a size).
const analyticsTxn = 1000

func addCounter(txn *badger.Txn, k string, d int64) error {
	key := append(append([]byte{}, prefixAnalytics...), k...)
	var n int64
	item, err := txn.Get(key)
	switch {
	case err == badger.ErrKeyNotFound:
	case err != nil:
		return err
	default:
		if err := item.Value(func(v []byte) error {
			if len(v) == 8 {
				n = int64(binary.BigEndian.Uint64(v))
			}
			return nil
		}); err != nil {
			return err
		}
	}
	v := make([]byte, 8)
	binary.BigEndian.PutUint64(v, uint64(n+d))
	return txn.Set(key, v)
}

// ScanAnalytics calls fn for every counter whose key is in [from, to), in
// key order.
func (s *Store) ScanAnalytics(from, to string, fn func(key string, n int64) error) error {
	end := append(append([]byte{}, prefixAnalytics...), to...)
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: true, PrefetchSize: 256, Prefix: prefixAnalytics})
		defer it.Close()
		for it.Seek(append(append([]byte{}, prefixAnalytics...), from...)); it.ValidForPrefix(prefixAnalytics); it.Next() {
			item := it.Item()
			if bytes.Compare(item.Key(), end) >= 0 {
				return nil
			}
			var n int64
			if err := item.Value(func(v []byte) error {
				if len(v) == 8 {
					n = int64(binary.BigEndian.Uint64(v))
				}
				return nil
			}); err != nil {
				return err
			}
			if err := fn(string(item.Key()[len(prefixAnalytics):]), n); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("lire les statistiques de recherche : %w", err)
	}
	return nil
}

// DeleteAnalytics removes counters.
func (s *Store) DeleteAnalytics(keys []string) error {
	wb := s.db.NewWriteBatch()
	defer wb.Cancel()
	for _, k := range keys {
		if err := wb.Delete(append(append([]byte{}, prefixAnalytics...), k...)); err != nil {
			return fmt.Errorf("effacer des statistiques de recherche : %w", err)
		}
	}
	if err := wb.Flush(); err != nil {
		return fmt.Errorf("effacer des statistiques de recherche : %w", err)
	}
	return nil
}
