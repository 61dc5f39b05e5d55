// Package cputime reads the CPU time (user + system) the process has used, the stable
// figure that benchmarks report on a shared machine. getrusage on Unix, GetProcessTimes on
// Windows: the benchmarks compile for every platform soclab is released for.
package cputime
