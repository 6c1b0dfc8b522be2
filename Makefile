# Strata's two commands for a fresh Debian/Ubuntu machine:
#   make run    install what is missing, build, and open the app
#   make test   install what is missing, build, and run every test against a real Docker daemon
SHELL := /bin/bash
export PATH := $(CURDIR)/.tools/venv/bin:$(HOME)/.cargo/bin:$(PATH)
BINARY := target/debug/strata
# CI builds each configuration once: incremental caches would only take disk (gigabytes of it).
ifdef CI
export CARGO_INCREMENTAL := 0
endif

.PHONY: run test test-fast contract deps daemon ui build test-ui test-rust test-windows test-bundle bundle check-cli lint fuzz-smoke fuzz bench clean-bench clean-test-fixtures

run: deps daemon build
	scripts/open-app.sh $(BINARY)

test: deps daemon test-ui build check-cli lint test-rust test-windows test-bundle fuzz-smoke

# The inner loop: the front end's tests and the engine's unit tests (no daemon, no window), under
# two minutes on a warm build. `make test` stays the full suite.
test-fast: ui
	cd ui && npm test
	cargo test --lib

# Rewrites ui/src/contract.ts, the TypeScript types of everything the window and the engine
# exchange, from the Rust definitions (a unit test fails while it is stale).
contract:
	STRATA_WRITE_CONTRACT=1 cargo test --lib app::contract

deps:
	@scripts/install-deps.sh

daemon:
	@scripts/ensure-docker.sh

ui:
	cd ui && npm run build

build: ui
	cargo build

test-ui:
	cd ui && npm test

# The .deb made from the test build, installed with dpkg -i, and the installed app's window opened.
test-bundle: build
	scripts/test-bundle.sh

# Installable bundles with Tauri's bundler, in target/release/bundle/: a .deb by default. The
# AppImage, rpm, .dmg, .app, .msi and NSIS installer are configured in tauri.conf.json, each built on
# its own platform (`make bundle BUNDLES=appimage` downloads linuxdeploy, so it needs the internet).
BUNDLES ?= deb
bundle: deps ui
	ui/node_modules/.bin/tauri build --ci --bundles $(BUNDLES)

# The engine and CLI must build without WebKit, for `cargo install strata --no-default-features`.
check-cli:
	cargo build --no-default-features --bin strata --target-dir target/cli

# Formatting, and clippy's lints on everything the crate builds (tests included) as errors.
lint:
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings

test-rust: build
	cargo test --no-fail-fast -- --test-threads 4

# Windows, checked from here: the window type-checked and the engine and CLI built for
# x86_64-pc-windows-gnu (MinGW-w64), strata.exe and the engine's unit tests run under Wine.
test-windows: ui
	scripts/test-windows.sh

# Fuzzing: each target from its seeds (fuzz/seeds/TARGET) into a scratch corpus, for
# FUZZ_SECONDS each: 15 s in `make test`, 600 s by default in `make fuzz`. A crash fails the run
# and leaves the input in fuzz/artifacts/TARGET/. `make fuzz` builds optimised (one codegen unit:
# about 15 minutes on two cores); the smoke run in `make test` builds unoptimised (about 4), which
# runs fewer inputs a second but checks the same code with the same sanitizer.
FUZZ_TARGETS := archive layer dockerignore stats secrets binaries
FUZZ_SECONDS ?= 600
FUZZ_PROFILE ?= -O
fuzz-smoke:
	$(MAKE) fuzz FUZZ_SECONDS=15 FUZZ_PROFILE=--dev

fuzz:
	cd fuzz && cargo +nightly fuzz build $(FUZZ_PROFILE)
	set -eo pipefail; for target in $(FUZZ_TARGETS); do \
	  mkdir -p /tmp/strata-fuzz-corpus/$$target; \
	  echo "==> fuzzing $$target for $(FUZZ_SECONDS) s"; \
	  (cd fuzz && cargo +nightly fuzz run $(FUZZ_PROFILE) $$target /tmp/strata-fuzz-corpus/$$target seeds/$$target -- \
	    -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=1024 -timeout=10 -print_final_stats=1 2>&1 | tail -15); \
	done

# Performance, measured: Strata vs `docker save > /dev/null` vs dive, and `strata diff` vs exporting
# both images; builds, stats, cleanup plans, charts; and the window under load (1,002 images, 200
# running containers, a 100,000-file layer; the release build driven through WebDriver). Medians of BENCH_RUNS rounds
# (default 5) on generated images (about 1 GB / 71k files, and 10k files). Not part of `make test`.
bench: deps daemon
	cargo build --release --no-default-features --bin strata --target-dir target/cli
	python3 bench/layers.py
	python3 bench/diff.py
	python3 bench/audit.py
	python3 bench/sbom.py
	python3 bench/vulns.py
	python3 bench/registry.py
	python3 bench/build.py
	python3 bench/sync.py
	python3 bench/stats.py
	python3 bench/cleanup.py
	cargo build --release
	STRATA_APP=$(CURDIR)/target/release/strata cargo test --test gui -- --ignored --exact load_figures --nocapture
	cargo run --release --no-default-features --example chart_render --target-dir target/cli | tee artifacts/bench-chart.md

# Removes the benchmark's images (labelled strata.bench=1) and nothing else.
clean-bench:
	-docker images -q --filter label=strata.bench=1 | sort -u | xargs -r docker rmi -f

# Removes leftovers of interrupted test runs: only containers and images labelled strata.test=1.
clean-test-fixtures:
	-docker ps -aq --filter label=strata.test=1 | xargs -r docker rm -f
	-docker images -q --filter label=strata.test=1 | sort -u | xargs -r docker rmi -f
	-command -v podman >/dev/null && podman ps -aq --filter label=strata.test=1 | xargs -r podman rm -f
	-command -v podman >/dev/null && podman images -q --filter label=strata.test=1 | sort -u | xargs -r podman rmi -f
