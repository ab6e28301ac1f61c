# Attribution Lab. `make run` builds the desktop app (cgo, Fyne's GL
# driver) and opens it on the bundled sample; `make test` runs every test
# without cgo: the `ci` tag swaps in Fyne's headless test driver, so that
# build is for tests only and never shipped.
GO        ?= go
BIN       := bin/attrlab
BENCHDATA := bench-data
export LANG ?= en_US.UTF-8

.PHONY: setup run run-cli build test test-race lint vet fmt-check deps-check bench fuzz clean package

# Fyne's C libraries for the cgo build; installed when pkg-config cannot
# find them (Debian/Ubuntu), as .ci/run does on a fresh machine.
FYNE_APT := gcc libc6-dev pkg-config libgl1-mesa-dev xorg-dev
setup:
	@if command -v pkg-config >/dev/null && pkg-config --exists gl x11 xcursor xrandr xinerama xi xxf86vm; then \
		echo "setup: Fyne's C libraries are installed"; \
	else \
		echo "setup: installing Fyne's C libraries: $(FYNE_APT)"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q --no-install-recommends $(FYNE_APT); \
	fi

build: setup
	$(GO) build -o $(BIN) .

run: build
	./$(BIN)

# The same engine on the command line, no display needed.
run-cli: build
	./$(BIN) attribute assets/sample_touches.csv

# Domain packages must build and test with cgo off; the whole suite does too.
# The UI-responsiveness test measures waits on a UI thread, so it runs on
# its own after the rest: packages test in parallel, and the run store's
# crash and concurrency tests would otherwise share its two cores.
RESPONSIVE := TestImportKeepsUIResponsive
test: lint deps-check
	CGO_ENABLED=0 $(GO) test -tags ci -count=1 -skip '^$(RESPONSIVE)$$' ./...
	CGO_ENABLED=0 $(GO) test -tags ci -count=1 -run '^$(RESPONSIVE)$$' -v ./app/

# The race detector needs cgo (gcc); the app's tests run UI callbacks on
# the test goroutine (app/pump_test.go), so they too are race-free.
test-race:
	$(GO) test -race -tags ci -count=1 -skip '^$(RESPONSIVE)$$' ./attribution/ ./tracking/ ./report/ ./cli/ ./app/

lint: fmt-check vet

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	CGO_ENABLED=0 $(GO) vet -tags ci ./...

# Domain packages stay pure Go; only app imports Fyne (scripts/deps-check.sh).
deps-check:
	@scripts/deps-check.sh

# Benchmarks: Go benchmarks of the engine and the run store, then the
# command line end to end next to gzip -1 of the same files. Data is
# generated (seeded) on first use into bench-data/ (about 1 GB with the
# 10M-row file; `make bench QUICK=--quick` skips the scale table).
bench: build
	scripts/bench-cli.sh $(BIN) $(BENCHDATA) 0 $(QUICK)
	ATTRLAB_BENCH_DATA=$(CURDIR)/$(BENCHDATA) CGO_ENABLED=0 $(GO) test -tags ci -run '^$$' -bench . -benchmem -count 1 ./attribution/ ./storage/ ./report/ ./cli/
	scripts/bench-cli.sh $(BIN) $(BENCHDATA) 5 $(QUICK)

# A Linux bundle, bin/attrlab-linux.tar.xz (the binary, the icon, a
# .desktop entry and a Makefile that installs them), made from
# FyneApp.toml by Fyne's packaging tool, which is installed on first use.
# The tool raises Build in FyneApp.toml on every run; the file is put back,
# so the build number changes only when someone edits it.
FYNE = $(or $(shell $(GO) env GOBIN),$(shell $(GO) env GOPATH)/bin)/fyne
package: setup
	@test -x $(FYNE) || $(GO) install fyne.io/fyne/v2/cmd/fyne@v2.7.1
	@mkdir -p bin && cp FyneApp.toml bin/.FyneApp.toml
	$(FYNE) package -os linux -release; s=$$?; mv bin/.FyneApp.toml FyneApp.toml; exit $$s
	mv "Attribution Lab.tar.xz" bin/attrlab-linux.tar.xz
	@tar -tJf bin/attrlab-linux.tar.xz

FUZZTIME ?= 20s
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzImportPaths$$' -fuzztime $(FUZZTIME) ./attribution/
	$(GO) test -run '^$$' -fuzz '^FuzzImportTouches$$' -fuzztime $(FUZZTIME) ./attribution/
	$(GO) test -run '^$$' -fuzz '^FuzzSplitSimpleQuoted$$' -fuzztime $(FUZZTIME) ./attribution/
	$(GO) test -run '^$$' -fuzz '^FuzzParseDuration$$' -fuzztime $(FUZZTIME) ./attribution/
	$(GO) test -run '^$$' -fuzz '^FuzzReadSpend$$' -fuzztime $(FUZZTIME) ./attribution/
	$(GO) test -run '^$$' -fuzz '^FuzzParseNumber$$' -fuzztime $(FUZZTIME) ./attribution/
	$(GO) test -run '^$$' -fuzz '^FuzzParseTime$$' -fuzztime $(FUZZTIME) ./attribution/
	$(GO) test -run '^$$' -fuzz '^FuzzNormalizeHeader$$' -fuzztime $(FUZZTIME) ./attribution/
	$(GO) test -run '^$$' -fuzz '^FuzzImportExports$$' -fuzztime $(FUZZTIME) ./attribution/
	$(GO) test -run '^$$' -fuzz '^FuzzColumnRef$$' -fuzztime $(FUZZTIME) ./attribution/
	$(GO) test -run '^$$' -fuzz '^FuzzAppendTokens$$' -fuzztime $(FUZZTIME) ./attribution/
	$(GO) test -run '^$$' -fuzz '^FuzzQuoteEnd$$' -fuzztime $(FUZZTIME) ./attribution/
	$(GO) test -run '^$$' -fuzz '^FuzzFastRowsMatchGeneralReader$$' -fuzztime $(FUZZTIME) ./attribution/
	$(GO) test -run '^$$' -fuzz '^FuzzTouchRowsMatchGeneralReader$$' -fuzztime $(FUZZTIME) ./attribution/
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./tracking/

clean:
	rm -rf bin $(BENCHDATA)
