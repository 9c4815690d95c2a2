# rtdev — see README.md. `make run` sets up this folder and serves the check
# page; `make test` installs what the tests drive and runs them all.

GO        ?= go
BIN       := bin/rtdev
PKGS      := ./...
# bench/ is a module of its own (its go.mod keeps the benchmark-only
# libraries out of rtdev's), so ./... leaves it out: every target that
# covers the code runs a second step in it.
BENCH     := cd bench &&
# A version the Go module proxy serves (v0.8.2 is staticcheck 2026.2.2, for
# go1.26): a year-style tag such as 2026.1 is refused on a fresh machine.
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: build dist npm run test test-fresh test-go cross lint bench bench-decoder deps clean fuzz

# The one version rtdev is stamped with: VERSION=1.2.3 when given, else git
# describe, else 0.0.0-dev.COMMIT (scripts/version.sh says why).
VERSION  ?= $(shell ./scripts/version.sh)
DIST     ?= dist
LDFLAGS  := -X github.com/rtdev/rtdev/internal/version.stamp=$(VERSION)

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) .

# Release archives and checksums.txt in dist/, the same bytes from any clone
# (scripts/dist says how). Refused while an embedded folder holds a file git
# does not track. DIST_TARGETS=linux/amd64 builds a subset; DIST=DIR
# writes elsewhere (the e2e/npm test does, to leave dist/ alone). The
# tool is built as the binaries are (no cgo, -trimpath), so on an empty
# cache the standard library is compiled once for both.
dist:
	CGO_ENABLED=0 $(GO) run -trimpath ./scripts/dist -version "$(VERSION)" -out $(DIST) $(if $(DIST_TARGETS),-targets $(DIST_TARGETS))

# The npm packages in dist/npm/: rtdev (the shim and the Vite plugin, only
# the files git tracks under npm/rtdev) and one @rtdev/cli-OS-CPU per
# archive, packed from what make dist left in dist/ and at its version.
# NPM_TARGETS=linux/amd64 packs a subset (the rtdev package still lists all
# six as optional dependencies).
npm:
	$(GO) run ./scripts/dist -npm -out $(DIST) $(if $(NPM_TARGETS),-targets $(NPM_TARGETS))

# The main job: a CA and cert set for this folder, then the signaling server
# with its check page at https://localhost:9000/rtdev/. make run PORT=9001
# picks the port; without it serve takes 9000 or the next free port. PORT is
# read only from make's command line: a PORT in the environment (many
# platforms set one for an app) must not move rtdev's port.
SERVE_PORT := $(if $(filter command line,$(origin PORT)),--port $(PORT))
run: build
	./$(BIN) init
	./$(BIN) serve $(SERVE_PORT)

deps:
	./scripts/test-deps.sh

test: deps lint cross test-go

# make test as CI runs it on a new machine: a fresh clone of HEAD, empty Go
# caches, go.mod read-only. Run it before calling anything done.
test-fresh:
	./scripts/test-fresh.sh

test-go:
	$(GO) test -race -count=1 -timeout 30m $(PKGS)
	$(BENCH) $(GO) test -race -count=1 -timeout 30m ./...

# macOS and Windows code is unit-tested with fakes here; it must also build.
cross:
	GOOS=darwin GOARCH=arm64 $(GO) build -o /dev/null . 
	GOOS=windows GOARCH=amd64 $(GO) build -o /dev/null .
	GOOS=darwin GOARCH=arm64 $(GO) test -count=1 -run XXX_compile_only -exec /bin/true ./... >/dev/null
	GOOS=windows GOARCH=amd64 $(GO) test -count=1 -run XXX_compile_only -exec /bin/true ./... >/dev/null
	$(BENCH) GOOS=darwin GOARCH=arm64 $(GO) test -count=1 -run XXX_compile_only -exec /bin/true ./... >/dev/null
	$(BENCH) GOOS=windows GOARCH=amd64 $(GO) test -count=1 -run XXX_compile_only -exec /bin/true ./... >/dev/null

lint:
	@unformatted="$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))"; \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet $(PKGS)
	$(GO) run $(STATICCHECK) $(PKGS)
	$(BENCH) $(GO) vet ./...
	$(BENCH) $(GO) run $(STATICCHECK) ./...

# rtdev serve, peerjs-server and a floor server side by side (about 10
# minutes on 2 cores); the table, JSON and chart land in bench/results/.
bench: build deps
	./bench/run.sh

# Only the relay on rtdev and on rtdev built with encoding/json as its
# frame decoder, 3 rounds each (about 2 minutes).
bench-decoder: build deps
	./bench/run.sh -preset decoder

fuzz:
	$(GO) test -run XXX -fuzz 'FuzzDecode$$' -fuzztime 30s ./devserver
	$(GO) test -run XXX -fuzz FuzzDecodeEnvelope -fuzztime 30s ./devserver

clean:
	rm -rf bin dist
