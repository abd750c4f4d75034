# Skirmish — build, run and test.
#
#   make run     start the all-in-one server on :8080
#   make test    install what the tests need, then run the whole suite with -race
#   make bench   run the Go benchmarks

GO       ?= go
ADDR     ?= :8080
FUZZTIME ?= 4s
GOROOT   := $(shell $(GO) env GOROOT)
WASM_EXEC := $(GOROOT)/lib/wasm/go_js_wasm_exec

# Packages with fuzz targets; every Fuzz* function in them runs for FUZZTIME.
FUZZ_PKGS := ./protocol

.PHONY: all build run deps test test-go test-wasm fuzz bench vet clean

all: build

build:
	$(GO) build -o bin/skirmish ./cmd/skirmish

run: build
	./bin/skirmish serve -addr $(ADDR)

# deps installs what the tests need on a fresh Debian machine: Node.js (runs
# the WebAssembly tests) and the Go modules.
deps:
	@command -v node >/dev/null 2>&1 || { \
		echo "installing nodejs"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs; }
	$(GO) mod download

test: deps vet test-go test-wasm fuzz

vet:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
		if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

# Timing-sensitive end-to-end tests (-short skips them) run alone after the
# rest, so they never compete with other packages for the two cores.
test-go:
	$(GO) test -race -short -count=1 -timeout 8m ./...
	$(GO) test -race -count=1 -p 1 -timeout 5m -run 'TestBotsPlay|TestBadInput|TestMatchmaking200|TestDropped' ./server ./cmd/skirmish

# The pure packages also run compiled to WebAssembly, so determinism holds in
# the browser too (the arena's golden hash is checked on both).
test-wasm:
	GOOS=js GOARCH=wasm $(GO) test -count=1 -exec="$(WASM_EXEC)" ./game/... ./protocol/...
	GOOS=js GOARCH=wasm $(GO) build -o /dev/null ./client/...

fuzz:
	@set -e; for pkg in $(FUZZ_PKGS); do \
		for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
			echo "fuzz $$pkg $$f ($(FUZZTIME))"; \
			$(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg; \
		done; \
	done

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

clean:
	rm -rf bin
