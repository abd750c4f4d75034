# Skirmish — build, run and test.
#
#   make run     build the browser client and start the all-in-one server on :8080
#   make client  build the native client and start it against localhost:8080
#   make web     build the browser client into bin/web (served by `skirmish serve` at /)
#   make test    install what the tests need, then run the whole suite with -race
#   make bench   run the Go benchmarks
#   make image   build the container image (Dockerfile) with buildah or docker
#   make bench-load  capacity benchmark: a server under arena v1 at rising CCU,
#                report in bench/results/ (a few minutes)
#   make soak    512 bots with churn against serve for 20 minutes; fails when
#                the server's goroutines, FDs or memory grow (SOAK_DURATION=1m
#                for a smoke run)

GO       ?= go
ADDR     ?= :8080
# Count-based: a duration-based -fuzztime races Go 1.26's fuzz coordinator
# at its deadline and fails spuriously under load (golang/go#75804).
FUZZTIME ?= 60000x
GOROOT   := $(shell $(GO) env GOROOT)
WASM_EXEC := $(GOROOT)/lib/wasm/go_js_wasm_exec

# Packages with fuzz targets; every Fuzz* function in them runs for FUZZTIME.
FUZZ_PKGS := ./protocol ./protocol/msgp ./matchmaking ./replay ./game/arena ./server/identity ./bench/loadbench/floor ./server/ws/wsframe

# The player client: native (make client) and browser (make web, served by
# `skirmish serve` from WEB_DIR). Client tests save screenshots to ARTIFACTS.
SERVER      ?= ws://localhost:8080/ws
WEB_DIR     ?= bin/web
CLIENT_WASM := bin/skirmish-client.wasm
ARTIFACTS   ?= bin/test-artifacts

.PHONY: all build run deps test test-go test-wasm fuzz bench vet clean
.PHONY: bench-load test-loadbench-smoke soak test-soak-smoke
.PHONY: client web deps-client test-client test-native test-web
.PHONY: image test-image

all: build

build:
	$(GO) build -o bin/skirmish ./cmd/skirmish

run: build web
	./bin/skirmish serve -addr $(ADDR)

client:
	$(GO) build -o bin/skirmish-client ./cmd/skirmish-client
	./bin/skirmish-client -server $(SERVER)

# web builds the browser client: the same client compiled to WebAssembly,
# stored compressed with Brotli (Debian's brotli; make deps-client installs
# it) and gzip (the server sends the one the browser takes best, as is),
# with Go's wasm_exec.js, the page and its loader. Without brotli the
# build is gzip only, and says so.
web:
	@mkdir -p $(WEB_DIR)
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags='-s -w' -o $(CLIENT_WASM) ./cmd/skirmish-client
	gzip -9 -n -c $(CLIENT_WASM) > $(WEB_DIR)/skirmish.wasm.gz.tmp
	mv $(WEB_DIR)/skirmish.wasm.gz.tmp $(WEB_DIR)/skirmish.wasm.gz
	@if command -v brotli >/dev/null 2>&1; then \
		echo "brotli -q 11 -w 24 $(CLIENT_WASM)"; \
		brotli -q 11 -w 24 -c $(CLIENT_WASM) > $(WEB_DIR)/skirmish.wasm.br.tmp && \
		mv $(WEB_DIR)/skirmish.wasm.br.tmp $(WEB_DIR)/skirmish.wasm.br; \
	else \
		rm -f $(WEB_DIR)/skirmish.wasm.br; \
		echo "brotli not installed (apt-get install brotli, or make deps-client): the build is served gzipped only"; \
	fi
	cp client/web/index.html client/web/loader.js $(WEB_DIR)/
	cp $(GOROOT)/lib/wasm/wasm_exec.js $(WEB_DIR)/
	@echo "web client in $(WEB_DIR): wasm $$(stat -c %s $(CLIENT_WASM)) bytes, $$(stat -c %s $(WEB_DIR)/skirmish.wasm.gz) gzipped, $$(stat -c %s $(WEB_DIR)/skirmish.wasm.br 2>/dev/null || echo no) brotli"

# deps installs what the tests need on a fresh Debian machine: Node.js (runs
# the WebAssembly tests), redis-server (the matchmaking/redisstore tests run
# a real one), buildah with file, curl and procps (test-image builds and
# runs the container image) and the Go modules.
IMAGE_DEBS := buildah file curl procps
deps:
	@command -v node >/dev/null 2>&1 || { \
		echo "installing nodejs"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs; }
	@command -v redis-server >/dev/null 2>&1 || { \
		echo "installing redis-server"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server; }
	@dpkg -s $(IMAGE_DEBS) >/dev/null 2>&1 || { \
		echo "installing $(IMAGE_DEBS)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(IMAGE_DEBS); }
	$(GO) mod download

# deps-client installs what the client tests need on a fresh Debian
# machine: an X server for the native client (Xvfb, with Mesa's software
# GL), Chromium for the browser client, brotli to compress its build, and
# npm's playwright-core (pinned by client/web/package-lock.json) to drive
# it.
CLIENT_DEBS := xvfb xauth chromium brotli libgl1 libgl1-mesa-dri libegl1 libx11-6 libxrandr2 libxcursor1 libxinerama1 libxi6 libxxf86vm1
deps-client: deps
	@dpkg -s $(CLIENT_DEBS) >/dev/null 2>&1 || { \
		echo "installing $(CLIENT_DEBS)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(CLIENT_DEBS); }
	@command -v npm >/dev/null 2>&1 || { \
		echo "installing npm"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm; }
	@[ -f client/web/node_modules/playwright-core/package.json ] || \
		{ cd client/web && npm ci --no-audit --no-fund; }

test: deps vet test-go test-wasm fuzz test-loadbench-smoke test-soak-smoke test-client test-image

vet:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
		if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

# Timing-sensitive end-to-end tests (-short skips them) run alone after the
# rest, so they never compete with other packages for the two cores.
test-go:
	$(GO) test -race -short -count=1 -timeout 8m ./...
	$(GO) test -race -count=1 -p 1 -timeout 5m -run 'TestBotsPlay|TestBadInput|TestSlowClient|TestStalledClient|TestUnansweredClose|TestMatchmaking200|TestDropped|TestTenThousandPlayers|TestClusterEndToEnd|TestManifestFlags|TestFileLimitHolds|TestSlowSpectator|TestWasmLinksNoHTTPClient|TestLagCompensationEndToEnd' ./server ./server/admission ./cmd/skirmish ./deploy ./client/clientnet

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

# The clients end to end: the native client in a window under Xvfb (it
# joins a match, a second player checks through the server that it moved
# and fired, a screenshot must show the match; then the frame time with 16
# players), and the browser client in headless Chromium against the web
# build (load, play through the menu, hold W and click; checked through
# the server; any console error fails).
test-client: deps-client web test-native test-web

test-native:
	SKIRMISH_ARTIFACTS=$(CURDIR)/$(ARTIFACTS) xvfb-run -a -s "-screen 0 1920x1080x24" \
		$(GO) test -count=1 -timeout 5m -v -run 'TestNative' ./client/ui

test-web:
	SKIRMISH_WEB_DIR=$(CURDIR)/$(WEB_DIR) SKIRMISH_ARTIFACTS=$(CURDIR)/$(ARTIFACTS) \
		$(GO) test -count=1 -timeout 5m -v -run 'TestBrowser' ./client/web/e2e

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# bench-load measures capacity: for each interest setting it starts a
# `skirmish serve` child on loopback per step and drives arena v1 at 256, 512,
# 1024 and 2048 CCU (stopping at the first step the server does not hold),
# then one 256-player match; after each step the same bots play the floor (a
# bare epoll WebSocket server, same bytes, no simulation) and the table
# gives the server's CPU as a ratio to it; it writes a markdown table to
# bench/results/.
# Every step is bounded (ramp + window + timeouts); the total is printed.
bench-load: build
	./bin/skirmish loadbench $(LOADBENCH_FLAGS)

# The same harness in a smoke run (32 bots, 3 s a mode, each followed by the
# floor, the bare epoll reference server: about 50 s on a busy 2-core
# machine, 35 s of it without the floor), so it
# never rots: it fails when the harness breaks, never on a figure.
test-loadbench-smoke: build
	./bin/skirmish loadbench -smoke

# image builds the container image from the Dockerfile (it pulls golang and
# distroless base images, so it needs a registry).
IMAGE ?= skirmish:latest
image:
	@if command -v buildah >/dev/null 2>&1; then buildah bud -f Dockerfile -t $(IMAGE) . ; \
	elif command -v docker >/dev/null 2>&1; then docker build -t $(IMAGE) . ; \
	else echo "make image: needs buildah or docker" >&2; exit 1; fi

# test-image runs the Dockerfile's build commands (deploy/image/build.sh),
# builds the FROM scratch variant (Dockerfile.scratch) with buildah from
# their output, and runs serve inside it: /healthz, /readyz, the browser
# client at /, drain on SIGTERM (about 15 s with a warm build cache).
test-image:
	deploy/image/test-image.sh

# soak drives SOAK_BOTS bots with churn (join, leave, requeue, drop and
# resume) against a `skirmish serve` child for SOAK_DURATION, samples its
# goroutines, heap, RSS and FDs every SOAK_EVERY from its admin /metrics and
# fails on growth past the bounds in bench/soak/options.go. Outside make test:
# it runs for 20 minutes. The report goes to SOAK_OUT too when set.
SOAK_BOTS     ?= 512
SOAK_DURATION ?= 20m
SOAK_EVERY    ?= 1m
SOAK_WARMUP   ?= 2m
SOAK_OUT      ?=
soak: build
	./bin/skirmish soak -bots $(SOAK_BOTS) -duration $(SOAK_DURATION) -every $(SOAK_EVERY) \
		-warmup $(SOAK_WARMUP) $(if $(SOAK_OUT),-out $(SOAK_OUT))

# The soak harness in a smoke run (16 bots, 30 s, about 35 s), so it never
# rots: it fails when the harness breaks, never on a figure.
test-soak-smoke: build
	./bin/skirmish soak -smoke

clean:
	rm -rf bin
