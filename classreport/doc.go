// Package classreport sums up a class: per learner and task the points (from the grader's
// report of each learner's tenant, the JSON `soclab grade --format json` prints) and the time
// spent (from the tenant's action log), per task how many learners completed it, and the checks
// the class fails most. Build makes the Report; it is written as text, CSV, JSON or one
// self-contained HTML file with an SVG chart of the class's progress per task.
package classreport
