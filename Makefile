# lvmm top level. The module is built by kbuild through ./Kbuild; the
# test bed (QEMU TCG, no hardware virtualization needed) is in
# scripts/testbed/.
#   make [KDIR=...] [W=1]   lvmm.ko, the tools and the selftests
#   make check              build everything, boot the test VMs, run KUnit
#                           and the selftests; last line "N passed, N failed"
#   make check BEDS=... ONLY=...  some beds / one selftest (the fast loop)
#   make demo | bench       boot a VM in demo / benchmark mode
#   make man                the man pages vmctl(8), ctr(8) (rst2man)
#   make install            modules_install, the tools, the man pages

# Default KDIR: the running kernel's build tree, else the test bed's own
# 6.1 kernel once `make check` has built it.
ifeq ($(origin KDIR),undefined)
KDIR := $(patsubst %/Makefile,%,$(wildcard /lib/modules/$(shell uname -r)/build/Makefile))
ifeq ($(KDIR),)
KDIR := $(shell bash scripts/testbed/build-kernel.sh --print-dir-if-built 2>/dev/null)
endif
endif

# The oldest kernel lvmm builds against (kmod/compat.h; ./Kbuild refuses
# older trees as well, for `make -C KDIR M=...`).
LVMM_MIN_KERNEL := 6.1
ifneq ($(KDIR),)
ifneq ($(filter all module install,$(or $(MAKECMDGOALS),all)),)
KREL := $(shell cat $(KDIR)/include/config/kernel.release 2>/dev/null)
KVER := $(shell echo '$(KREL)' | sed -n 's/^\([0-9]*\.[0-9]*\).*/\1/p')
ifneq ($(KVER),)
ifneq ($(firstword $(shell printf '%s\n' $(LVMM_MIN_KERNEL) $(KVER) | sort -V)),$(LVMM_MIN_KERNEL))
$(error lvmm needs Linux $(LVMM_MIN_KERNEL) or later, the oldest it supports; $(KDIR) is $(KREL))
endif
endif
endif
endif

TOOL_DIRS := tools/lib tools/vmctl tools/ctr tools/bench
SELFTEST_DIR := selftests/lvmm
PREFIX ?= /usr/local
# Man pages: Documentation/man/NAME.8.rst -> NAME.8, by rst2man
# (python3-docutils); a warning is an error.
RST2MAN ?= rst2man
MAN_PAGES := $(patsubst %.rst,%,$(wildcard Documentation/man/*.8.rst))
KBUILD := $(MAKE) -C $(KDIR) M=$(CURDIR) $(if $(W),W=$(W))

# Directories are built only once they have a Makefile, so the tree
# builds while its parts are still being written.
sub = set -e; for d in $(1); do if [ -f $$d/Makefile ]; then $(MAKE) -C $$d $(2); fi; done

.PHONY: all module tools selftests check fuzz lint demo bench clean install kdir-check man

all: module tools selftests

kdir-check:
	@test -n "$(KDIR)" || { echo "no kernel build tree: install linux-headers-$$(uname -r), pass KDIR=..., or run make check once" >&2; exit 1; }

module: kdir-check
	$(KBUILD) modules

tools:
	@$(call sub,$(TOOL_DIRS),)

# KSFT_DIR holds kselftest_harness.h and kselftest.h (from linux-source).
selftests: tools
	@$(call sub,$(SELFTEST_DIR),KSFT_DIR=$$(bash scripts/testbed/ksft-headers.sh))

# The fast loop: make check BEDS="svm-test" ONLY=vmctl_test.sh (beds and
# programs in Documentation/testing.rst); CI runs all of it.
check:
	$(if $(BEDS),LVMM_BEDS="$(BEDS)") $(if $(ONLY),LVMM_ONLY="$(ONLY)") bash scripts/testbed/check.sh

# ctr's config.json and state.json fuzzers (ASan+UBSan), FUZZ_SECONDS each
fuzz:
	bash tools/ctr/fuzz/run.sh $(or $(FUZZ_SECONDS),60)

# checkpatch + W=1 + sparse on kmod/ and uapi/ (also part of make check)
lint:
	bash scripts/lint.sh $(if $(filter command line,$(origin KDIR)),$(KDIR))

demo:
	bash scripts/testbed/demo.sh demo

bench:
	bash scripts/testbed/demo.sh bench

man: $(MAN_PAGES)

Documentation/man/%.8: Documentation/man/%.8.rst
	@command -v $(RST2MAN) >/dev/null || { echo "make man: no $(RST2MAN) (Debian: apt-get install python3-docutils)" >&2; exit 1; }
	$(RST2MAN) --halt=warning $< $@.tmp
	mv $@.tmp $@

install: module tools man
	$(KBUILD) modules_install
	@$(call sub,tools/vmctl tools/ctr,install)
	install -D -m 644 -t $(DESTDIR)$(PREFIX)/share/man/man8 $(MAN_PAGES)
	sh scripts/install/lvmm-group.sh

clean:
	if [ -n "$(KDIR)" ]; then $(KBUILD) clean; fi
	@$(call sub,$(TOOL_DIRS) $(SELFTEST_DIR),clean)
	rm -f $(MAN_PAGES) $(addsuffix .tmp,$(MAN_PAGES))
	rm -rf .testbed
