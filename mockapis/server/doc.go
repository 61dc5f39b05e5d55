// Package server assembles the lab's front door: it opens the simulator World kept in the
// state folder, creates (once) the lab CA and the token signing key there, and serves every
// mock service behind one loopback proxy port (package proxy), with the control endpoints
// under /_soclab/ on the same port. While it runs, <state>/server.json names its address and
// process id; `soclab env`, `soclab login approve` and the other commands find it there.
package server
