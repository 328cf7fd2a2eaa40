# streamedge — see README.md. `make demo` and `make test` are the two set-up commands.
GO       ?= go
VERSION  ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -X main.version=$(VERSION)
FUZZTIME ?= 30s
PKGS     := ./...

.PHONY: all build demo demo-config test test-deps vet fmt-check unit fuzz bench clean test-browser test-faults test-fleet

all: build

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/streamedge ./cmd/streamedge
	$(GO) build -o bin/streamedge-router ./cmd/streamedge-router
	$(GO) build -o bin/player-test ./player-test

# hls.js + shaka-player for the demo page (/demo/) and playwright-core for
# test-browser; npm ci writes the stamp file, so this reruns only when the lock changes.
player-test/browser/node_modules/.package-lock.json: player-test/browser/package-lock.json
	cd player-test/browser && npm ci --no-audit --no-fund || echo "npm ci failed: the demo page will ask for its player libraries"

# The demo: the test origin as its own process (bin/player-test origin on
# DEMO_ORIGIN; streamedge itself carries no media) and the edge in front of
# it with the demo page; prints the URLs to open. Ctrl-C stops both.
DEMO_ORIGIN ?= 127.0.0.1:8081
demo: build player-test/browser/node_modules/.package-lock.json
	@./bin/player-test origin -listen $(DEMO_ORIGIN) & origin=$$!; \
	trap 'kill $$origin 2>/dev/null; wait $$origin 2>/dev/null' EXIT; trap 'exit 130' INT TERM; \
	./bin/streamedge demo -origin http://$(DEMO_ORIGIN) -listen $${LISTEN:-:8080} -admin $${ADMIN:-127.0.0.1:9090}

# The same demo served from the example distribution deploy/demo.yaml (live
# and VOD behaviors, an origin group, a slate error page, a CORS policy).
demo-config: build player-test/browser/node_modules/.package-lock.json
	@./bin/player-test origin -listen 127.0.0.1:8081 & origin=$$!; \
	trap 'kill $$origin 2>/dev/null; wait $$origin 2>/dev/null' EXIT; trap 'exit 130' INT TERM; \
	./bin/streamedge demo -config deploy/demo.yaml -listen $${LISTEN:-:8080} -admin $${ADMIN:-127.0.0.1:9090}

# Everything CI runs (.ci/run): formatting, vet, unit and end-to-end tests
# with the race detector.
test: fmt-check vet unit test-browser

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet $(PKGS)

# Debian packages the tests need beyond Go (nginx), installed when missing.
test-deps:
	scripts/test-deps.sh

unit: test-deps
	$(GO) test -race -count=1 -timeout 15m $(PKGS)

# Fault-injection suite: the real binaries in front of a faulty test origin
# (also part of `unit`, through ./...).
test-faults:
	$(GO) test -race -count=1 -run Fault ./resilience/

# Real browsers (Debian chromium + hls.js / shaka-player) through the edge.
# Installs chromium (apt, as root) and node_modules on first use.
test-browser: build
	SKIP_BUILD=1 player-test/browser/run.sh

# Each fuzz target for FUZZTIME (go test -fuzz takes one target at a time).
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
	  for t in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz' || true); do \
	    echo "== $$pkg $$t"; $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) $$pkg; \
	  done; done

# Go benchmarks of the hit and coalescing paths (figures for BENCHMARKS.md).
bench:
	$(GO) test -run '^$$' -bench . -benchmem -count 1 ./segments/ ./edge/
	LOAD_CONNS=10000 LOAD_SECONDS=30 $(GO) test -count=1 -timeout 10m -run '^TestLoad10k$$' -v ./resilience/
	bash bench/run.sh
	$(MAKE) test-fleet

# The simulated multi-POP fleet (bench/fleet/README.md): origin, shield and
# 2 POPs x 3 edges in network namespaces, FLEET_PLAYERS live-HLS players for
# FLEET_SECONDS; kills an edge and the shield, invalidates /live/*. Needs
# root and `ip netns` (skipped with a message otherwise); part of bench, not
# of test (it takes about 80 s of both cores).
FLEET_PLAYERS ?= 2000
FLEET_SECONDS ?= 60
test-fleet: build
	$(GO) build -o bin/fleet ./bench/fleet
	@mkdir -p bench/out
	./bin/fleet -players $(FLEET_PLAYERS) -duration $(FLEET_SECONDS)s -json bench/out/fleet.json

clean:
	rm -rf bin
