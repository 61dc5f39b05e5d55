package main

import (
	"net/http"

	"github.com/soclab/soclab/mockapis/arm"
	"github.com/soclab/soclab/mockapis/auth"
	"github.com/soclab/soclab/mockapis/control"
	"github.com/soclab/soclab/mockapis/logicapps"
	"github.com/soclab/soclab/mockapis/sentinel"
	"github.com/soclab/soclab/mockapis/server"
	"github.com/soclab/soclab/simulator"
)

// services wires the mock APIs other packages provide into the server.
func services(mem memoryOptions) server.Services {
	return withLogServices(server.Services{
		ARM: func(w *simulator.World, v auth.Verifier) http.Handler {
			return arm.NewHandler(w, v, append(append(sentinel.LabTypes(), logicapps.Types()...), workspaceTableTypes()...)...)
		},
		Control: func(w *simulator.World) http.Handler { return control.NewHandler(w) },
	}, mem)
}
