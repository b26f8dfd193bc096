# passk: `make test` runs every test; `make serve` builds the app and serves it.
#
#   make build   app.wasm (+ .gz/.br) and wasm_exec.js into web/site/static, then bin/passk with the site embedded
#   make serve   build, then serve the app on http://$(ADDR)
#   make test    gofmt + vet (host and js/wasm), govulncheck, every Go test (browser tests in real headless Chromium,
#                the Cloudflare Worker under `wrangler dev --local`), and the js/wasm packages' tests under Node
#   make worker  the Cloudflare Worker into worker/build: its wasm and JavaScript shim, the site in build/site
#   make deploy  make worker, then `wrangler deploy` (your Cloudflare account: `npx wrangler login` first)
# go.mod needs Go 1.27 (1.26.8 has known net/http, crypto/tls and crypto/x509 vulnerabilities): the go
# command fetches this toolchain from the module proxy once (about 76 MB) whatever Go the machine has.
export GOTOOLCHAIN := go1.27.3
GO      ?= go
GOROOT  := $(shell GOTOOLCHAIN=$(GOTOOLCHAIN) $(GO) env GOROOT)
WASMBIN := $(GOROOT)/lib/wasm
SITE    := web/site/static
ADDR    ?= 127.0.0.1:8080
# The browser's wasm and the Worker's: no symbol table or DWARF.
WASMFLAGS ?= -trimpath -tags minimal -ldflags=-s\ -w
WORKER  := worker

.PHONY: all test vet vulncheck build wasm bench serve clean worker worker-deps worker-dev deploy

all: build

vet:
	@test -z "$$(gofmt -l $$(git ls-files -co --exclude-standard '*.go' 2>/dev/null || find . -name '*.go'))" || { echo "gofmt needed:"; gofmt -l .; exit 1; }
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./wasm/... ./$(WORKER)/

# The Worker's tests need wrangler (worker/package-lock.json): installed here when npm is there; without
# Node they skip, except with CI=true.
test: vet vulncheck
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory worker-deps; \
	else echo "npm is not installed: the Worker's tests will skip (apt-get install nodejs npm)" >&2; fi
	$(GO) test -timeout 20m ./...
	PATH="$(WASMBIN):$$PATH" GOOS=js GOARCH=wasm $(GO) test -timeout 10m ./wasm/...
	PATH="$(WASMBIN):$$PATH" GOOS=js GOARCH=wasm $(GO) test -timeout 10m -run Golden ./passk

# govulncheck against the Go vulnerability database. vuln.go.dev is not reachable from every machine
# (this project's CI has only the module proxy), so the database is built from the golang.org/x/vulndb
# module's OSV files (pinned: bump VULNDB to check against newer reports) with its own indexdb tool.
VULNDB      ?= v0.0.0-20261105234957-e22db6528018
GOVULNCHECK ?= v1.9.0
vulncheck:
	@d=$$(mktemp -d) && trap 'rm -rf "$$d"' EXIT && \
	src=$$(cd "$$d" && $(GO) mod download -json golang.org/x/vulndb@$(VULNDB) | sed -n 's/^\t"Dir": "\(.*\)",$$/\1/p') && \
	GOBIN="$$d" $(GO) install golang.org/x/vulndb/cmd/indexdb@$(VULNDB) && \
	GOBIN="$$d" $(GO) install golang.org/x/vuln/cmd/govulncheck@$(GOVULNCHECK) && \
	"$$d/indexdb" -vulns "$$src/data/osv" -out "$$d/db" && \
	echo "govulncheck $(GOVULNCHECK), golang.org/x/vulndb@$(VULNDB): $$(ls "$$d/db/ID" | wc -l) entries" && \
	"$$d/govulncheck" -db "file://$$d/db" ./... && \
	GOOS=js GOARCH=wasm "$$d/govulncheck" -db "file://$$d/db" ./wasm/... ./$(WORKER)/ ./web/... ./passk/...

wasm:
	GOOS=js GOARCH=wasm $(GO) build $(WASMFLAGS) -o $(SITE)/app.wasm ./wasm
	cp $(WASMBIN)/wasm_exec.js $(SITE)/wasm_exec.js
	gzip -9 -k -f -n $(SITE)/app.wasm
	@if command -v brotli >/dev/null 2>&1; then brotli -f -q 11 -o $(SITE)/app.wasm.br $(SITE)/app.wasm; \
	else rm -f $(SITE)/app.wasm.br; echo "brotli is not installed: the app is served with gzip only (apt-get install brotli)" >&2; fi
	@ls -l $(SITE)/app.wasm $(SITE)/app.wasm.gz $(SITE)/app.wasm.br 2>/dev/null | awk '{print $$5, $$9}'

build: wasm
	$(GO) build -o bin/passk ./passk/cmd/passk

serve: build
	./bin/passk serve --addr $(ADDR)

# make bench: one table, passk against the Python peer (bench/cmd/benchtable; files generated in a
# temporary directory, about 1.7 GB, removed after). The peer needs numpy for /usr/bin/python3:
# bench-deps installs Debian's python3-numpy when it is missing (as root), or says what to install.
# Not part of make test. make bench-go prints the go test benchmarks as they are.
.PHONY: bench-deps bench-go

bench: bench-deps
	$(GO) run ./bench/cmd/benchtable

bench-deps:
	@/usr/bin/python3 -c 'import numpy' 2>/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing python3-numpy for the benchmark's Python peer" >&2; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-numpy >/dev/null; \
	  else echo "make bench needs numpy for /usr/bin/python3: apt-get install python3-numpy" >&2; exit 1; fi; }

bench-go:
	$(GO) test -run '^$$' -bench . -benchmem ./passk/...

# The Cloudflare Worker (worker/, see README "Sharing"): syumai/workers' JavaScript shim, the Go wasm
# (package web's handler: the share API, KV store), and the site as static assets with its headers.
worker: wasm
	cd $(WORKER) && $(GO) run github.com/syumai/workers/cmd/workers-assets-gen -mode=go -o build
	cd $(WORKER) && GOOS=js GOARCH=wasm $(GO) build $(WASMFLAGS) -o build/app.wasm .
	$(GO) run ./$(WORKER)/site -o $(WORKER)/build/site $(SITE)
	@printf 'worker/build/app.wasm: %s bytes, %s gzip-compressed (Cloudflare free plan limit: 3 MiB compressed)\n' \
	  "$$(wc -c < $(WORKER)/build/app.wasm)" "$$(gzip -9 -c $(WORKER)/build/app.wasm | wc -c)"

worker-deps: $(WORKER)/node_modules/.package-lock.json

$(WORKER)/node_modules/.package-lock.json: $(WORKER)/package.json $(WORKER)/package-lock.json
	cd $(WORKER) && npm ci --no-audit --no-fund

# Serve the Worker locally, offline, with local KV.
worker-dev: worker worker-deps
	cd $(WORKER) && WRANGLER_SEND_METRICS=false npx wrangler dev --local --ip 127.0.0.1 --port 8787

deploy: worker worker-deps
	cd $(WORKER) && npx wrangler deploy

clean:
	rm -rf bin build $(WORKER)/build $(SITE)/app.wasm $(SITE)/app.wasm.gz $(SITE)/app.wasm.br $(SITE)/wasm_exec.js
