//go:build js && wasm

package worker

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"syscall/js"
	"time"

	"github.com/hack-pad/go-indexeddb/idb"

	"github.com/passk/passk/wasm/app"
)

// The IndexedDB database of the app. Its version is the schema version of
// its object stores; each record also carries app.SchemaVersion, the
// version of the session encoding it holds, and the session's revision
// (app.Store: every save increments it).
//
//	sessions  keyPath "id"   {id, schema, rev, name, created, updated, models: [label…], problems}
//	data      keyPath "id"   {id, schema, rev, json}   the session, encoded as app.Session JSON
//	state     keyPath "key"  {key: "current", id}  the session open last
//
// A session's meta and data are written in one transaction, so a failed
// write (quota exceeded) leaves both as they were; the same transaction
// first reads the stored revision, so that a tab never writes over a
// revision it has not read (app.ErrConflict).
//
// Several tabs share the database. A tab whose build has a newer schema
// opens it at a higher version: the connections of older tabs get a
// "versionchange" event, close (IDBStore.OnLost), and those tabs carry on
// in memory; until they have closed, the newer tab's open is "blocked".
const (
	dbName = "passk"

	storeSessions = "sessions"
	storeData     = "data"
	storeState    = "state"
)

// dbVersion is the version of the database this build opens.
const dbVersion = 1

// testDBVersion, set with -ldflags "-X
// github.com/passk/passk/wasm/worker.testDBVersion=N", makes a build open
// the database at version N > dbVersion, as a later build with a newer
// schema would (its upgrade from dbVersion changes nothing). The browser
// tests use it to play a newer passk; a release build leaves it empty.
var testDBVersion string

// openVersion is the database version this build opens.
func openVersion() uint {
	if v, err := strconv.ParseUint(testDBVersion, 10, 32); err == nil && v > dbVersion {
		return uint(v)
	}
	return dbVersion
}

// IDBStore is an app.Store in IndexedDB.
type IDBStore struct {
	db      *idb.Database
	raw     js.Value // the IDBDatabase
	timeout time.Duration

	mu       sync.Mutex
	lost     string       // why the connection was lost ("" while it is open)
	onLost   func(string) // called once when the connection is lost
	handlers []handler    // the connection's event handlers, removed by Close

	// OnWrite, when set, is called after a save of session id commits
	// (rev is the revision written), or after its delete (rev 0).
	OnWrite func(id string, rev int)
}

// Why an open connection was lost (IDBStore.OnLost).
const (
	LostUpgrade = "upgrade" // another tab opened the database at a newer version
	LostDeleted = "deleted" // the database is being deleted
	LostClosed  = "closed"  // the browser closed it (its data was cleared, say)
)

// ErrNoIndexedDB is returned by OpenIDB where the page has no IndexedDB.
var ErrNoIndexedDB = errors.New("IndexedDB is not available")

// ErrNewerDatabase is returned by OpenIDB when the database has a higher
// version than this build opens: a newer passk upgraded it.
var ErrNewerDatabase = errors.New("passk's storage in this browser was upgraded by a newer version of passk")

// OpenIDB opens (creating or upgrading) the app's database. When other
// connections (tabs of an older passk) must close before the database can
// be upgraded, the open is blocked: blocked, when not nil, is called at
// once, and OpenIDB returns only when they have closed. A database at a
// higher version than this build's gives ErrNewerDatabase, and is left
// untouched.
func OpenIDB(ctx context.Context, blocked func()) (s *IDBStore, err error) {
	g := js.Global().Get("indexedDB")
	if g.IsUndefined() || g.IsNull() {
		return nil, ErrNoIndexedDB
	}
	// The factory go-indexeddb opens with: indexedDB itself, except that
	// open also listens for "blocked" on the request it makes, an event
	// go-indexeddb does not report.
	onBlocked := js.FuncOf(func(this js.Value, args []js.Value) any {
		if blocked != nil {
			blocked()
			blocked = nil
		}
		return nil
	})
	defer onBlocked.Release()
	open := js.FuncOf(func(this js.Value, args []js.Value) any {
		in := make([]any, len(args))
		for i, a := range args {
			in[i] = a
		}
		req := g.Call("open", in...)
		req.Call("addEventListener", "blocked", onBlocked)
		return req
	})
	defer open.Release()
	proxy := js.Global().Get("Object").New()
	proxy.Set("open", open)
	factory, err := idb.WrapFactory(proxy)
	if err != nil {
		return nil, err
	}
	var req *idb.OpenDBRequest
	err = try(func() (err error) {
		req, err = factory.Open(ctx, dbName, openVersion(), upgrade)
		return err
	})
	if err != nil {
		return nil, err
	}
	db, err := req.Await(ctx)
	if errors.Is(err, idb.NewDOMException("VersionError")) {
		return nil, fmt.Errorf("%w (%s)", ErrNewerDatabase, strings.TrimSuffix(err.Error(), "."))
	}
	if err != nil {
		return nil, err
	}
	raw, err := req.Request.Result()
	if err != nil {
		return nil, err
	}
	s = &IDBStore{db: db, raw: raw, timeout: 10 * time.Second}
	s.listen()
	return s, nil
}

// listen handles the events that end the connection: "versionchange"
// (another tab wants a newer version, or to delete the database: the
// connection is closed at once so that it can) and "close" (the browser
// closed it).
func (s *IDBStore) listen() {
	on := func(event string, f func(ev js.Value)) {
		fn := js.FuncOf(func(this js.Value, args []js.Value) any {
			ev := js.Undefined()
			if len(args) > 0 {
				ev = args[0]
			}
			f(ev)
			return nil
		})
		s.raw.Call("addEventListener", event, fn)
		s.handlers = append(s.handlers, handler{event, fn})
	}
	on("versionchange", func(ev js.Value) {
		s.raw.Call("close")
		why := LostUpgrade
		if nv := ev.Get("newVersion"); nv.IsNull() || nv.IsUndefined() {
			why = LostDeleted
		}
		s.setLost(why)
	})
	on("close", func(js.Value) { s.setLost(LostClosed) })
}

func (s *IDBStore) setLost(why string) {
	s.mu.Lock()
	if s.lost != "" {
		s.mu.Unlock()
		return
	}
	s.lost = why
	f := s.onLost
	s.mu.Unlock()
	if f != nil {
		go f(why) // an event handler must not block
	}
}

// OnLost sets f to be called, once, in its own goroutine, when the
// connection is lost: another tab upgrades or deletes the database, or
// the browser closes it. Nothing can be read or written after that. If it
// was lost already, f is called at once.
func (s *IDBStore) OnLost(f func(why string)) {
	s.mu.Lock()
	s.onLost = f
	lost := s.lost
	s.mu.Unlock()
	if lost != "" {
		go f(lost)
	}
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
			return s.closedErr(err)
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
	sess.Rev = revOf(v)
	return sess, nil
}

// revOf returns the revision a record carries: 0 for records written
// before revisions were kept, or damaged.
func revOf(v js.Value) int {
	if r := v.Get("rev"); r.Type() == js.TypeNumber && r.Float() >= 0 && r.Float() <= 1<<52 {
		return r.Int()
	}
	return 0
}

// Save writes the session's meta and data, and makes it current, in one
// transaction, which first reads the stored meta: a stored revision other
// than sess.Rev is a conflict, and a record this version cannot read is
// never written over.
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
	rev := sess.Rev + 1
	metaV := js.ValueOf(map[string]any{
		"id": meta.ID, "schema": app.SchemaVersion, "rev": rev, "name": meta.Name,
		"created": meta.Created.UTC().Format(time.RFC3339Nano), "updated": meta.Updated.UTC().Format(time.RFC3339Nano),
		"models": models, "problems": meta.Problems,
	})
	dataV := js.ValueOf(map[string]any{"id": meta.ID, "schema": app.SchemaVersion, "rev": rev, "json": string(data)})
	stateV := js.ValueOf(map[string]any{"key": "current", "id": meta.ID})
	err = s.write(ctx, func(ctx context.Context, txn *idb.Transaction) error {
		store, err := txn.ObjectStore(storeSessions)
		if err != nil {
			return err
		}
		req, err := store.Get(js.ValueOf(meta.ID))
		if err != nil {
			return err
		}
		// The transaction stays active while this goroutine runs: Go
		// runs every goroutine the success event wakes before it hands
		// control back to the browser.
		stored, err := req.Await(ctx)
		if err != nil {
			return err
		}
		if stored.Type() == js.TypeObject {
			if m, ok := metaOf(stored); ok && m.Unreadable != "" {
				return fmt.Errorf("%w: %s", app.ErrUnreadable, m.Unreadable)
			}
			if revOf(stored) != sess.Rev {
				return app.ErrConflict
			}
		}
		if err := put(txn, storeSessions, metaV); err != nil {
			return err
		}
		if err := put(txn, storeData, dataV); err != nil {
			return err
		}
		return put(txn, storeState, stateV)
	}, storeSessions, storeData, storeState)
	if err != nil {
		return err
	}
	sess.Rev = rev
	if s.OnWrite != nil {
		s.OnWrite(meta.ID, rev)
	}
	return nil
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
func (s *IDBStore) write(ctx context.Context, f func(context.Context, *idb.Transaction) error, stores ...string) error {
	ctx, cancel := s.ctx(ctx)
	defer cancel()
	return try(func() error {
		txn, err := s.db.Transaction(idb.TransactionReadWrite, stores[0], stores[1:]...)
		if err != nil {
			return s.closedErr(err)
		}
		if err := f(ctx, txn); err != nil {
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
	err = s.write(ctx, func(ctx context.Context, txn *idb.Transaction) error {
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
	if err == nil && s.OnWrite != nil {
		s.OnWrite(id, 0)
	}
	return err
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
	return s.write(ctx, func(ctx context.Context, txn *idb.Transaction) error {
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
			return s.closedErr(err)
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

// closedErr says why a transaction could not start on a lost connection
// (err is then an InvalidStateError), and returns err otherwise.
func (s *IDBStore) closedErr(err error) error {
	s.mu.Lock()
	lost := s.lost
	s.mu.Unlock()
	if lost != "" {
		return fmt.Errorf("the connection to storage is closed (%s): %w", lost, err)
	}
	return err
}

// Close closes the database and releases the event handlers.
func (s *IDBStore) Close() error {
	err := s.db.Close()
	s.mu.Lock()
	s.lost = LostClosed
	s.onLost = nil
	hs := s.handlers
	s.handlers = nil
	s.mu.Unlock()
	for _, h := range hs {
		s.raw.Call("removeEventListener", h.event, h.fn)
		h.fn.Release()
	}
	return err
}

// handler is an event handler on the connection.
type handler struct {
	event string
	fn    js.Func
}
