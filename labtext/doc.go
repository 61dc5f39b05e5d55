// Package labtext reads a lab text (challenge.md): its fenced code blocks in order, the section
// each one is in, and the annotations a lab author writes for `soclab verify` in HTML comments
// just before a fence (invisible when the Markdown is rendered):
//
//	<!-- verify: skip soclab verify starts its own server -->
//	<!-- verify: fill <the id of the multi-stage incident> => $(az rest --url … -o tsv) -->
//	<!-- verify: expect [[false,true]] -->
//	<!-- verify: expect-fail AADSTS53003 -->
//	<!-- verify: kql hunting -->
//	<!-- verify: id automate --> … <!-- verify: run-before automate -->
//	<!-- verify: fault kv-diagnostics-missing -->
//	<!-- verify: grade -->
//	<!-- verify: needs az-sentinel -->
//
// One comment may hold several directives, one a line. Parse only reads; package labverify
// runs the blocks.
package labtext
