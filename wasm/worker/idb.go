//go:build js && wasm

package worker

import (
	"context"
	"errors"
	"fmt"
	"syscall/js"
	"time"

	"github.com/hack-pad/go-indexeddb/idb"

	"github.com/passk/passk/wasm/app"
)

// The IndexedDB database of the app. Its version is the schema version of
// its object stores; each record also carries app.SchemaVersion, the
// version of the session encoding it holds.
//
//	sessions  keyPath "id"   {id, schema, name, created, updated, models: [label…], problems}
//	data      keyPath "id"   {id, schema, json}   the session, encoded as app.Session JSON
//	state     keyPath "key"  {key: "current", id}  the session open last
//
// A session's meta and data are written in one transaction, so a failed
// write (quota exceeded) leaves both as they were.
const (
	dbName    = "passk"
	dbVersion = 1

	storeSessions = "sessions"
	storeData     = "data"
	storeState    = "state"
)

// IDBStore is an app.Store in IndexedDB.
type IDBStore struct {
	db      *idb.Database
	timeout time.Duration
}

// ErrNoIndexedDB is returned by OpenIDB where the page has no IndexedDB.
var ErrNoIndexedDB = errors.New("IndexedDB is not available")

// OpenIDB opens (creating or upgrading) the app's database.
func OpenIDB(ctx context.Context) (s *IDBStore, err error) {
	g := js.Global().Get("indexedDB")
	if g.IsUndefined() || g.IsNull() {
		return nil, ErrNoIndexedDB
	}
	factory, err := idb.WrapFactory(g)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	var req *idb.OpenDBRequest
	err = try(func() (err error) {
		req, err = factory.Open(ctx, dbName, dbVersion, upgrade)
		return err
	})
	if err != nil {
		return nil, err
	}
	db, err := req.Await(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("opening IndexedDB timed out (another tab may hold an older version open)")
		}
		return nil, err
	}
	return &IDBStore{db: db, timeout: 10 * time.Second}, nil
}

// upgrade creates the object stores of each version after oldVersion. It
// runs inside IndexedDB's upgradeneeded event and must not fail.
func upgrade(db *idb.Database, oldVersion, newVersion uint) error {
	if oldVersion < 1 {
		if _, err := db.CreateObjectStore(storeSessions, idb.ObjectStoreOptions{KeyPath: js.ValueOf("id")}); err != nil {
			return err
		}
		if _, err := db.CreateObjectStore(storeData, idb.ObjectStoreOptions{KeyPath: js.ValueOf("id")}); err != nil {
			return err
		}
		if _, err := db.CreateObjectStore(storeState, idb.ObjectStoreOptions{KeyPath: js.ValueOf("key")}); err != nil {
			return err
		}
	}
	return nil
}

func (s *IDBStore) ctx(parent context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(parent, s.timeout)
}

// List returns every stored session's meta.
func (s *IDBStore) List(ctx context.Context) (metas []app.Meta, err error) {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	err = try(func() error {
		txn, err := s.db.Transaction(idb.TransactionReadOnly, storeSessions)
		if err != nil {
			return err
		}
		store, err := txn.ObjectStore(storeSessions)
		if err != nil {
			return err
		}
		req, err := store.OpenCursor(idb.CursorNext)
		if err != nil {
			return err
		}
		return req.Iter(ctx, func(c *idb.CursorWithValue) error {
			v, err := c.Value()
			if err != nil {
				return err
			}
			if m, ok := metaOf(v); ok {
				metas = append(metas, m)
			}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	app.SortMetas(metas)
	return metas, nil
}

// metaOf reads a record of the sessions store. A record it cannot read
// (written by a newer schema, or damaged) gives a Meta with Unreadable set,
// so that the session is listed, and only its id is needed to delete it.
// ok is false for a record without a string id: it cannot be addressed,
// and is left alone.
func metaOf(v js.Value) (m app.Meta, ok bool) {
	if v.Type() != js.TypeObject || v.Get("id").Type() != js.TypeString {
		return app.Meta{}, false
	}
	m = app.Meta{ID: v.Get("id").String(), Models: []string{}}
	if n := v.Get("name"); n.Type() == js.TypeString {
		m.Name = n.String()
	}
	bad := func(why string) (app.Meta, bool) {
		m.Unreadable = "its stored record is damaged (" + why + ")"
		return m, true
	}
	sv := v.Get("schema")
	switch {
	case sv.Type() != js.TypeNumber:
		return bad(`no numeric "schema"`)
	case sv.Float() > app.SchemaVersion:
		m.Unreadable = fmt.Sprintf("it was saved by a newer version of passk (storage schema %v; this version reads schema %d)", sv.Float(), app.SchemaVersion)
		return m, true
	case sv.Float() != app.SchemaVersion:
		return bad(fmt.Sprintf("unknown schema %v", sv.Float()))
	}
	if v.Get("name").Type() != js.TypeString {
		return bad(`"name" is not a string`)
	}
	var err error
	if v.Get("created").Type() != js.TypeString || v.Get("updated").Type() != js.TypeString {
		return bad(`"created" or "updated" is not a string`)
	}
	if m.Created, err = time.Parse(time.RFC3339Nano, v.Get("created").String()); err != nil {
		return bad(`"created" is not a time`)
	}
	if m.Updated, err = time.Parse(time.RFC3339Nano, v.Get("updated").String()); err != nil {
		return bad(`"updated" is not a time`)
	}
	ms := v.Get("models")
	if !js.Global().Get("Array").Call("isArray", ms).Bool() {
		return bad(`"models" is not a list`)
	}
	for i := 0; i < ms.Length(); i++ {
		if ms.Index(i).Type() != js.TypeString {
			return bad(`"models" holds a non-string`)
		}
		m.Models = append(m.Models, ms.Index(i).String())
	}
	if p := v.Get("problems"); p.Type() == js.TypeNumber {
		m.Problems = p.Int()
	} else {
		return bad(`"problems" is not a number`)
	}
	return m, true
}

// Load reads the session with id.
func (s *IDBStore) Load(ctx context.Context, id string) (*app.Session, error) {
	v, err := s.get(ctx, storeData, id)
	if err != nil {
		return nil, err
	}
	if v.Type() != js.TypeObject {
		return nil, app.ErrNotFound
	}
	switch sv := v.Get("schema"); {
	case sv.Type() == js.TypeNumber && sv.Float() > app.SchemaVersion:
		return nil, fmt.Errorf("%w: it was saved by a newer version of passk (storage schema %v; this version reads schema %d)", app.ErrUnreadable, sv.Float(), app.SchemaVersion)
	case sv.Type() != js.TypeNumber || sv.Float() != app.SchemaVersion:
		return nil, fmt.Errorf("%w: its stored record is damaged (bad \"schema\")", app.ErrUnreadable)
	case v.Get("json").Type() != js.TypeString:
		return nil, fmt.Errorf("%w: its stored record is damaged (\"json\" is not a string)", app.ErrUnreadable)
	}
	sess, err := app.ParseSession([]byte(v.Get("json").String()))
	if err != nil {
		return nil, fmt.Errorf("%w: its stored record is damaged (%v)", app.ErrUnreadable, err)
	}
	return sess, nil
}

// Save writes the session's meta and data, and makes it current, in one
// transaction.
func (s *IDBStore) Save(ctx context.Context, sess *app.Session) error {
	data, err := sess.MarshalJSON()
	if err != nil {
		return err
	}
	meta := sess.Meta()
	models := make([]any, len(meta.Models))
	for i, l := range meta.Models {
		models[i] = l
	}
	metaV := js.ValueOf(map[string]any{
		"id": meta.ID, "schema": app.SchemaVersion, "name": meta.Name,
		"created": meta.Created.UTC().Format(time.RFC3339Nano), "updated": meta.Updated.UTC().Format(time.RFC3339Nano),
		"models": models, "problems": meta.Problems,
	})
	dataV := js.ValueOf(map[string]any{"id": meta.ID, "schema": app.SchemaVersion, "json": string(data)})
	stateV := js.ValueOf(map[string]any{"key": "current", "id": meta.ID})
	return s.write(ctx, func(txn *idb.Transaction) error {
		if err := put(txn, storeSessions, metaV); err != nil {
			return err
		}
		if err := put(txn, storeData, dataV); err != nil {
			return err
		}
		return put(txn, storeState, stateV)
	}, storeSessions, storeData, storeState)
}

func put(txn *idb.Transaction, name string, v js.Value) error {
	store, err := txn.ObjectStore(name)
	if err != nil {
		return err
	}
	_, err = store.Put(v)
	return err
}

func del(txn *idb.Transaction, name string, key js.Value) error {
	store, err := txn.ObjectStore(name)
	if err != nil {
		return err
	}
	_, err = store.Delete(key)
	return err
}

// write runs f in a read-write transaction over stores and waits for it to
// commit. If f fails, the transaction is aborted: nothing is written.
func (s *IDBStore) write(ctx context.Context, f func(*idb.Transaction) error, stores ...string) error {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	return try(func() error {
		txn, err := s.db.Transaction(idb.TransactionReadWrite, stores[0], stores[1:]...)
		if err != nil {
			return err
		}
		if err := f(txn); err != nil {
			txn.Abort()
			return err
		}
		return txn.Await(ctx)
	})
}

// Delete removes the session with id.
func (s *IDBStore) Delete(ctx context.Context, id string) error {
	cur, err := s.Current(ctx)
	if err != nil {
		return err
	}
	return s.write(ctx, func(txn *idb.Transaction) error {
		if err := del(txn, storeSessions, js.ValueOf(id)); err != nil {
			return err
		}
		if err := del(txn, storeData, js.ValueOf(id)); err != nil {
			return err
		}
		if cur == id {
			return del(txn, storeState, js.ValueOf("current"))
		}
		return nil
	}, storeSessions, storeData, storeState)
}

// Current returns the id of the session opened last.
func (s *IDBStore) Current(ctx context.Context) (string, error) {
	v, err := s.get(ctx, storeState, "current")
	if err != nil || v.Type() != js.TypeObject {
		return "", err
	}
	return v.Get("id").String(), nil
}

// SetCurrent records the session opened last ("" for none).
func (s *IDBStore) SetCurrent(ctx context.Context, id string) error {
	return s.write(ctx, func(txn *idb.Transaction) error {
		if id == "" {
			return del(txn, storeState, js.ValueOf("current"))
		}
		return put(txn, storeState, js.ValueOf(map[string]any{"key": "current", "id": id}))
	}, storeState)
}

// get reads the record with key from the object store name (undefined if
// there is none).
func (s *IDBStore) get(ctx context.Context, name, key string) (v js.Value, err error) {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	err = try(func() error {
		txn, err := s.db.Transaction(idb.TransactionReadOnly, name)
		if err != nil {
			return err
		}
		store, err := txn.ObjectStore(name)
		if err != nil {
			return err
		}
		req, err := store.Get(js.ValueOf(key))
		if err != nil {
			return err
		}
		v, err = req.Await(ctx)
		return err
	})
	return v, err
}

// Close closes the database.
func (s *IDBStore) Close() error { return s.db.Close() }
