// Package proxy is the lab's front door: one loopback port that is an HTTP proxy for the
// Microsoft host names the lab serves and nothing else.
//
// A client (az, via HTTPS_PROXY) sends "CONNECT management.azure.com:443". The proxy accepts it
// only for a served host name and port 443, hijacks the connection, answers "200 Connection
// established" and terminates TLS itself with a leaf certificate minted by the lab CA. It
// never dials anything: the decrypted requests of every tunnel are fed to one inner
// http.Server that routes them by Host to the mock service for that host. Any other host gets
// a 403 with a message saying so. Plain HTTP requests for /_soclab/... on the same port are
// control requests. An optional direct HTTPS listener feeds the same inner server, for clients
// that cannot use a proxy.
package proxy
