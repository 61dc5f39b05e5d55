package exec

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/soclab/soclab/simulator/kql/types"
)

// ExternalData is `externaldata (cols) [uris] with (format=..., ignoreFirstRecord=...)`: it
// reads every URI through Env.External and parses it into the declared columns.
type ExternalData struct {
	Cols []Column
	URIs []string
	// Format is csv (default), tsv, scsv, psv, txt, json or multijson.
	Format string
	// IgnoreFirstRecord skips each file's first record (a header line).
	IgnoreFirstRecord bool
}

// ErrUnreachable is what Env.External returns for a URI nothing serves; the executor words
// it as Kusto does when the remote host cannot be reached.
var ErrUnreachable = errors.New("the remote name could not be resolved")

// Columns returns the declared schema.
func (x *ExternalData) Columns() []Column { return x.Cols }

// Run fetches and parses every URI.
func (x *ExternalData) Run(env *Env) (*Table, error) {
	b := NewBuilder("", x.Cols)
	for _, uri := range x.URIs {
		var data []byte
		err := ErrUnreachable
		if env.External != nil {
			data, err = env.External(env.Ctx, uri)
		}
		if err != nil {
			return nil, externalError(uri, err)
		}
		if err := x.parse(b, data); err != nil {
			return nil, runtimeErr("Partial query failure: 0x80131500 (message: 'externaldata: %s: %v', details: '')", redactURI(uri), err)
		}
	}
	t := b.Table()
	if err := env.Account(t); err != nil {
		return nil, err
	}
	return t, nil
}

// externalError is Kusto's failure for a URI it cannot read: the .NET message of the
// download inside a partial query failure.
func externalError(uri string, err error) error {
	if errors.Is(err, ErrUnreachable) {
		host := uri
		if i := strings.Index(host, "://"); i >= 0 {
			host = host[i+3:]
		}
		if i := strings.IndexAny(host, "/?;"); i >= 0 {
			host = host[:i]
		}
		return runtimeErr("Partial query failure: 0x80131500 (message: 'The remote name could not be resolved: '%s'', details: 'externaldata: the lab is offline: only the lab's own storage account blobs (https://<account>.blob.core.windows.net/<container>/<blob>) can be read')", host)
	}
	return runtimeErr("Partial query failure: 0x80131500 (message: '%v', details: 'externaldata: %s')", err, redactURI(uri))
}

// redactURI drops a URI's query string (SAS tokens) and ;secrets before it is shown.
func redactURI(uri string) string {
	if i := strings.IndexAny(uri, "?;"); i >= 0 {
		return uri[:i]
	}
	return uri
}

// parse appends the records of one file.
func (x *ExternalData) parse(b *Builder, data []byte) error {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	switch x.Format {
	case "", "csv", "tsv", "tsve", "scsv", "psv", "sohsv":
		sep := map[string]rune{"": ',', "csv": ',', "tsv": '\t', "tsve": '\t', "scsv": ';', "psv": '|', "sohsv": '\x01'}[x.Format]
		return x.parseDelimited(b, data, sep)
	case "txt", "raw":
		lines := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
		if len(lines) > 0 && lines[len(lines)-1] == "" {
			lines = lines[:len(lines)-1]
		}
		if x.Format == "raw" {
			lines = []string{string(data)}
		}
		for i, l := range lines {
			if i == 0 && x.IgnoreFirstRecord {
				continue
			}
			if err := b.AppendValues(x.textRow([]string{l})); err != nil {
				return err
			}
		}
		return nil
	case "json", "multijson", "singlejson":
		return x.parseJSON(b, data)
	}
	return fmt.Errorf("unsupported format '%s'", x.Format)
}

func (x *ExternalData) parseDelimited(b *Builder, data []byte, sep rune) error {
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = sep
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	first := true
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if first && x.IgnoreFirstRecord {
			first = false
			continue
		}
		first = false
		if err := b.AppendValues(x.textRow(rec)); err != nil {
			return err
		}
	}
}

// textRow converts the fields of a text record to the declared columns (missing fields are
// null, extra fields ignored, unparsable fields null, as ingestion does).
func (x *ExternalData) textRow(fields []string) []types.Value {
	row := make([]types.Value, len(x.Cols))
	for i, c := range x.Cols {
		if i >= len(fields) {
			row[i] = types.NullOf(c.Type)
			continue
		}
		row[i] = fromText(fields[i], c.Type)
	}
	return row
}

func fromText(s string, t types.Type) types.Value {
	switch t {
	case types.String:
		return types.NewString(s)
	case types.Dynamic:
		var v any
		d := json.NewDecoder(strings.NewReader(s))
		d.UseNumber()
		if err := d.Decode(&v); err == nil {
			return types.NewDynamic(normalizeJSON(v))
		}
		return types.NewDynamic(s)
	}
	if strings.TrimSpace(s) == "" {
		return types.NullOf(t)
	}
	return types.Convert(types.NewString(strings.TrimSpace(s)), t)
}

// parseJSON reads JSON objects: one per line (json), or any sequence of objects and arrays
// of objects (multijson); columns take the object's property of their name.
func (x *ExternalData) parseJSON(b *Builder, data []byte) error {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	for {
		var v any
		if err := d.Decode(&v); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
		objs := []any{v}
		if arr, ok := v.([]any); ok {
			objs = arr
		}
		for _, o := range objs {
			m, ok := o.(map[string]any)
			if !ok {
				return fmt.Errorf("a JSON record is not an object")
			}
			row := make([]types.Value, len(x.Cols))
			for i, c := range x.Cols {
				row[i] = fromJSON(m[c.Name], c.Type)
			}
			if err := b.AppendValues(row); err != nil {
				return err
			}
		}
	}
}

func fromJSON(v any, t types.Type) types.Value {
	if v == nil {
		return types.NullOf(t)
	}
	v = normalizeJSON(v)
	if t == types.Dynamic {
		return types.NewDynamic(v)
	}
	if s, ok := v.(string); ok {
		return fromText(s, t)
	}
	return types.Convert(types.FromDynamic(types.NewDynamic(v)), t)
}

// normalizeJSON turns json.Number into int64 or float64, recursively.
func normalizeJSON(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, _ := x.Float64()
		return f
	case []any:
		for i := range x {
			x[i] = normalizeJSON(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = normalizeJSON(x[k])
		}
	}
	return v
}
