# git-spec: one non-recursive Makefile.
#
#   make                 build the library and the programs into $(BUILD)
#   make test            build and run every test, plain and under ASan/UBSan
#   make unit e2e        the suites of one build (BUILD=..., SANITIZE=...)
#   make install prefix=/usr/local DESTDIR=   (PREFIX= works too)
#   make bench           the benchmark of DESIGN.md 4
#   make fuzz            bounded fuzzing runs (clang, libFuzzer)
#   make valgrind        the unit and end-to-end suites under valgrind
#
# BUILD=dir puts every output below dir (default: build). SANITIZE=address,undefined
# builds with those sanitizers. V=1 shows the commands. DEVELOPER=1 adds -Werror.
# CPPFLAGS, CFLAGS and LDFLAGS are added to the build's own flags. Only the
# unit tests need libcmocka-dev: `make` builds the programs without it.
# LINK=shared links libgit2, libyaml, libtree-sitter, libcrypto and their
# dependencies as shared libraries, so that the distribution's security
# updates of them reach the programs without a rebuild; by default they are
# linked from their archives (.a) when all are installed, for the start-up
# time of the hook (docs/adr/0022). LINK=static insists on the archives.

BUILD ?= build
# git spells it `prefix`; PREFIX is the other common spelling.
PREFIX ?= /usr/local
prefix ?= $(PREFIX)
DESTDIR ?=
bindir = $(prefix)/bin
mandir = $(prefix)/share/man
datadir = $(prefix)/share

CC ?= cc
PKG_CONFIG ?= pkg-config
PKGS = libgit2 yaml-0.1 tree-sitter libcrypto
OPTFLAGS ?= -O2 -g
WARNFLAGS = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
ifdef DEVELOPER
WARNFLAGS += -Werror
endif
ifdef SANITIZE
SANFLAGS = -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
endif

PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
CMOCKA_LIBS := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)

# ---- static or shared libraries (docs/adr/0022) ------------------------------
# Static: 21 shared objects fewer to map and relocate at every start, half
# the hook's start-up. The C library's own parts (libm, libdl, librt,
# libpthread; glibc 2.34 merged the last three into libc) stay dynamic, and
# so does cmocka (Debian ships no archive of it). Two of libgit2's
# dependencies serve only transports git-spec never opens, and are
# replaced by functions that refuse (libno-transport.a below): GSS-API
# (Debian's libgit2.pc does not name libgssapi_krb5, of which there is no
# archive) and libssh2 (whose archive would pull in most of libcrypto).
LINK ?= auto
SYSTEM_LIBS = -lc -lm -ldl -lrt -lpthread
ifeq ($(filter $(LINK),auto static shared),)
$(error LINK=$(LINK): say auto, static or shared)
endif
ifneq ($(LINK),shared)
STATIC_LIBS_L := $(shell $(PKG_CONFIG) --static --libs-only-l $(PKGS) 2>/dev/null)
STATIC_LIBS_DIRS := $(shell $(PKG_CONFIG) --static --libs-only-L $(PKGS) 2>/dev/null)
STATIC_LIBS_OTHER := $(shell $(PKG_CONFIG) --static --libs-only-other $(PKGS) 2>/dev/null)
ARCHIVE_LIBS := $(filter-out $(SYSTEM_LIBS),$(STATIC_LIBS_L))
# The archives neither pkg-config's -L directories nor the compiler's own
# search path holds.
MISSING_ARCHIVES := $(shell for a in $(patsubst -l%,lib%.a,$(ARCHIVE_LIBS)); do \
	for d in $(patsubst -L%,%,$(STATIC_LIBS_DIRS)); do test -f "$$d/$$a" && continue 2; done; \
	p=$$($(CC) -print-file-name=$$a); test "$${p#/}" != "$$p" || echo "$$a"; done)
endif
ifeq ($(LINK),shared)
LINK_MODE = shared
else ifeq ($(strip $(ARCHIVE_LIBS)),)
# pkg-config knows none of them: deps-check says what to install.
LINK_MODE = shared
else ifeq ($(strip $(MISSING_ARCHIVES)),)
LINK_MODE = static
else ifeq ($(LINK),static)
$(error LINK=static: no $(MISSING_ARCHIVES) (see scripts/install-deps.sh))
else
$(info note: no $(MISSING_ARCHIVES): linking the shared libraries (LINK=shared))
LINK_MODE = shared
endif

GITSPEC_VERSION = 0.1.0
# src/no-gssapi.c and src/no-ssh.c, after the archives in the link: the
# linker takes a member only for a symbol libgit2.a still needs.
NO_TRANSPORT = $(BUILD)/libno-transport.a
NO_TRANSPORT_OBJS = $(BUILD)/src/no-gssapi.o $(BUILD)/src/no-ssh.o
ifeq ($(LINK_MODE),static)
# In $(BUILD)/FLAGS too, so that changing the mode rebuilds everything.
LINK_CPPFLAGS = -DGITSPEC_LINK_STATIC
LIBS = $(STATIC_LIBS_DIRS) -Wl,-Bstatic $(filter-out -lssh2,$(ARCHIVE_LIBS)) -Wl,-Bdynamic \
	$(NO_TRANSPORT) $(filter $(SYSTEM_LIBS),$(STATIC_LIBS_L)) $(STATIC_LIBS_OTHER) -lpthread
# What links $(LIBS) depends on it: the programs, the unit tests, the fuzz
# targets, bench/parse_only.
STATIC_DEPS = $(NO_TRANSPORT)
# The functions src/no-tls-certs.c replaces: an executable's definition
# takes the place of a shared library's, but not of an archive member's
# (both would be linked); --wrap sends the archives' calls to it instead.
# The same for libgit2's TLS stream, set up in git_libgit2_init() for
# connections git-spec never makes: refused instead.
PROG_WRAP = $(addprefix -Wl$(comma)--wrap=,mbedtls_x509_crt_parse_file mbedtls_havege_init \
	git_mbedtls_stream_global_init git_mbedtls_stream_new git_mbedtls_stream_wrap \
	git_mbedtls__set_cert_location)
else
LINK_CPPFLAGS =
LIBS = $(PKG_LIBS) -lpthread
STATIC_DEPS =
PROG_WRAP =
endif
comma = ,

# ---- the C library of the programs (docs/adr/0025) ---------------------------
# In the static link the three programs take the C library from its archive
# too (a static PIE): no dynamic loader, no libc.so to map and relocate,
# no symbol bound at first call; 1.3 ms of an unchanged `git spec check`'s
# 18 on the benchmark machine. Not with the sanitizers (their runtimes
# need the dynamic loader), nor LIBC=shared, which `make valgrind` uses
# (valgrind cannot follow malloc in a static program). The unit tests link
# cmocka, of which there is no archive: they keep the shared C library.
LIBC ?= auto
ifeq ($(filter $(LIBC),auto static shared),)
$(error LIBC=$(LIBC): say auto, static or shared)
endif
LIBC_ARCHIVE := $(shell $(CC) -print-file-name=libc.a)
ifeq ($(LIBC),shared)
LIBC_MODE = shared
else ifneq ($(LINK_MODE)$(SANITIZE),static)
LIBC_MODE = shared
else ifeq ($(LIBC_ARCHIVE),$(patsubst /%,,$(LIBC_ARCHIVE)))
# no /path/to/libc.a: the C library's archive is not installed
LIBC_MODE = shared
else
LIBC_MODE = static
endif
ifeq ($(LIBC)-$(LIBC_MODE),static-shared)
$(error LIBC=static needs the static link (LINK), no SANITIZE, and $(LIBC_ARCHIVE))
endif
ifeq ($(LIBC_MODE),static)
LINK_CPPFLAGS += -DGITSPEC_LIBC_STATIC
PROG_LDFLAGS = -static-pie
# every library from its archive: nothing after it may be looked for as a shared object
PROG_LIBS = $(subst -Wl$(comma)-Bdynamic,,$(LIBS))
else
PROG_LDFLAGS =
PROG_LIBS = $(LIBS)
endif

ALL_CFLAGS = -DGITSPEC_VERSION=\"$(GITSPEC_VERSION)\" -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(OPTFLAGS) $(SANFLAGS) \
	$(LINK_CPPFLAGS) -Iinclude -Isrc/lib $(PKG_CFLAGS) $(CPPFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(SANFLAGS) $(LDFLAGS)

ifeq ($(V),1)
Q =
QUIET_CC =
QUIET_LINK =
QUIET_AR =
else
Q = @
QUIET_CC = @echo '   ' CC $@;
QUIET_LINK = @echo '   ' LINK $@;
QUIET_AR = @echo '   ' AR $@;
endif

GRAMMAR_DIR = deps/tree-sitter-python
GRAMMAR_SRCS = $(GRAMMAR_DIR)/src/parser.c $(GRAMMAR_DIR)/src/scanner.c
GRAMMAR_OBJS = $(BUILD)/grammar/parser.o $(BUILD)/grammar/scanner.o
# The TOML grammar reads pyproject.toml (import roots, docs/adr/0012).
TOML_GRAMMAR_DIR = deps/tree-sitter-toml
TOML_GRAMMAR_SRCS = $(TOML_GRAMMAR_DIR)/src/parser.c $(TOML_GRAMMAR_DIR)/src/scanner.c
TOML_GRAMMAR_OBJS = $(BUILD)/grammar-toml/parser.o $(BUILD)/grammar-toml/scanner.o

LIB_SRCS = $(sort $(wildcard src/lib/*.c))
LIB_OBJS = $(patsubst %.c,$(BUILD)/%.o,$(LIB_SRCS))
LIB = $(BUILD)/libgitspec.a

CMD_SRCS = $(sort $(wildcard src/cmd/*.c))
CMD_OBJS = $(patsubst %.c,$(BUILD)/%.o,$(CMD_SRCS))

PROGRAMS = $(BUILD)/bin/git-spec $(BUILD)/bin/git-spec-hook $(BUILD)/bin/git-spec-merge
# Linked into the programs only, not the library: see src/no-tls-certs.c.
PROG_OBJS = $(BUILD)/src/no-tls-certs.o

UNIT_SRCS = $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS = $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
UNIT_OBJS = $(patsubst tests/unit/%.c,$(BUILD)/tests/unit/%.o,$(UNIT_SRCS))

ALL_OBJS = $(LIB_OBJS) $(CMD_OBJS) $(PROG_OBJS) $(NO_TRANSPORT_OBJS) $(BUILD)/src/git-spec.o $(BUILD)/src/git-spec-hook.o \
	$(BUILD)/src/git-spec-merge.o $(UNIT_OBJS)

.PHONY: all unit e2e test check install uninstall clean bench fuzz valgrind grammar deps-check \
	test-deps-check
.DELETE_ON_ERROR:
.SECONDARY:

all: $(PROGRAMS)

deps-check:
	@$(PKG_CONFIG) --exists $(PKGS) || { \
	  echo "error: missing build dependencies; install them with:" >&2; \
	  echo "  apt-get install -y libgit2-dev libyaml-dev libtree-sitter-dev libssl-dev pkg-config npm" >&2; \
	  exit 1; }

# The unit tests alone link cmocka.
test-deps-check:
	@$(PKG_CONFIG) --exists cmocka || { \
	  echo "error: the unit tests need cmocka; install it with: apt-get install -y libcmocka-dev" >&2; \
	  exit 1; }

# Rebuild everything when the flags change.
$(BUILD)/FLAGS: FORCE
	@mkdir -p $(BUILD)
	@echo '$(CC) $(ALL_CFLAGS) $(WARNFLAGS) $(ALL_LDFLAGS)' > $@.new
	@if cmp -s $@ $@.new; then rm -f $@.new; else mv $@.new $@; fi
# Phony, or .SECONDARY would take the missing file for an intermediate one
# that needs no remaking, and FLAGS would never be rewritten.
.PHONY: FORCE
FORCE:

$(GRAMMAR_DIR)/src/parser.c:
	$(Q)scripts/fetch-grammar.sh $(GRAMMAR_DIR)
$(GRAMMAR_DIR)/src/scanner.c: $(GRAMMAR_DIR)/src/parser.c
$(TOML_GRAMMAR_DIR)/src/parser.c:
	$(Q)scripts/fetch-grammar.sh $(TOML_GRAMMAR_DIR) toml
$(TOML_GRAMMAR_DIR)/src/scanner.c: $(TOML_GRAMMAR_DIR)/src/parser.c
grammar: $(GRAMMAR_DIR)/src/parser.c $(TOML_GRAMMAR_DIR)/src/parser.c

$(BUILD)/grammar/%.o: $(GRAMMAR_DIR)/src/%.c $(BUILD)/FLAGS | deps-check
	@mkdir -p $(dir $@)
	$(QUIET_CC)$(CC) -std=c11 $(OPTFLAGS) $(SANFLAGS) -I$(GRAMMAR_DIR)/src $(CPPFLAGS) $(CFLAGS) -w -c -o $@ $<

$(BUILD)/grammar-toml/%.o: $(TOML_GRAMMAR_DIR)/src/%.c $(BUILD)/FLAGS | deps-check
	@mkdir -p $(dir $@)
	$(QUIET_CC)$(CC) -std=c11 $(OPTFLAGS) $(SANFLAGS) -I$(TOML_GRAMMAR_DIR)/src $(CPPFLAGS) $(CFLAGS) -w -c -o $@ $<

$(BUILD)/%.o: %.c $(BUILD)/FLAGS | deps-check
	@mkdir -p $(dir $@)
	$(QUIET_CC)$(CC) $(ALL_CFLAGS) $(WARNFLAGS) -MMD -MP -c -o $@ $<

$(LIB): $(LIB_OBJS) $(GRAMMAR_OBJS) $(TOML_GRAMMAR_OBJS)
	@mkdir -p $(dir $@)
	$(Q)rm -f $@
	$(QUIET_AR)ar rcs $@ $^

$(NO_TRANSPORT): $(NO_TRANSPORT_OBJS)
	@mkdir -p $(dir $@)
	$(Q)rm -f $@
	$(QUIET_AR)ar rcs $@ $^

$(BUILD)/bin/git-spec: $(BUILD)/src/git-spec.o $(CMD_OBJS) $(PROG_OBJS) $(LIB) $(STATIC_DEPS)
	@mkdir -p $(dir $@)
	$(QUIET_LINK)$(CC) $(PROG_LDFLAGS) $(ALL_LDFLAGS) -o $@ $(BUILD)/src/git-spec.o $(CMD_OBJS) $(PROG_OBJS) $(LIB) \
		$(PROG_WRAP) $(PROG_LIBS)

$(BUILD)/bin/git-spec-%: $(BUILD)/src/git-spec-%.o $(CMD_OBJS) $(PROG_OBJS) $(LIB) $(STATIC_DEPS)
	@mkdir -p $(dir $@)
	$(QUIET_LINK)$(CC) $(PROG_LDFLAGS) $(ALL_LDFLAGS) -o $@ $< $(CMD_OBJS) $(PROG_OBJS) $(LIB) $(PROG_WRAP) $(PROG_LIBS)

$(BUILD)/tests/unit/%.o: tests/unit/%.c $(BUILD)/FLAGS | deps-check test-deps-check
	@mkdir -p $(dir $@)
	$(QUIET_CC)$(CC) $(ALL_CFLAGS) $(WARNFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(LIB) $(STATIC_DEPS) | test-deps-check
	@mkdir -p $(dir $@)
	$(QUIET_LINK)$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(LIBS) $(CMOCKA_LIBS)

# Linked as the programs are, with their replacements: it checks that the
# transports they refuse fail cleanly.
$(BUILD)/tests/test_no_transport: $(BUILD)/tests/unit/test_no_transport.o $(PROG_OBJS) $(LIB) $(STATIC_DEPS) \
		| test-deps-check
	@mkdir -p $(dir $@)
	$(QUIET_LINK)$(CC) $(ALL_LDFLAGS) -o $@ $< $(PROG_OBJS) $(LIB) $(PROG_WRAP) $(LIBS) $(CMOCKA_LIBS)

unit: test-deps-check $(UNIT_BINS)
	@tests/run-unit.sh $(BUILD)

e2e: $(PROGRAMS)
	@tests/run-e2e.sh $(BUILD)

# The README's test command: everything, plain and under the sanitizers.
test check:
	@tests/run.sh

valgrind:
	@tests/run.sh --valgrind

bench: $(PROGRAMS)
	@bench/run.sh $(BUILD)

fuzz:
	@fuzz/run.sh

install: $(PROGRAMS)
	install -d $(DESTDIR)$(bindir) $(DESTDIR)$(mandir)/man1 \
		$(DESTDIR)$(datadir)/bash-completion/completions $(DESTDIR)$(datadir)/git-spec/hooks
	install -m 755 $(PROGRAMS) $(DESTDIR)$(bindir)
	install -m 644 $(wildcard man/*.1) $(DESTDIR)$(mandir)/man1
	install -m 644 share/bash-completion/completions/git-spec $(DESTDIR)$(datadir)/bash-completion/completions
	install -m 755 $(wildcard hooks/*) $(DESTDIR)$(datadir)/git-spec/hooks

uninstall:
	rm -f $(addprefix $(DESTDIR)$(bindir)/,$(notdir $(PROGRAMS)))
	rm -f $(addprefix $(DESTDIR)$(mandir)/man1/,$(notdir $(wildcard man/*.1)))
	rm -f $(DESTDIR)$(datadir)/bash-completion/completions/git-spec
	rm -rf $(DESTDIR)$(datadir)/git-spec

clean:
	rm -rf build build-*

-include $(ALL_OBJS:.o=.d)

# ---- bench and fuzz programs (owned by the bench/fuzz branch) ----------------
# Helpers of `make bench` (bench/run.sh builds them through these rules) and
# the libFuzzer targets of `make fuzz` (fuzz/run.sh builds them in a separate
# BUILD with CC=clang SANITIZE=fuzzer-no-link,address,undefined).
BENCH_PROGS = $(BUILD)/bench/measure $(BUILD)/bench/parse_only $(BUILD)/bench/stat_only
FUZZ_SRCS = $(sort $(wildcard fuzz/fuzz_*.c))
FUZZ_PROGS = $(patsubst fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRCS))

.PHONY: bench-progs fuzz-progs
bench-progs: $(BENCH_PROGS)
bench: $(BENCH_PROGS)
fuzz-progs: $(FUZZ_PROGS)

$(BUILD)/bench/measure: bench/measure.c
	@mkdir -p $(dir $@)
	$(QUIET_LINK)$(CC) -std=c11 -D_GNU_SOURCE -O2 $(WARNFLAGS) -o $@ $<

# Linked as the programs are (LINK), for a like-for-like parse floor.
$(BUILD)/bench/parse_only: bench/parse_only.c $(GRAMMAR_OBJS) $(STATIC_DEPS)
	@mkdir -p $(dir $@)
	$(QUIET_LINK)$(CC) -std=c11 -D_GNU_SOURCE $(OPTFLAGS) $(WARNFLAGS) $(PKG_CFLAGS) -o $@ $< \
		$(GRAMMAR_OBJS) $(LIBS)

# Linked as git-spec is (PROG_LDFLAGS: a static PIE when it is one), so
# that starting it costs what starting git-spec does.
$(BUILD)/bench/stat_only: bench/stat_only.c
	@mkdir -p $(dir $@)
	$(QUIET_LINK)$(CC) -std=c11 -D_GNU_SOURCE $(OPTFLAGS) $(WARNFLAGS) $(PROG_LDFLAGS) -o $@ $<

$(BUILD)/fuzz/%: fuzz/%.c $(LIB) $(STATIC_DEPS)
	@mkdir -p $(dir $@)
	$(QUIET_LINK)$(CC) $(ALL_CFLAGS) $(WARNFLAGS) -fsanitize=fuzzer -o $@ $< $(LIB) $(LIBS)
