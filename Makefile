# offboard: build, install and uninstall.
#
#   make install [PREFIX=/usr/local] [DESTDIR=]   release build, Swift runtime linked statically
#   make uninstall [PREFIX=/usr/local] [DESTDIR=] removes exactly what install installed
#   make test                                     scripts/test (the whole suite, as CI runs it)
#   make docs                                     scripts/generate-docs (completions, man page)
#
# The release build uses its own scratch path (.build-release), so it never fights a debug
# build in .build. libcurl stays a shared library, opened when a request is sent: install libcurl4 on the target machine.

PREFIX ?= /usr/local
DESTDIR ?=
SWIFT ?= swift
SCRATCH ?= .build-release
INSTALL ?= install

BINDIR := $(PREFIX)/bin
MAN1DIR := $(PREFIX)/share/man/man1
BASHDIR := $(PREFIX)/share/bash-completion/completions
ZSHDIR := $(PREFIX)/share/zsh/site-functions
FISHDIR := $(PREFIX)/share/fish/vendor_completions.d

SWIFT_RELEASE := $(SWIFT) build -c release --static-swift-stdlib --scratch-path $(SCRATCH)

INSTALLED := \
	$(BINDIR)/offboard \
	$(BINDIR)/offboard-emulator \
	$(MAN1DIR)/offboard.1 \
	$(BASHDIR)/offboard \
	$(ZSHDIR)/_offboard \
	$(FISHDIR)/offboard.fish

.PHONY: all build install uninstall test docs docs-check

all: build

build:
	scripts/setup
	$(SWIFT_RELEASE)

install: build
	bin="$$($(SWIFT_RELEASE) --show-bin-path)" && \
	$(INSTALL) -d "$(DESTDIR)$(BINDIR)" "$(DESTDIR)$(MAN1DIR)" "$(DESTDIR)$(BASHDIR)" \
		"$(DESTDIR)$(ZSHDIR)" "$(DESTDIR)$(FISHDIR)" && \
	$(INSTALL) -m 0755 "$$bin/offboard" "$(DESTDIR)$(BINDIR)/offboard" && \
	$(INSTALL) -m 0755 "$$bin/offboard-emulator" "$(DESTDIR)$(BINDIR)/offboard-emulator"
	$(INSTALL) -m 0644 man/offboard.1 "$(DESTDIR)$(MAN1DIR)/offboard.1"
	$(INSTALL) -m 0644 completions/offboard.bash "$(DESTDIR)$(BASHDIR)/offboard"
	$(INSTALL) -m 0644 completions/_offboard "$(DESTDIR)$(ZSHDIR)/_offboard"
	$(INSTALL) -m 0644 completions/offboard.fish "$(DESTDIR)$(FISHDIR)/offboard.fish"

uninstall:
	rm -f $(addprefix "$(DESTDIR),$(addsuffix ",$(INSTALLED)))

test:
	scripts/test

docs:
	scripts/generate-docs

docs-check:
	scripts/generate-docs --check
