# soclab build targets. `make test` is the project's one test command (README, .ci/run).
GO      ?= go
BIN     ?= bin/soclab
PKGS    ?= ./...

.PHONY: build install run deps test cross release bench bench-compare lint conformance clean

# soclab is pure Go: CGO_ENABLED=0 builds it without a C compiler, for any platform.
build:
	CGO_ENABLED=0 $(GO) build -o $(BIN) ./cmd/soclab

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
	$(MAKE) cross
	$(GO) test -count=1 -timeout 14m $(PKGS)

# The platforms CI cannot run: every package and its tests type-checked for Windows (go vet
# compiles them), the packages with Windows-only code linked as test binaries, then the six
# release builds with their checksums verified (scripts/release.sh). -trimpath as in the
# release, so the Windows packages compile once for both.
WINDOWS_TEST_PKGS ?= ./internal/privatefile ./internal/cputime
cross:
	GOOS=windows GOARCH=amd64 CGO_ENABLED=0 $(GO) vet -trimpath $(PKGS)
	for p in $(WINDOWS_TEST_PKGS); do GOOS=windows GOARCH=amd64 CGO_ENABLED=0 $(GO) test -trimpath -c -o /dev/null $$p || exit 1; done
	./scripts/release.sh

# Versioned archives for linux, darwin and windows on amd64 and arm64 in dist/, with
# SHA256SUMS (VERSION=v0.2.0 make release; see scripts/release.sh).
release:
	./scripts/release.sh

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
	rm -rf bin dist
