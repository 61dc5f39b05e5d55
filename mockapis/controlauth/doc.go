// Package controlauth decides who may use soclab's /_soclab/ control endpoints.
//
// Every tenant has its own control token, and the instructor has one that acts on every
// tenant. Tokens are 256-bit random strings kept in 0600 files of the state folder
// (<state>/instructor.token, <state>/tokens/<tenant>.token) and sent as
// `Authorization: Bearer <token>`. Guard is the middleware of the control chain: it answers
// 401 without a valid token, and 403 when a tenant's token names another tenant (in the
// `tenant` query parameter or the JSON body's "tenant") or calls an instructor-only endpoint.
package controlauth
