# Weigong's build. `make run` starts everything on one machine with a bbolt
# file under ./data; `make test` runs every test (browser tests included,
# with Chromium and PostgreSQL from Debian).
GO ?= go
BIN := bin/weigong

.PHONY: run build test lint bench bench-go bench-load cluster clean

run:
	$(GO) run ./cmd/weigong serve

build:
	$(GO) build -o $(BIN) ./cmd/weigong

# test runs beside a private PostgreSQL (cmd/withpg: initdb + pg_ctl on a
# temporary directory, stopped afterwards) shared by every test binary.
# The API suite (cmd/weigong) then runs a second time with every node on
# PostgreSQL and an embedded NATS JetStream (WEIGONG_TEST_STORE=postgres,
# cmd/weigong/pg_test.go): the same tests on both backends.
test:
	$(GO) build -o bin/withpg ./cmd/withpg
	bin/withpg -- sh -c '$(GO) test -race -count=1 -timeout 30m ./... && \
		WEIGONG_TEST_STORE=postgres $(GO) test -race -count=1 -timeout 40m ./cmd/weigong/'

lint:
	$(GO) vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

# bench runs the Go benchmarks of the hot paths and the load tools on
# loopback, and writes the figures to docs/BENCHMARKS.md. With
# CENTRIFUGO=/path/to/centrifugo the fan-out runs side by side with that
# Centrifugo binary (docs/BENCHMARKS.md says how it was built).
CENTRIFUGO ?=
bench: bench-go bench-load

bench-go:
	$(GO) test -run '^$$' -bench . -benchmem -count 5 ./assets/ ./share/ ./storage/ ./feed/... | tee bench-go.out

bench-load: build
	$(GO) run ./cmd/wgbench -bin $(BIN) -centrifugo "$(CENTRIFUGO)"
	$(GO) run ./cmd/wgbench orders -bin $(BIN)
	$(GO) run ./cmd/wgbench webhooks -bin $(BIN)
	$(GO) build -o bin/withpg ./cmd/withpg
	bin/withpg -- $(GO) run ./cmd/wgbench cluster -bin $(BIN)

# cluster starts on loopback what docs/SCALE.md deploys: a private
# PostgreSQL (thrown away when it stops), an embedded NATS JetStream
# server, and three nodes on :8081, :8082 and :8083 sharing one database,
# one bus, one photo folder and one secret key. Ctrl-C stops everything.
cluster: build
	$(GO) build -o bin/withpg ./cmd/withpg
	bin/withpg -- sh -c '\
	  dir=$$(mktemp -d); \
	  export WEIGONG_SECRET_KEY=$$(od -An -tx1 -N32 /dev/urandom | tr -d " \n"); \
	  trap "kill $$(jobs -p) 2>/dev/null; wait; rm -rf $$dir" INT TERM; \
	  bin/weigong nats --addr 127.0.0.1:4222 --dir $$dir/nats & \
	  sleep 1; \
	  for port in 8081 8082 8083; do \
	    bin/weigong serve --addr 127.0.0.1:$$port --data $$dir/node-$$port --no-rate-limit \
	      --store "$$WEIGONG_TEST_POSTGRES" --bus nats://127.0.0.1:4222 --blobs $$dir/media & \
	  done; \
	  wait'

clean:
	rm -rf bin data bench-go.out
