package main

import "github.com/soclab/soclab/mockapis/server"

// services wires the mock APIs other packages provide into the server.
func services() server.Services {
	return server.Services{}
}
