//go:build js && wasm

package main

import (
	"context"

	"github.com/syumai/workers/cloudflare/kv"

	"github.com/passk/passk/web"
)

// kvStore keeps shares in a Workers KV namespace, under "share:" and the
// id.
//
// KV cannot create a key only if it is absent, so Create does not check:
// ids are 128 random bits (web.NewID), and two shares meet on one id with
// probability 2^-64 even after 2^32 shares. (A read before the write would
// not make it atomic, and KV caches a read that found nothing, which could
// hide the new share at that location for a while.) KV is eventually
// consistent: a share is readable at once where it was written, and
// elsewhere within about a minute.
type kvStore struct{ binding string }

const kvPrefix = "share:"

// missing is what kv.Namespace.GetString returns for a key KV does not
// hold (its JavaScript null, as text). A share always starts "v1.", so no
// stored value reads as it.
const missing = "<null>"

func (s kvStore) Create(ctx context.Context, id string, payload []byte) error {
	ns, err := kv.NewNamespace(s.binding)
	if err != nil {
		return err
	}
	return ns.PutString(kvPrefix+id, string(payload), nil)
}

func (s kvStore) Get(ctx context.Context, id string) ([]byte, error) {
	ns, err := kv.NewNamespace(s.binding)
	if err != nil {
		return nil, err
	}
	v, err := ns.GetString(kvPrefix+id, nil)
	if err != nil {
		return nil, err
	}
	if v == missing {
		return nil, web.ErrNotFound
	}
	return []byte(v), nil
}
