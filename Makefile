# samizdat - a thin wrapper around Meson and Ninja.
#   make          build build/samizdat
#   make check    install test dependencies, build, run every test twice
#                 (normal and ASan+UBSan), end with
#                 "N passed, N failed, N skipped"
#   make demo     install, build, and show what samizdat does so far
#   make bench    benchmarks against peers (bench/), each printing a ratio
#   make soak     the source face under a 10-minute siege (tests/load/)
#   make fuzz     run each libFuzzer target for FUZZ_SECONDS (default 60)
#   make deb      build the Debian package into $(DEB) (build-deb/)
#   make deb-check  build it, lint it, install it into a throw-away root
#                 and drive a submission through the installed service
#   make format / lint / clean

BUILD ?= build
ASAN ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
DEB ?= build-deb

.PHONY: all check demo bench fuzz format lint clean deps-build deb deb-check soak

all: deps-build
	@test -f $(BUILD)/build.ninja || meson setup $(BUILD) >/dev/null
	ninja -C $(BUILD)

deps-build:
	@scripts/deps build

check:
	@scripts/deps check
	@test -f $(BUILD)/build.ninja || meson setup $(BUILD) >/dev/null
	@test -f $(ASAN)/build.ninja || meson setup $(ASAN) \
		-Db_sanitize=address,undefined -Db_lundef=false \
		-Dbuildtype=debug >/dev/null
	ninja -C $(BUILD)
	ninja -C $(ASAN)
	@tests/run $(BUILD) $(ASAN)

demo:
	@scripts/deps demo
	@test -f $(BUILD)/build.ninja || meson setup $(BUILD) >/dev/null
	ninja -C $(BUILD)
	@scripts/demo $(BUILD)/samizdat

bench:
	@scripts/deps bench
	@test -f $(BUILD)/build.ninja || meson setup $(BUILD) >/dev/null
	ninja -C $(BUILD)
	@for b in bench/*.sh; do sh "$$b" $(BUILD)/samizdat || exit 1; done

soak:
	@scripts/deps check
	@test -f $(BUILD)/build.ninja || meson setup $(BUILD) >/dev/null
	ninja -C $(BUILD)
	SAMIZDAT=$(CURDIR)/$(BUILD)/samizdat SIEGE_SECONDS=$${SIEGE_SECONDS:-600} \
		tests/load/siege.sh

fuzz:
	@scripts/deps fuzz
	@test -f $(FUZZ_BUILD)/build.ninja || CC=clang CXX=clang++ meson setup $(FUZZ_BUILD) \
		-Dfuzzing=true -Db_sanitize=address,undefined -Db_lundef=false \
		-Dbuildtype=debugoptimized >/dev/null
	ninja -C $(FUZZ_BUILD)
	@fuzz/run $(FUZZ_BUILD) $(FUZZ_SECONDS)

deb:
	@scripts/deps deb
	@scripts/deb $(DEB)

deb-check: deb all
	@SZ_UNIT_SECCOMP=$(abspath $(BUILD))/tests/unit_seccomp tests/deb/install.sh $(DEB)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

lint:
	@test -f $(BUILD)/compile_commands.json || meson setup $(BUILD) >/dev/null
	clang-tidy -p $(BUILD) --quiet $$(git ls-files 'src/*.c')
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
		--inline-suppr -Isrc $$(git ls-files 'src/*.c')

clean:
	rm -rf $(BUILD) $(ASAN) $(FUZZ_BUILD) $(DEB)
