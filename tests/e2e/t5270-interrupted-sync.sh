#!/bin/sh
test_description='interrupted sync --staged: no file git status shows, no scratch pile-up, index and contracts old or new'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRC/tests/e2e/lib-porcelain.sh"
. "$TEST_SRC/tests/e2e/lib-hardening.sh"

# GS_INTERRUPT_RUNS runs (default 100), each sent SIGTERM, SIGHUP, SIGINT or
# (one run in five) SIGKILL after a random delay of 30% to 110% of the time
# one run takes, when the contracts are being written.
runs=${GS_INTERRUPT_RUNS:-100}
C=specify/tech/SPEC-001/contracts

# gen_pkg DIR EXTRA: 60 modules of 120 documented functions each (contracts
# of about 1 MB), plus EXTRA in every module.
gen_pkg() {
	python3 - "$1" "$2" <<'PY'
import sys
d, extra = sys.argv[1], sys.argv[2]
for m in range(60):
    with open(f"{d}/m{m:02d}.py", "w") as f:
        f.write(f'"""Module {m}."""\n')
        for i in range(120):
            f.write(f'def f{i}(a: int, b: str = "x{i}", *args, key: float = {i}.5, **kw) -> dict[str, int]:\n'
                    f'    """Function {i} of module {m}, documented at some length so that the\n'
                    f'    contract is big: {"words " * 12}.\n    """\n    return {{}}\n\n')
        f.write(extra)
PY
}

test_expect_success 'setup: a package with big contracts, new sources staged' '
	pkg_repo repo pkg &&
	cd repo &&
	gen_pkg pkg "" &&
	git add -A && git commit -q -m "big package" &&
	git spec sync -q && git add -A && git commit -q -m "contracts" &&
	git spec check &&
	du -k $C/*.md &&
	gen_pkg pkg "def added(x): pass
" &&
	git add pkg &&
	cp .git/index "$TRASH/index.old" &&
	git ls-files -s $C >"$TRASH/old.ids" &&
	git spec sync --staged -q &&
	git ls-files -s $C >"$TRASH/new.ids" &&
	cp "$TRASH/index.old" .git/index && git checkout -q HEAD -- $C &&
	start=$(date +%s%N) &&
	git-spec sync --staged -q &&
	echo $(( ($(date +%s%N) - start) / 1000000 )) >"$TRASH/run.ms" &&
	echo "# one run (models cached): $(cat "$TRASH/run.ms") ms" &&
	! cmp -s "$TRASH/old.ids" "$TRASH/new.ids" &&
	for f in $C/*.md; do git hash-object $f; git rev-parse HEAD:$f; done | sort -u >"$TRASH/blobs.ok" &&
	! git status --porcelain | grep "^??"
'

# reset_old: the index and the work-tree contracts as they were before sync.
reset_old() {
	cp "$TRASH/index.old" .git/index &&
	git checkout -q HEAD -- $C
}

# check_old_or_new: the index reads, each staged contract is the old or the
# new one, each work-tree contract is a complete old or new file, and
# `git status` shows no untracked file.
check_old_or_new() {
	git ls-files -s $C >"$TRASH/ids" || { echo "index unreadable" >&2; return 1; }
	while read -r mode id stage path; do
		grep -q " $id " "$TRASH/old.ids" || grep -q " $id " "$TRASH/new.ids" || {
			echo "torn index entry: $path $id" >&2; return 1; }
	done <"$TRASH/ids"
	for f in $C/*.md; do
		grep -qx "$(git hash-object $f)" "$TRASH/blobs.ok" || { echo "torn contract: $f" >&2; return 1; }
	done
	if git status --porcelain | grep "^??" >&2; then
		echo "stray files after an interrupted run" >&2
		return 1
	fi
	return 0
}

test_expect_success "interrupt sync --staged $runs times" '
	cd repo &&
	i=0 interrupted=0 &&
	while [ $i -lt $runs ]; do
		reset_old || return 1
		sig=$(python3 -c "import random; print(random.choice([\"TERM\",\"HUP\",\"INT\",\"TERM\",\"KILL\"]))") &&
		delay=$(python3 -c "import random; print(round(random.uniform(0.3, 1.1) * $(cat "$TRASH/run.ms") / 1000, 3))") &&
		{ git-spec sync --staged -q 2>/dev/null & pid=$!; } &&
		sleep $delay &&
		kill -$sig $pid 2>/dev/null
		wait $pid
		test $? -gt 128 && interrupted=$((interrupted + 1))
		test -f .git/index.lock && rm -f .git/index.lock && echo "# index.lock left by SIG$sig (kill -9 leaves it, as for git)"
		check_old_or_new || { echo "after SIG$sig at ${delay}s" >&2; return 1; }
		i=$((i + 1))
	done &&
	echo "# $interrupted of $runs runs interrupted by a signal" &&
	test "$interrupted" -gt 0
'

test_expect_success 'the next run removes what kill -9 left in the git directory' '
	cd repo &&
	dead=$(sh -c "echo \$\$") &&
	echo stale >.git/gitspec-index-$dead.tmp &&
	echo stale >.git/gitspec-index-$dead.tmp.lock &&
	echo stale >.git/gitspec-tmp-$dead-7 &&
	reset_old &&
	git spec sync --staged -q &&
	git ls-files -s $C >"$TRASH/ids" && test_cmp "$TRASH/new.ids" "$TRASH/ids" &&
	ls -a .git >"$TRASH/files" &&
	! grep "^gitspec-" "$TRASH/files" &&
	! git status --porcelain --ignored | grep "^[?!]"
'

test_done
