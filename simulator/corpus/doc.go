// Package corpus runs real detection queries (the Sentinel and Defender corpus in
// simulator/kql/parser/testdata/sentinel) over a lab tenant, the way an analyst pastes them:
// Tables finds the tables a query reads, Select keeps the queries whose tables the lab has
// (the workspace's or advanced hunting's catalog, so new tables are picked up as they are
// added), and Run records per query whether it ran with rows, ran empty or failed (with
// Kusto's error), and whether its rows are the attack's (true positives) or background
// (false positives). The project's corpus test compares a run with a saved baseline.
package corpus
