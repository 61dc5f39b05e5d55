# soclab build targets. `make test` is the project's one test command (README, .ci/run).
GO      ?= go
BIN     ?= bin/soclab
PKGS    ?= ./...

.PHONY: build install run deps test bench bench-compare lint conformance clean

build:
	$(GO) build -o $(BIN) ./cmd/soclab

# install puts soclab where `go install` does ($GOBIN, else $(go env GOPATH)/bin), so `which soclab`
# finds it once that folder is on PATH (the README's quick start).
install:
	$(GO) install ./cmd/soclab
	@dir=$$($(GO) env GOBIN); [ -n "$$dir" ] || dir=$$($(GO) env GOPATH)/bin; \
	case ":$$PATH:" in *":$$dir:"*) echo "installed $$dir/soclab";; \
	*) echo "installed $$dir/soclab; $$dir is not on your PATH: export PATH=\"$$dir:\$$PATH\"";; esac

run: build
	./$(BIN) serve

deps:
	./scripts/install-deps.sh

test: deps
	$(GO) vet $(PKGS)
	$(GO) test -count=1 -timeout 14m $(PKGS)

bench:
	$(GO) test -run '^$$' -bench . -benchmem -timeout 30m $(PKGS)
	@if command -v node >/dev/null 2>&1; then ./bench/compare.sh; else echo "node not installed: skipping the DuckDB comparison (bench/compare.sh)"; fi

# The KQL engine's benchmarks beside the same queries in DuckDB (needs node/npm; bench/README.md).
bench-compare:
	./bench/compare.sh

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "not gofmt-ed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)

clean:
	rm -rf bin
