package hunting

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/soclab/soclab/mockapis/defender"
	"github.com/soclab/soclab/mockapis/graph"
	"github.com/soclab/soclab/simulator/logs"
)

// huntingRequest is the body of both faces (Go's JSON decoding matches keys case-insensitively,
// as the services do for "Query"/"query").
type huntingRequest struct {
	Query    string `json:"Query"`
	Timespan string `json:"Timespan"`
}

func decode(r *http.Request) (huntingRequest, error) {
	var req huntingRequest
	data, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return req, err
	}
	if len(strings.TrimSpace(string(data))) == 0 {
		return req, errors.New("the request body is empty; send {\"Query\": \"<KQL>\"}")
	}
	if err := json.Unmarshal(data, &req); err != nil {
		return req, errors.New("the request body is not valid JSON: " + err.Error())
	}
	return req, nil
}

// GraphRoutes are Graph's advanced hunting endpoint(s) over e.
func GraphRoutes(e *logs.Engine, opts ...Option) []graph.Route {
	c := newConfig(opts)
	return []graph.Route{{Method: http.MethodPost, Path: "/security/runHuntingQuery", Handle: func(r *graph.Request) (graph.Response, error) {
		req, err := decode(r.Request)
		if err != nil {
			return graph.Response{}, graph.Errorf(http.StatusBadRequest, "BadRequest", "%v", err)
		}
		res, err := run(r.Context(), c, e, r.Principal.TenantID, req.Query, req.Timespan)
		var qe *errQuery
		switch {
		case errors.Is(err, errThrottled):
			return graph.Response{}, graph.Errorf(http.StatusTooManyRequests, "TooManyRequests", "%v", err)
		case errors.As(err, &qe):
			return graph.Response{}, graph.Errorf(http.StatusBadRequest, "BadRequest", "%s", qe.msg)
		case err != nil:
			return graph.Response{}, err
		}
		return graph.Response{Status: http.StatusOK, Body: struct {
			Context string              `json:"@odata.context"`
			Schema  []map[string]string `json:"schema"`
			Results []json.RawMessage   `json:"results"`
		}{"https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.security.huntingQueryResults", schema(res.res, "name", "type"), objects(res.res)}}, nil
	}}}
}

// DefenderRoutes are the Defender XDR API's advanced hunting endpoint(s) over e.
func DefenderRoutes(e *logs.Engine, opts ...Option) []defender.Route {
	c := newConfig(opts)
	return []defender.Route{{Method: http.MethodPost, Path: "/api/advancedhunting/run", Handle: func(r *defender.Request) (int, any, error) {
		req, err := decode(r.Request)
		if err != nil {
			return 0, nil, defender.Errorf(http.StatusBadRequest, "InvalidRequestBody", "%v", err)
		}
		if req.Query == "" {
			return 0, nil, defender.Errorf(http.StatusBadRequest, "MissingRequiredParameter", "The 'Query' parameter is required.")
		}
		res, err := run(r.Context(), c, e, r.Principal.TenantID, req.Query, "")
		var qe *errQuery
		switch {
		case errors.Is(err, errThrottled):
			return 0, nil, defender.Errorf(http.StatusTooManyRequests, "TooManyRequests", "%v", err)
		case errors.As(err, &qe):
			return 0, nil, defender.Errorf(http.StatusBadRequest, "BadRequest", "%s", qe.msg)
		case err != nil:
			return 0, nil, err
		}
		stats := map[string]any{
			"ExecutionTime":      res.Elapsed.Seconds(),
			"resource_usage":     map[string]any{"cache": map[string]any{"memory": map[string]any{"hits": 0, "misses": 0, "total": 0}}, "cpu": map[string]any{"user": "00:00:00", "kernel": "00:00:00", "total cpu": "00:00:00"}, "memory": map[string]any{"peak_per_node": 0}},
			"dataset_statistics": []any{map[string]any{"table_row_count": res.Rows, "table_size": 0}},
		}
		return http.StatusOK, struct {
			Stats   map[string]any      `json:"Stats"`
			Schema  []map[string]string `json:"Schema"`
			Results []json.RawMessage   `json:"Results"`
		}{stats, schema(res.res, "Name", "Type"), objects(res.res)}, nil
	}}}
}
