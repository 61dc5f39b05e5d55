package logs

import (
	"context"
	"errors"
	"fmt"

	"github.com/soclab/soclab/simulator/blobs"
	"github.com/soclab/soclab/simulator/kql"
)

// ReadExternal serves KQL's externaldata from the lab's storage account blobs (the workspace
// and advanced hunting both read them); any other URL is unreachable: the lab is offline.
func (d *database) ReadExternal(_ context.Context, uri string) ([]byte, error) {
	b, err := blobs.Read(d.tc.e.scen, uri)
	if errors.Is(err, blobs.ErrOffline) {
		return nil, fmt.Errorf("%w: %v", kql.ErrUnreachable, err)
	}
	return b, err
}

// ReadExternal lets a time-restricted database serve externaldata as the database it cuts.
func (r *restricted) ReadExternal(ctx context.Context, uri string) ([]byte, error) {
	if er, ok := r.db.(kql.ExternalReader); ok {
		return er.ReadExternal(ctx, uri)
	}
	return nil, kql.ErrUnreachable
}

// ReadExternal lets a rule's window serve externaldata (scheduled rules read watchlists this
// way) as its workspace does.
func (x *window) ReadExternal(ctx context.Context, uri string) ([]byte, error) {
	return x.d.ReadExternal(ctx, uri)
}
