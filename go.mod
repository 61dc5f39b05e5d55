module github.com/soclab/soclab

go 1.26

require github.com/urfave/cli/v2 v2.27.7

require (
	github.com/chromedp/cdproto v0.160.1
	github.com/chromedp/chromedp v0.23.1
	github.com/go-json-experiment/json v0.0.0-20260213210345-44df1a37e875 // indirect
)

require (
	github.com/brianvoe/gofakeit/v7 v7.18.2
	github.com/cpuguy83/go-md2man/v2 v2.0.7 // indirect
	github.com/golang/geo v0.0.0-20260818125358-b200a1149890
	github.com/gorilla/mux v1.8.1
	github.com/russross/blackfriday/v2 v2.1.0
	github.com/tidwall/gjson v1.18.0
	github.com/tidwall/match v1.1.1 // indirect
	github.com/tidwall/pretty v1.2.0 // indirect
	github.com/xrash/smetrics v0.0.0-20240521201337-686a1a2994c1 // indirect
	go.etcd.io/bbolt v1.5.0
	go.yaml.in/yaml/v3 v3.0.6
	golang.org/x/sys v0.45.0
)
