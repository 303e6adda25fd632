package store

// Search keys live beside the notes, under their own prefix:
//
//	k/<id>  -> the key as JSON (its secret included: signed tokens are
//	           verified with it)
//
// They are few (one per partner site or backend), written rarely, and synced
// on every change. Backups copy them with the rest of the store.

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"
)

var prefixKey = []byte("k/")

// ErrKeyNotFound is returned when no search key has the id.
var ErrKeyNotFound = errors.New("clé de recherche introuvable")

// Key is a search key: who may search what, from where, how fast, until when.
type Key struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Secret is what the caller presents (Authorization: Bearer, ?key=) and
	// what signs its tokens (HS256). Never logged, never shown after creation.
	Secret string `json:"secret"`
	// Filters is the key's scope: search filters (schema.Dimensions fields)
	// every request through the key is held to.
	Filters map[string][]string `json:"filters,omitempty"`
	// Origins are the exact browser origins allowed to call with the key.
	Origins []string `json:"origins,omitempty"`
	// Visibility is the most the key reaches: public, community (its tokens
	// name communities) or private (its tokens' user reads the private notes
	// naming them among their readers).
	Visibility string `json:"visibility"`
	// PublicAnonymous marks a key meant to be seen by anyone (a widget on a
	// public page): public visibility only, and the only kind whose origins
	// may be "*".
	PublicAnonymous bool       `json:"public_anonymous,omitempty"`
	RatePerMinute   int        `json:"rate_per_minute"`
	ExpiresAt       *time.Time `json:"expires_at,omitempty"`
	CreatedAt       time.Time  `json:"created_at"`
}

// Expired reports whether the key has expired at now.
func (k *Key) Expired(now time.Time) bool {
	return k.ExpiresAt != nil && !now.Before(*k.ExpiresAt)
}

func keyKey(id string) []byte { return append(append([]byte{}, prefixKey...), id...) }

// PutKey writes a key (creating or replacing it) and syncs.
func (s *Store) PutKey(k *Key) error {
	if k.ID == "" {
		return fmt.Errorf("enregistrer une clé : identifiant vide")
	}
	b, err := json.Marshal(k)
	if err != nil {
		return fmt.Errorf("encoder la clé %s : %w", k.ID, err)
	}
	if err := s.checkSpace(int64(len(b))); err != nil {
		return err
	}
	if err := s.db.Update(func(txn *badger.Txn) error { return txn.Set(keyKey(k.ID), b) }); err != nil {
		return fmt.Errorf("enregistrer la clé %s : %w", k.ID, err)
	}
	return s.db.Sync()
}

// Key returns the key id, or ErrKeyNotFound.
func (s *Store) Key(id string) (*Key, error) {
	var k *Key
	err := s.db.View(func(txn *badger.Txn) error {
		it, err := txn.Get(keyKey(id))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return ErrKeyNotFound
		}
		if err != nil {
			return err
		}
		return it.Value(func(v []byte) error {
			k = &Key{}
			return json.Unmarshal(v, k)
		})
	})
	if err != nil {
		if errors.Is(err, ErrKeyNotFound) {
			return nil, err
		}
		return nil, fmt.Errorf("lire la clé %s : %w", id, err)
	}
	return k, nil
}

// Keys returns every key, by id order.
func (s *Store) Keys() ([]*Key, error) {
	var out []*Key
	err := s.db.View(func(txn *badger.Txn) error {
		opts := badger.DefaultIteratorOptions
		opts.Prefix = prefixKey
		it := txn.NewIterator(opts)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			err := it.Item().Value(func(v []byte) error {
				k := &Key{}
				if err := json.Unmarshal(v, k); err != nil {
					return err
				}
				out = append(out, k)
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("lire les clés : %w", err)
	}
	return out, nil
}

// DeleteKey removes the key id; ErrKeyNotFound when there is none.
func (s *Store) DeleteKey(id string) error {
	err := s.db.Update(func(txn *badger.Txn) error {
		if _, err := txn.Get(keyKey(id)); err != nil {
			if errors.Is(err, badger.ErrKeyNotFound) {
				return ErrKeyNotFound
			}
			return err
		}
		return txn.Delete(keyKey(id))
	})
	if err != nil {
		if errors.Is(err, ErrKeyNotFound) {
			return err
		}
		return fmt.Errorf("supprimer la clé %s : %w", id, err)
	}
	return s.db.Sync()
}
