# passk: `make test` runs every test; `make serve` builds the app and serves it.
GO      ?= go
WASMBIN := $(shell $(GO) env GOROOT)/lib/wasm

.PHONY: all test vet build bench serve clean

all: build

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))" || { echo "gofmt needed:"; gofmt -l .; exit 1; }
	$(GO) vet ./...

test: vet
	$(GO) test -timeout 20m ./...

build:
	$(GO) build -o bin/passk ./passk/cmd/passk

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./passk/...

serve:
	@echo "make serve: the browser app does not exist yet (see issue 4); use bin/passk for now" >&2; exit 1

clean:
	rm -rf bin build
