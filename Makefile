# kbgen: build, test and benchmark.  See README.md.
.SUFFIXES:

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
MANDIR	?= $(PREFIX)/share/man
# The theme (templates/) and the runners (runners/) of an installed kbgen.
SHAREDIR ?= $(PREFIX)/share/kbgen
CC	= cc
PKGS	 = libcmark-gfm yaml-0.1 lmdb jansson libgit2 libical libcurl libarchive libcrypto libmicrohttpd
# Libraries kbgen opens at run time, when it needs them: their headers
# only (render/thumb.c opens libvips to draw a thumbnail; linked, its
# sixty libraries would double the start of a build with nothing to do).
DLPKGS	 = vips
CFLAGS	?= -O2 -g
# Where a binary finds the theme and the runners when the knowledge base
# has none of its own: the checkout for ./kbgen, SHAREDIR for the one
# "make install" builds in .obj-install.
KBGEN_SHARE ?= $(CURDIR)
WARN	 = -DKBGEN_TEMPLATES=\"$(KBGEN_SHARE)/templates\" \
	   -DKBGEN_RUNNERS=\"$(KBGEN_SHARE)/runners\" -std=c11 -Wall -Wextra -Wmissing-prototypes -Wformat=2
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) $(DLPKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcmark-gfm-extensions -lstemmer -lpthread
# mimalloc replaces malloc for the whole process (libcmark-gfm and libyaml
# allocate a node or token at a time): 12-15% less user CPU for a build
# of 10,000 use cases, the same site.
# Sanitizer and valgrind builds keep glibc's, which they instrument.
MALLOC_LIBS ?= -lmimalloc
BUILD	?= .obj
-include Makefile.local

# generator/ holds main.c and the command files; each pipeline stage is
# a folder below it (see README.md).  File names are unique across folders.
SRCS	 = $(wildcard generator/*.c generator/*/*.c)
HDRS	 = $(wildcard generator/*.h generator/*/*.h)
OBJS	 = $(patsubst %.c,$(BUILD)/%.o,$(notdir $(SRCS)))
vpath %.c $(sort $(dir $(SRCS)))
LIBOBJS	 = $(filter-out $(BUILD)/main.o,$(OBJS))
TSRCS	 = $(wildcard tests/unit/t_*.c)
TBINS	 = $(patsubst tests/unit/%.c,$(BUILD)/%,$(TSRCS))
KBGEN	 = $(BUILD)/kbgen
# libFuzzer targets (tests/fuzz/fuzz_NAME.c), built in .obj-fuzz.
FUZZ	 = frontmatter template markdown html readme indico json search codec notebook serve
FUZZBINS = $(patsubst %,$(BUILD)/fuzz_%,$(FUZZ))
FUZZCC	?= clang-14
FUZZTIME ?= 20

all: kbgen

kbgen: $(KBGEN)
	@cp $(KBGEN) kbgen.tmp && mv -f kbgen.tmp kbgen

$(KBGEN): $(OBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(OBJS) $(MALLOC_LIBS) $(PKG_LIBS)

$(BUILD)/%.o: %.c $(HDRS)
	@mkdir -p $(BUILD)
	$(CC) $(WARN) $(CFLAGS) $(PKG_CFLAGS) -Igenerator -c -o $@ $<

$(BUILD)/t_%: tests/unit/t_%.c tests/unit/harness.h $(LIBOBJS)
	$(CC) $(WARN) $(CFLAGS) $(PKG_CFLAGS) -Igenerator -o $@ $< $(LIBOBJS) $(PKG_LIBS)

# Test tools: putrun stores run records without a runner
# (tests/report.test.sh); putout keeps a run's outputs as kbgen check
# does (tests/outputs.test.sh, pages of executed notebooks); thumbtool
# drives render/thumb.c on image files (tests/thumb.test.sh);
# imagetool drives image.c on real tars and
# registries (tests/image.test.sh).
$(BUILD)/putrun: tests/unit/putrun.c $(LIBOBJS)
	$(CC) $(WARN) $(CFLAGS) $(PKG_CFLAGS) -Igenerator -o $@ $< $(LIBOBJS) $(PKG_LIBS)

$(BUILD)/putout: tests/unit/putout.c $(LIBOBJS)
	$(CC) $(WARN) $(CFLAGS) $(PKG_CFLAGS) -Igenerator -o $@ $< $(LIBOBJS) $(PKG_LIBS)

$(BUILD)/thumbtool: tests/unit/thumbtool.c $(LIBOBJS)
	$(CC) $(WARN) $(CFLAGS) $(PKG_CFLAGS) -Igenerator -o $@ $< $(LIBOBJS) $(PKG_LIBS)

$(BUILD)/imagetool: tests/image/imagetool.c $(LIBOBJS)
	$(CC) $(WARN) $(CFLAGS) $(PKG_CFLAGS) -Igenerator -o $@ $< $(LIBOBJS) $(PKG_LIBS)

# nbrender renders an executed notebook as a use-case page would;
# putnb stores a notebook and a manifest straight into the outputs store
# (tests/notebook.test.sh).
$(BUILD)/nbrender: tests/notebook/nbrender.c $(LIBOBJS)
	$(CC) $(WARN) $(CFLAGS) $(PKG_CFLAGS) -Igenerator -o $@ $< $(LIBOBJS) $(PKG_LIBS)

$(BUILD)/putnb: tests/notebook/putnb.c $(LIBOBJS)
	$(CC) $(WARN) $(CFLAGS) $(PKG_CFLAGS) -Igenerator -o $@ $< $(LIBOBJS) $(PKG_LIBS)

unit: $(TBINS) $(BUILD)/putrun $(BUILD)/putout $(BUILD)/imagetool $(BUILD)/thumbtool $(BUILD)/nbrender $(BUILD)/putnb

$(BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(LIBOBJS)
	$(CC) $(WARN) $(CFLAGS) $(PKG_CFLAGS) -Igenerator -fsanitize=fuzzer,address,undefined \
	    -o $@ $< $(LIBOBJS) $(PKG_LIBS)

fuzzbins: $(FUZZBINS)

# Fuzz every parser for FUZZTIME seconds each under ASan and UBSan
# (clang from Debian; glibc's malloc, which ASan replaces).  Crashing
# inputs land in tests/fuzz/crashes/NAME/; keep each, once fixed, in
# tests/fuzz/regress/NAME/.  fuzz-regress replays the seed corpus and
# those inputs once (tests/fuzz.test.sh runs it in "make test").
fuzz-build:
	$(MAKE) BUILD=.obj-fuzz CC=$(FUZZCC) MALLOC_LIBS= \
	    CFLAGS="-O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all" \
	    fuzzbins

fuzz: fuzz-build
	@sh tests/fuzz/run.sh .obj-fuzz fuzz $(FUZZTIME) $(FUZZ)

fuzz-regress: fuzz-build
	@sh tests/fuzz/run.sh .obj-fuzz regress 0 $(FUZZ)

# Install what a fresh Debian 12 machine lacks (needs root or sudo).
deps:
	@sh tests/deps.sh

# deps first, then the build (a parallel make must not compile before
# the libraries are there).
run: deps
	@$(MAKE) kbgen
	./kbgen build
	@echo "kbgen: site built; open file://$(CURDIR)/site/index.html"

# What the tests need, installed first (quick when nothing is missing).
test-deps:
	@sh tests/deps.sh
	@sh tests/deps-test.sh

test: test-deps
	@$(MAKE) kbgen unit
	@sh tests/run.sh $(BUILD)

check: test-deps
	$(MAKE) BUILD=.obj-asan CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer" \
	    LDFLAGS="-fsanitize=address,undefined" MALLOC_LIBS= .obj-asan/kbgen unit
	ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 sh tests/run.sh .obj-asan

valgrind:
	$(MAKE) BUILD=.obj-vg MALLOC_LIBS= .obj-vg/kbgen unit
	VALGRIND=1 sh tests/run.sh .obj-vg

# Lighthouse (mobile) on five pages of the shipped site: prints the
# performance, accessibility, best-practice and SEO scores and fails
# under 95 (MIN=N to change).  A few minutes; not part of "make test".
check-site: kbgen
	@sh tests/check-site.sh $(KBGEN)

bench: kbgen $(BUILD)/putnb
	@sh tests/bench.sh
	@sh tests/bench-sync.sh
	@sh tests/bench-check.sh
	@sh tests/bench-serve.sh
	@PUTNB=$(BUILD)/putnb sh tests/bench-notebooks.sh

# The installed binary is built apart, with SHAREDIR compiled in (the
# files that use it are rebuilt each time, as SHAREDIR may change).
install:
	rm -f .obj-install/build.o .obj-install/check.o .obj-install/new.o .obj-install/init.o
	$(MAKE) BUILD=.obj-install KBGEN_SHARE="$(SHAREDIR)" .obj-install/kbgen
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(SHAREDIR)/templates $(DESTDIR)$(SHAREDIR)/runners
	cp .obj-install/kbgen $(DESTDIR)$(BINDIR)/kbgen.tmp
	mv -f $(DESTDIR)$(BINDIR)/kbgen.tmp $(DESTDIR)$(BINDIR)/kbgen
	cp generator/kbgen.1 $(DESTDIR)$(MANDIR)/man1/
	cp generator/kbgen.5 $(DESTDIR)$(MANDIR)/man5/
	cp -R templates/. $(DESTDIR)$(SHAREDIR)/templates/
	cp -R runners/. $(DESTDIR)$(SHAREDIR)/runners/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/kbgen $(DESTDIR)$(MANDIR)/man1/kbgen.1 $(DESTDIR)$(MANDIR)/man5/kbgen.5
	rm -rf $(DESTDIR)$(SHAREDIR)

# Mutation testing: put each bug of tests/mutants/list into a scratch
# copy, build, run the suites it names (MUTANTS_FULL=1: then the whole
# suite) and print the score.  Long; not part of "make test".
mutants:
	@/usr/bin/python3 tests/mutants.py

# Rewrite the golden pages of tests/site.test.sh and tests/events.test.sh
# and the expected diagnostics of tests/regress/ (review the diff!).
regen: kbgen
	@sh tests/regen.sh

clean:
	rm -rf .obj .obj-asan .obj-install .obj-fuzz kbgen tests/out

.PHONY: all kbgen unit fuzzbins fuzz-build fuzz fuzz-regress deps test-deps run test check check-site valgrind bench install uninstall clean regen mutants
bench-search: kbgen
	@sh tests/bench-search.sh
