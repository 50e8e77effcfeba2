# SPDX-License-Identifier: MIT
# vkhid build. Plain GNU make, pkg-config, -MMD dependency files.
#
#   make            release build of build/vkhid (no sanitizers)
#   make run        install what is missing, build, run the demo kiosk
#   make test       install what is missing, build with ASan+UBSan, run every test
#   make bench      release build, print every benchmark figure
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
	   inih libgpiod libsystemd
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

.PHONY: all run test check bench clean deps demo unit e2e cross cross-build deb
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

cross-build: $(XB)/vkhid $(X_UNIT)

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

run: deps
	@$(MAKE) --no-print-directory -j2 $(BUILD)/vkhid $(MO_OUT)
	$(BUILD)/vkhid demo --out $(BUILD)/demo
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
		echo "The kiosk window with the demo event: close it or press Ctrl+C"; \
		$(BUILD)/vkhid --db $(BUILD)/demo/demo.db run \
			--camera "files:$$(ls $(BUILD)/demo/tickets/ticket-01*.png | head -12 | paste -sd,),$(BUILD)/demo/tickets/ticket-0001.png,$(BUILD)/demo/tickets/forged.png@90" \
			--printer file:$(BUILD)/demo/window-badges --out $(BUILD)/demo/window; \
	else echo "No display here: that was the headless kiosk. With a display, make run opens its window."; fi

demo: $(BUILD)/vkhid
	$(BUILD)/vkhid demo --out $(BUILD)/demo

test: deps
	@sh board/deps-cross.sh $(XB)/sysroot
	@$(MAKE) --no-print-directory -j2 -O test-build cross-build
	@sh tests/run.sh $(SANB)

check: test

test-build: $(SANB)/vkhid $(UNIT_BIN) $(USB_BIN) $(MO_OUT)

bench: deps
	@$(MAKE) --no-print-directory -j2 $(BUILD)/vkhid $(BENCH_BIN) $(MO_OUT)
	@for b in $(BENCH_BIN); do VKHID_SHARED=$${VKHID_SHARED:-../shared} $$b --vkhid $(BUILD)/vkhid || exit 1; done

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
