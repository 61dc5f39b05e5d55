// Package privatefile makes a file or folder of the lab's state readable by the current
// user only, with each platform's own means: mode 0600 (files) or 0700 (folders) on
// Unix, and on Windows, where a mode only toggles the read-only bit, a protected access
// control list that grants the current user full control and nobody else anything (no
// entries inherited from the parent folder).
//
// The state folder (~/.soclab, %USERPROFILE%\.soclab on Windows) holds the lab CA's and the
// token signer's private keys, control tokens and the tenants' secrets; every writer of
// such a file calls Restrict before it writes the secret.
package privatefile
