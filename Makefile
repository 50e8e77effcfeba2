# SPDX-License-Identifier: MIT
# vkhid build. Plain GNU make, pkg-config, -MMD dependency files.
#
#   make            release build of build/vkhid (no sanitizers)
#   make run        install what is missing, build, run the demo kiosk
#   make test       install what is missing, build with ASan+UBSan (and the threaded
#                   tests with TSan), run every test; ends with "N passed, N failed, N skipped"
#   make unit       the same for the unit and USB tests only
#   make e2e        the same for the end-to-end scripts only
#   make tsan       the threaded tests and the threaded kiosk under ThreadSanitizer only
#   make bench      release build, print every benchmark figure; the 5,000-attendee soak
#   make fuzz       clang + libFuzzer: build every tests/fuzz/fuzz_*.c, run each FUZZ_SECONDS
#   make cross      build/aarch64/vkhid and its unit tests for the Raspberry Pi (arm64)
#   make deb        build/vkhid_VERSION_amd64.deb and _arm64.deb
#   make clean
#
# Sources are found by folder: every .c under firmware/<driver>/ and app/<module>/ is part
# of libvkhid; app/cli/main.c is the program; tests/unit/test_*.c are the unit tests (one
# program each, linked against the sanitized libvkhid).

BUILD   ?= build
CC      ?= cc
PKGS     = sdl2 SDL2_ttf SDL2_image libqrencode zbar libusb-1.0 sqlite3 libsodium libjpeg \
           jansson libmicrohttpd gnutls libcurl libpq inih libgpiod libsystemd \
           pangocairo cairo-pdf fontconfig
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcsv -lpthread -lm

WARN     = -Wall -Wextra -Wshadow -Wno-unused-parameter
BASEFLAGS = -std=c17 -D_GNU_SOURCE -MMD -MP -Iapp -Ifirmware $(WARN) $(PKG_CFLAGS)
REL_CFLAGS  = $(BASEFLAGS) -O2 -g
SAN         = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
TEST_CFLAGS = $(BASEFLAGS) -O1 -g -Werror $(SAN)

LIB_SRC  = $(sort $(wildcard firmware/*/*.c) $(filter-out app/cli/main.c,$(wildcard app/*/*.c)))
MAIN_SRC = app/cli/main.c
UNIT_SRC = $(sort $(wildcard tests/unit/test_*.c))
UNIT_HELP = $(filter-out $(UNIT_SRC),$(wildcard tests/unit/*.c))
BENCH_SRC = $(sort $(wildcard tests/bench/*.c))

REL = $(BUILD)/release
SANB = $(BUILD)/asan

REL_OBJ  = $(LIB_SRC:%.c=$(REL)/%.o)
SAN_OBJ  = $(LIB_SRC:%.c=$(SANB)/%.o)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(SANB)/tests/%)
UNIT_HELP_OBJ = $(UNIT_HELP:%.c=$(SANB)/%.o)

# ---- translations: po/LANG.po -> BUILD/locale/LANG/LC_MESSAGES/vkhid.mo -----------------
# The kiosk looks for locale/ beside its binary or one level up.
PO_SRC = $(wildcard po/*.po)
MO_OUT = $(PO_SRC:po/%.po=$(BUILD)/locale/%/LC_MESSAGES/vkhid.mo)
$(BUILD)/locale/%/LC_MESSAGES/vkhid.mo: po/%.po
	@mkdir -p $(@D)
	msgfmt --check -o $@ $<
# The unit tests (BUILD/asan/tests/) look for locale/ one level up, as the program does.
$(SANB)/locale:
	@mkdir -p $(@D)
	ln -sfn ../locale $@
# po/vkhid.pot from the texts marked in app/ and firmware/ (tests/e2e/po.sh checks it).
pot:
	sh po/pot.sh > po/vkhid.pot.new && mv po/vkhid.pot.new po/vkhid.pot

.PHONY: all run test check bench clean deps web-deps demo unit e2e pot fuzz fuzz-build tsan test-build tsan-build cross cross-build deb
# keep object files of test programs between runs
.SECONDARY:
all: $(BUILD)/vkhid $(MO_OUT)


# ---- release -------------------------------------------------------------------------
$(REL)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(REL_CFLAGS) -c $< -o $@

$(REL)/libvkhid.a: $(REL_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/vkhid: $(REL)/app/cli/main.o $(REL)/libvkhid.a
	$(CC) $(REL_CFLAGS) -o $@ $^ $(PKG_LIBS)

# ---- sanitized (tests) ---------------------------------------------------------------
$(SANB)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -c $< -o $@

$(SANB)/libvkhid.a: $(SAN_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(SANB)/vkhid: $(SANB)/app/cli/main.o $(SANB)/libvkhid.a
	$(CC) $(TEST_CFLAGS) -o $@ $^ $(PKG_LIBS)

$(SANB)/tests/%: $(SANB)/tests/unit/%.o $(UNIT_HELP_OBJ) $(SANB)/libvkhid.a
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -o $@ $^ $(PKG_LIBS) -lcmocka

# ---- USB printers against fakes (umockdev) ----------------------------------------------
# tests/usb/test_*.c drive the real libusb code against tests/fakes/fakeprinter.c, fake
# printers in umockdev's fake sysfs; they link libumockdev and tests/run.sh runs them under
# umockdev-wrapper. Built into BUILD/asan/usbtests/, apart from the plain unit tests.
USB_SRC = $(sort $(wildcard tests/usb/test_*.c))
USB_BIN = $(USB_SRC:tests/usb/%.c=$(SANB)/usbtests/%)
UMOCKDEV_CFLAGS = $(shell pkg-config --cflags umockdev-1.0 2>/dev/null)
UMOCKDEV_LIBS   = $(shell pkg-config --libs umockdev-1.0 2>/dev/null)
$(SANB)/tests/fakes/%.o $(SANB)/tests/usb/%.o: TEST_CFLAGS += $(UMOCKDEV_CFLAGS) -Itests/unit -Itests/fakes

$(SANB)/usbtests/%: $(SANB)/tests/usb/%.o $(SANB)/tests/fakes/fakeprinter.o $(UNIT_HELP_OBJ) $(SANB)/libvkhid.a
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -o $@ $^ $(PKG_LIBS) $(UMOCKDEV_LIBS) -lcmocka

# ---- the power-cut library (tests/e2e/powercut.sh, tests/powercut/) ----------------------
# An LD_PRELOAD library that keeps only what was synced and kills the process at a chosen
# write; not sanitized (it is loaded before the ASan runtime and only passes calls on).
$(SANB)/powercut_preload.so: tests/powercut/powercut_preload.c
	@mkdir -p $(@D)
	$(CC) -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -O1 -g -fPIC -shared -o $@ $< -ldl -lpthread

# ---- fuzzing (clang, libFuzzer) ---------------------------------------------------------
# Every tests/fuzz/fuzz_NAME.c is a libFuzzer harness, linked against a libFuzzer build of
# libvkhid in BUILD/fuzz/ (ASan+UBSan, coverage from -fsanitize=fuzzer-no-link), with its
# seed corpus in tests/fuzz/corpus/NAME/. `make fuzz` runs each for FUZZ_SECONDS; what it
# finds new goes to BUILD/fuzz/corpus/NAME/ (the committed seeds stay as they are), a crash
# to BUILD/fuzz/crash-NAME-*. `make test` runs each briefly (tests/e2e/fuzz.sh).
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZB        = $(BUILD)/fuzz
FUZZ_SAN     = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS  = $(BASEFLAGS) -g -O1 $(FUZZ_SAN)
FUZZ_SRC     = $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN     = $(FUZZ_SRC:tests/fuzz/%.c=$(FUZZB)/%)
FUZZ_OBJ     = $(LIB_SRC:%.c=$(FUZZB)/%.o)

$(FUZZB)/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZB)/libvkhid.a: $(FUZZ_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(FUZZB)/fuzz_%: $(FUZZB)/tests/fuzz/fuzz_%.o $(FUZZB)/libvkhid.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(PKG_LIBS)

fuzz-build: $(FUZZ_BIN)

fuzz: deps
	@$(MAKE) --no-print-directory -j2 -O fuzz-build
	@for f in $(FUZZ_BIN); do n=$${f##*/fuzz_}; mkdir -p $(FUZZB)/corpus/$$n; \
		echo "fuzz_$$n: $(FUZZ_SECONDS) s"; \
		$$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			-artifact_prefix=$(FUZZB)/crash-$$n- \
			$(FUZZB)/corpus/$$n tests/fuzz/corpus/$$n || exit 1; done

# ---- ThreadSanitizer (make tsan) --------------------------------------------------------
# The threaded code in a tree of its own, BUILD/tsan (TSan cannot share a program with
# ASan): libvkhid, the vkhid program (tests/tsan/*.sh run its threaded kiosk offscreen) and
# the unit tests that run threads. tests/run.sh runs them with halt_on_error=1: any data
# race report fails.
TSANB = $(BUILD)/tsan
$(TSANB)/locale:
	@mkdir -p $(@D)
	ln -sfn ../locale $@
TSAN_CFLAGS = $(BASEFLAGS) -O1 -g -Werror -fsanitize=thread -fno-omit-frame-pointer
TSAN_TESTS = test_printq test_checkin test_camera test_badge
TSAN_OBJ = $(LIB_SRC:%.c=$(TSANB)/%.o)
TSAN_BIN = $(TSAN_TESTS:%=$(TSANB)/tests/%)
TSAN_HELP_OBJ = $(UNIT_HELP:%.c=$(TSANB)/%.o)

$(TSANB)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(TSAN_CFLAGS) -c $< -o $@

$(TSANB)/libvkhid.a: $(TSAN_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(TSANB)/vkhid: $(TSANB)/app/cli/main.o $(TSANB)/libvkhid.a
	$(CC) $(TSAN_CFLAGS) -o $@ $^ $(PKG_LIBS)

$(TSANB)/tests/%: $(TSANB)/tests/unit/%.o $(TSAN_HELP_OBJ) $(TSANB)/libvkhid.a
	@mkdir -p $(@D)
	$(CC) $(TSAN_CFLAGS) -o $@ $^ $(PKG_LIBS) -lcmocka

tsan-build: $(TSANB)/vkhid $(TSAN_BIN) $(MO_OUT) $(TSANB)/locale

# every tests/bench/NAME.c is a program of its own: build/bench/NAME
BENCH_BIN = $(BENCH_SRC:tests/bench/%.c=$(BUILD)/bench/%)
$(BUILD)/bench/%: $(REL)/tests/bench/%.o $(REL)/libvkhid.a
	@mkdir -p $(@D)
	$(CC) $(REL_CFLAGS) -o $@ $^ $(PKG_LIBS)

# ---- arm64 for the Raspberry Pi (make cross) --------------------------------------------
# Debian's aarch64 cross compiler and the :arm64 -dev packages (board/deps-cross.sh installs
# them; zbar's header and .pc file are unpacked into XB/sysroot). No sanitizers: under
# qemu-user they are unreliable; tests/run.sh runs these programs under qemu-aarch64-static.
XB       = $(BUILD)/aarch64
XCC      = aarch64-linux-gnu-gcc
XPKGENV  = PKG_CONFIG_LIBDIR=$(abspath $(XB))/sysroot/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig
XPKG_CFLAGS = $(shell $(XPKGENV) pkg-config --cflags $(PKGS) 2>/dev/null)
XPKG_LIBS   = $(shell $(XPKGENV) pkg-config --libs $(PKGS) 2>/dev/null) -lcsv -lpthread -lm
X_CFLAGS = -std=c17 -D_GNU_SOURCE -MMD -MP -Iapp -Ifirmware $(WARN) $(XPKG_CFLAGS) -O2 -g -Werror
X_OBJ    = $(LIB_SRC:%.c=$(XB)/%.o)
X_UNIT   = $(UNIT_SRC:tests/unit/%.c=$(XB)/tests/%)
X_HELP_OBJ = $(UNIT_HELP:%.c=$(XB)/%.o)

$(XB)/%.o: %.c
	@mkdir -p $(@D)
	$(XCC) $(X_CFLAGS) -c $< -o $@

$(XB)/libvkhid.a: $(X_OBJ)
	@rm -f $@
	aarch64-linux-gnu-ar rcs $@ $^

$(XB)/vkhid: $(XB)/app/cli/main.o $(XB)/libvkhid.a
	$(XCC) $(X_CFLAGS) -o $@ $^ $(XPKG_LIBS)

$(XB)/tests/%: $(XB)/tests/unit/%.o $(X_HELP_OBJ) $(XB)/libvkhid.a
	@mkdir -p $(@D)
	$(XCC) $(X_CFLAGS) -o $@ $^ $(XPKG_LIBS) -lcmocka

$(XB)/bench/%: $(XB)/tests/bench/%.o $(XB)/libvkhid.a
	@mkdir -p $(@D)
	$(XCC) $(X_CFLAGS) -o $@ $^ $(XPKG_LIBS)

$(XB)/locale:
	@mkdir -p $(@D)
	ln -sfn ../locale $@

cross-build: $(XB)/vkhid $(X_UNIT) $(MO_OUT) $(XB)/locale

cross:
	@sh board/deps.sh
	@sh board/deps-cross.sh $(XB)/sysroot
	@$(MAKE) --no-print-directory -j2 -O cross-build

# ---- Debian packages (make deb) ----------------------------------------------------------
# build/vkhid_VERSION_amd64.deb and _arm64.deb with dpkg-deb (board/mkdeb.sh): the binary,
# catalogs, systemd unit, udev rules, usblp blacklist, /etc/vkhid/vkhid.conf; lintian checks.
DEB_VERSION ?= 0.1.0
deb:
	@sh board/deps.sh
	@sh board/deps-cross.sh $(XB)/sysroot
	@$(MAKE) --no-print-directory -j2 -O $(BUILD)/vkhid $(XB)/vkhid $(MO_OUT)
	sh board/mkdeb.sh amd64 $(DEB_VERSION) $(BUILD)/vkhid $(BUILD)/locale $(BUILD)
	sh board/mkdeb.sh arm64 $(DEB_VERSION) $(XB)/vkhid $(BUILD)/locale $(BUILD)
	lintian --fail-on error --tag-display-limit 0 $(BUILD)/vkhid_$(DEB_VERSION)_amd64.deb $(BUILD)/vkhid_$(DEB_VERSION)_arm64.deb

# ---- the README's commands -----------------------------------------------------------
# `make run` and `make test` first install what is missing (board/deps.sh), then build in
# a sub-make so pkg-config sees the freshly installed packages.
deps:
	@sh board/deps.sh

# playwright-core for the dashboard's browser tests (tests/web), from the lock file; it
# drives the system's Chromium and never downloads a browser
web-deps:
	@if command -v npm >/dev/null 2>&1 && [ ! tests/web/node_modules/.vkhid-ci -nt tests/web/package-lock.json ]; then \
		echo "npm ci in tests/web (playwright-core for the dashboard's browser tests)"; \
		(cd tests/web && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error) && \
		touch tests/web/node_modules/.vkhid-ci || echo "npm ci failed: the dashboard's browser tests will be skipped (they fail under CI)"; \
	fi

run: deps
	@$(MAKE) --no-print-directory -j2 $(BUILD)/vkhid $(MO_OUT)
	$(BUILD)/vkhid demo --out $(BUILD)/demo
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
		echo "The kiosk window with the demo event: close it or press Ctrl+C"; \
		$(BUILD)/vkhid --db $(BUILD)/demo/demo.db run \
			--camera "files:$$(ls $(BUILD)/demo/tickets/ticket-01*.png | head -12 | paste -sd,),$(BUILD)/demo/tickets/ticket-0001.png,$(BUILD)/demo/tickets/forged.png@90" \
			--printer file:$(BUILD)/demo/window-badges --out $(BUILD)/demo/window; \
	else echo "No display here: that was the headless kiosk. With a display, make run opens its window."; fi
	@sh board/demo-hub.sh $(BUILD)/vkhid $(BUILD)/demo

demo: $(BUILD)/vkhid
	$(BUILD)/vkhid demo --out $(BUILD)/demo

# One final line sums every part: tests/run.sh -p names the parts (see tests/run.sh).
test: deps web-deps
	@sh board/deps-cross.sh $(XB)/sysroot
	@$(MAKE) --no-print-directory -j2 -O test-build tsan-build cross-build
	@sh tests/run.sh -p unit,usb,e2e,tsan,arm64 $(SANB)

unit: deps
	@$(MAKE) --no-print-directory -j2 -O $(UNIT_BIN) $(USB_BIN) $(MO_OUT) $(SANB)/locale
	@sh tests/run.sh -p unit,usb $(SANB)

e2e: deps web-deps
	@$(MAKE) --no-print-directory -j2 -O $(SANB)/vkhid $(MO_OUT) $(SANB)/locale $(FUZZ_BIN) $(SANB)/powercut_preload.so
	@sh tests/run.sh -p e2e $(SANB)

tsan: deps
	@$(MAKE) --no-print-directory -j2 -O tsan-build
	@sh tests/run.sh -p tsan $(SANB)

check: test

test-build: $(SANB)/vkhid $(UNIT_BIN) $(USB_BIN) $(MO_OUT) $(SANB)/locale $(FUZZ_BIN) $(SANB)/powercut_preload.so

bench: deps web-deps
	@sh board/deps-cross.sh $(XB)/sysroot
	@$(MAKE) --no-print-directory -j2 $(BUILD)/vkhid $(BENCH_BIN) $(MO_OUT) $(XB)/bench/bench_paths
	@for b in $(BENCH_BIN); do VKHID_SHARED=$${VKHID_SHARED:-../shared} $$b --vkhid $(BUILD)/vkhid || exit 1; done
	@sh tests/bench/arm64.sh $(BUILD)/bench/bench_paths $(XB)/bench/bench_paths
	@VKHID=$(CURDIR)/$(BUILD)/vkhid sh tests/e2e/dashboard.sh --bench
	@echo "soak: 5,000 attendees through the threaded kiosk (tests/e2e/soak.sh)"
	@VKHID=$(BUILD)/vkhid SOAK_N=$${SOAK_N:-5000} SOAK_EARLY=$${SOAK_EARLY:-10} sh tests/e2e/soak.sh

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
