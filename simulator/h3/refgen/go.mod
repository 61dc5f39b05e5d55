module github.com/soclab/soclab/simulator/h3/refgen

go 1.26

require github.com/uber/h3-go/v4 v4.1.0
