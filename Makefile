# Attribution Lab. `make run` opens the app on the bundled sample data;
# `make test` runs every test without cgo (the headless Fyne driver).
GO        ?= go
BIN       := bin/attrlab
BENCHDATA := bench-data
export LANG ?= en_US.UTF-8

.PHONY: run build test lint vet fmt-check deps-check bench bench-data fuzz clean

build:
	$(GO) build -o $(BIN) .

run: build
	./$(BIN) attribute assets/sample_touches.csv

# Domain packages must build and test with cgo off; the whole suite does too.
test: lint deps-check
	CGO_ENABLED=0 $(GO) test -count=1 ./...

lint: fmt-check vet

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	CGO_ENABLED=0 $(GO) vet ./...

# attribution and synth may import only the standard library and gonum.
deps-check:
	@bad=$$($(GO) list -deps ./attribution ./synth | grep -E '^(fyne\.io|database/sql|modernc\.org|github\.com/attrlab/attrlab/(storage|app|report|cli))' || true); \
	if [ -n "$$bad" ]; then echo "domain packages reach forbidden dependencies:"; echo "$$bad"; exit 1; fi; \
	echo "deps-check: attribution and synth are pure"

# Benchmark data is generated (seeded) on first use and kept in bench-data/.
bench-data: $(BENCHDATA)/paths200k.csv $(BENCHDATA)/touches1m.csv

$(BENCHDATA)/paths200k.csv: | build
	@mkdir -p $(BENCHDATA)
	./$(BIN) gen --layout paths --paths 200000 --channels 8 --seed 1 --out $@

$(BENCHDATA)/touches1m.csv: | build
	@mkdir -p $(BENCHDATA)
	./$(BIN) gen --layout touches --rows 1000000 --channels 8 --seed 1 --out $@

bench: build bench-data
	ATTRLAB_BENCH_DATA=$(CURDIR)/$(BENCHDATA) $(GO) test -run '^$$' -bench . -benchmem -count 1 ./attribution/ ./cli/
	@scripts/bench-cli.sh $(BIN) $(BENCHDATA)

FUZZTIME ?= 20s
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzImportPaths$$' -fuzztime $(FUZZTIME) ./attribution/
	$(GO) test -run '^$$' -fuzz '^FuzzImportTouches$$' -fuzztime $(FUZZTIME) ./attribution/
	$(GO) test -run '^$$' -fuzz '^FuzzParseDuration$$' -fuzztime $(FUZZTIME) ./attribution/

clean:
	rm -rf bin $(BENCHDATA)
