# passk: `make test` runs every test; `make serve` builds the app and serves it.
#
#   make build   app.wasm (+ .gz/.br) and wasm_exec.js into web/site/static, then bin/passk with the site embedded
#   make serve   build, then serve the app on http://$(ADDR)
#   make test    gofmt + vet (host and js/wasm), every Go test (browser tests in real headless Chromium),
#                and the js/wasm packages' tests under Node
GO      ?= go
GOROOT  := $(shell $(GO) env GOROOT)
WASMBIN := $(GOROOT)/lib/wasm
SITE    := web/site/static
ADDR    ?= 127.0.0.1:8080
# The browser's wasm: no symbol table or DWARF (the Worker binary of issue 5 uses -tags minimal too).
WASMFLAGS ?= -trimpath -tags minimal -ldflags=-s\ -w

.PHONY: all test vet build wasm bench serve clean

all: build

vet:
	@test -z "$$(gofmt -l $$(git ls-files -co --exclude-standard '*.go' 2>/dev/null || find . -name '*.go'))" || { echo "gofmt needed:"; gofmt -l .; exit 1; }
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./wasm/...

test: vet
	$(GO) test -timeout 20m ./...
	PATH="$(WASMBIN):$$PATH" GOOS=js GOARCH=wasm $(GO) test -timeout 10m ./wasm/...

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

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./passk/...

clean:
	rm -rf bin build $(SITE)/app.wasm $(SITE)/app.wasm.gz $(SITE)/app.wasm.br $(SITE)/wasm_exec.js
