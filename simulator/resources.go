package simulator

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strings"
)

// ResourceGroupType is the ARM type of resource groups.
const ResourceGroupType = "Microsoft.Resources/resourceGroups"

const resourcesColl = "resources"

// Resource is one ARM resource of a tenant: a resource group, a tracked resource or an
// extension resource (diagnostic settings, Sentinel objects). Body is exactly what ARM answers
// on GET; the ARM face builds it, the simulator only stores and finds it.
type Resource struct {
	// ID is the full ARM id in its canonical case.
	ID string `json:"id"`
	// Type is "Namespace/type[/subtype]" in canonical case.
	Type string `json:"type"`
	// Body is the resource's ARM JSON.
	Body json.RawMessage `json:"body"`
}

// resourceKey is the store key of an ARM id: ARM ids are case-insensitive.
func resourceKey(id string) string { return strings.ToLower(id) }

func putResource(tx Tx, tenantID string, r Resource) error {
	if r.ID == "" || !strings.HasPrefix(r.ID, "/") {
		return fmt.Errorf("put resource: id %q is not an ARM id", r.ID)
	}
	return tx.Put(tenantID, resourcesColl, resourceKey(r.ID), encodeResource(r))
}

// resourceFormat marks the framed encoding of a stored resource: id and type with their
// lengths, then the body as is, so reading a resource never re-parses its JSON body.
const resourceFormat = 1

func encodeResource(r Resource) []byte {
	buf := make([]byte, 0, 1+2*binary.MaxVarintLen32+len(r.ID)+len(r.Type)+len(r.Body))
	buf = append(buf, resourceFormat)
	buf = binary.AppendUvarint(buf, uint64(len(r.ID)))
	buf = append(buf, r.ID...)
	buf = binary.AppendUvarint(buf, uint64(len(r.Type)))
	buf = append(buf, r.Type...)
	return append(buf, r.Body...)
}

func decodeResource(v []byte) (Resource, error) {
	if len(v) > 0 && v[0] == '{' { // written as JSON by early builds
		var r Resource
		if err := json.Unmarshal(v, &r); err != nil {
			return Resource{}, fmt.Errorf("decode resource: %w", err)
		}
		return r, nil
	}
	if len(v) == 0 || v[0] != resourceFormat {
		return Resource{}, fmt.Errorf("decode resource: unknown format")
	}
	rest := v[1:]
	field := func() (string, bool) {
		n, k := binary.Uvarint(rest)
		if k <= 0 || uint64(len(rest)-k) < n {
			return "", false
		}
		s := string(rest[k : k+int(n)])
		rest = rest[k+int(n):]
		return s, true
	}
	id, ok1 := field()
	typ, ok2 := field()
	if !ok1 || !ok2 {
		return Resource{}, fmt.Errorf("decode resource: truncated record")
	}
	return Resource{ID: id, Type: typ, Body: json.RawMessage(rest)}, nil
}

// Resource returns the resource with the given id (case-insensitive), and false if none.
func (t *TenantTx) Resource(id string) (Resource, bool, error) {
	v, ok, err := t.tx.Get(t.tenant.ID, resourcesColl, resourceKey(id))
	if err != nil || !ok {
		return Resource{}, false, err
	}
	r, err := decodeResource(v)
	return r, err == nil, err
}

// PutResource creates or replaces a resource. A diagnostic setting's replaced version is kept
// with the interval it was in force, and the new one takes effect at the tenant clock.
func (t *TenantTx) PutResource(r Resource) error {
	if isDiagnosticSettingID(r.ID) {
		if err := t.beforeSettingChange(r.ID); err != nil {
			return err
		}
		if err := t.PutJSON(settingHistoryColl, resourceKey(r.ID)+"|open", openPeriod{From: t.now}); err != nil {
			return err
		}
	}
	return putResource(t.tx, t.tenant.ID, r)
}

// DeleteResource removes one resource (not what lies under it); a diagnostic setting's last
// version is kept with the interval it was in force.
func (t *TenantTx) DeleteResource(id string) error {
	if err := t.beforeSettingChange(id); err != nil {
		return err
	}
	return t.tx.Delete(t.tenant.ID, resourcesColl, resourceKey(id))
}

// DeleteTree removes the resource id and everything whose id lies under it (a group's
// resources and their extension resources) and returns how many were removed.
func (t *TenantTx) DeleteTree(id string) (int, error) {
	n := 0
	key := resourceKey(id)
	if _, ok, err := t.tx.Get(t.tenant.ID, resourcesColl, key); err != nil {
		return 0, err
	} else if ok {
		if err := t.beforeSettingChange(id); err != nil {
			return 0, err
		}
		if err := t.tx.Delete(t.tenant.ID, resourcesColl, key); err != nil {
			return 0, err
		}
		n++
	}
	var keys []string
	err := t.tx.Scan(t.tenant.ID, resourcesColl, key+"/", func(k string, _ []byte) error {
		keys = append(keys, k)
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, k := range keys { // settings under the tree keep their history (archived first)
		if err := t.beforeSettingChange(k); err != nil {
			return 0, err
		}
		if err := t.tx.Delete(t.tenant.ID, resourcesColl, k); err != nil {
			return 0, err
		}
		n++
	}
	return n, nil
}

// ResourcesUnder returns every resource whose id lies under scope (scope excluded), ordered
// by id, optionally keeping only those whose Type equals typ (case-insensitive; "" keeps all).
func (t *TenantTx) ResourcesUnder(scope, typ string) ([]Resource, error) {
	var out []Resource
	err := t.tx.Scan(t.tenant.ID, resourcesColl, resourceKey(strings.TrimSuffix(scope, "/"))+"/", func(_ string, v []byte) error {
		r, err := decodeResource(v)
		if err != nil {
			return err
		}
		if typ == "" || strings.EqualFold(r.Type, typ) {
			out = append(out, r)
		}
		return nil
	})
	return out, err
}
