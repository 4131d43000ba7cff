#!/bin/sh
test_description='fuzz seeds and regression inputs replay cleanly'
. "$(dirname "$0")/test-lib.sh"

# Each fuzz target is compiled with fuzz/replay.c (a main() instead of
# libFuzzer) using the flags of the build under test, so that the ASan/UBSan
# pass of the suite replays the inputs under the sanitizers too. A target
# aborts on any broken invariant (round trips, safe paths, sorted index).

build_target() {
	flags=$(cat "$GIT_SPEC_BUILD/FLAGS") &&
	(cd "$TEST_SRC" && eval "$flags" -o '"$TRASH/$1"' "fuzz/$1.c" fuzz/replay.c \
		'"$GIT_SPEC_BUILD/libgitspec.a"' \
		$(pkg-config --libs libgit2 yaml-0.1 tree-sitter libcrypto) -lpthread)
}

for src in "$TEST_SRC"/fuzz/fuzz_*.c; do
	t=$(basename "$src" .c)
	# The structural merge's parser arrives with include/gitspec/merge.h.
	if [ "$t" = fuzz_contract ] && [ ! -f "$TEST_SRC/include/gitspec/merge.h" ]; then
		echo "# skipping $t: include/gitspec/merge.h has not landed"
		continue
	fi
	test_expect_success "$t: seeds and regressions" '
		build_target '"$t"' &&
		set -- "$TEST_SRC/fuzz/seeds/'"$t"'" &&
		if [ -d "$TEST_SRC/tests/fuzz-regressions/'"$t"'" ]; then
			set -- "$@" "$TEST_SRC/tests/fuzz-regressions/'"$t"'"
		fi &&
		./'"$t"' "$@" >out 2>err || { cat out err; false; } &&
		grep "replayed [1-9]" out
	'
done

test_expect_success 'a broken invariant fails the replay' '
	cat >bad.c <<-\EOS &&
	#include <stdint.h>
	#include <stdlib.h>
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
	{
		if (size && data[0] == 0x21)
			abort();
		return 0;
	}
	EOS
	cc -o bad bad.c "$TEST_SRC/fuzz/replay.c" &&
	printf "ok" >fine && printf "!" >boom &&
	./bad fine &&
	if ./bad fine boom 2>/dev/null; then false; else test $? -gt 128; fi
'

test_done
