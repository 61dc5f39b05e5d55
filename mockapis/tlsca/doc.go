// Package tlsca is the lab's certificate authority. The CA is created once in the state folder
// (ca.pem, ca-key.pem with mode 0600, the folder itself 0700) and reused on every start, so the
// bundle a learner trusts stays valid across restarts. Leaf certificates for the Microsoft host
// names the lab serves are minted on demand, in memory, and cached per host name.
package tlsca
