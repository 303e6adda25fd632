package trouvaille

import "github.com/encommun/trouvaille/store"

// Key is a search key (see store.Key); the API manages them (POST /v1/keys…).
type Key = store.Key

// ErrKeyNotFound: no search key has this id.
var ErrKeyNotFound = store.ErrKeyNotFound

// PutKey stores a search key (creating or replacing it), durably.
func (e *Engine) PutKey(k *Key) error { return e.store.PutKey(k) }

// Key returns the search key id, or ErrKeyNotFound.
func (e *Engine) Key(id string) (*Key, error) { return e.store.Key(id) }

// Keys returns every search key, by id.
func (e *Engine) Keys() ([]*Key, error) { return e.store.Keys() }

// DeleteKey removes the search key id, or returns ErrKeyNotFound.
func (e *Engine) DeleteKey(id string) error { return e.store.DeleteKey(id) }
