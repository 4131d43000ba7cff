# The sensitivity suite (tests/tools/sensitivity.py) on one real corpus.
# Sourced after test-lib.sh by t52*-sensitivity-*.sh, which set CORPUS to
# a Debian package's Python package name (django, sympy).
#
# The corpus is read from the installed python3-$CORPUS
# (scripts/install-deps.sh installs it) or, when missing, fetched with
# apt-get download into bench/out/ (never committed). Contract format 2
# (DESIGN 2) is what the suite judges: against an engine that writes an
# older format it skips, saying so.

# test_skip TITLE REASON: counted as passed by the runner, says why.
test_skip() {
	test_count=$((test_count + 1))
	test_passed=$((test_passed + 1))
	echo "ok $test_count - $1 # skip: $2"
}

# corpus_dir NAME: a directory holding the Python package NAME.
corpus_dir() {
	if [ -f "/usr/lib/python3/dist-packages/$1/__init__.py" ]; then
		echo "/usr/lib/python3/dist-packages/$1"
		return 0
	fi
	cache="$TEST_SRC/bench/out"
	mkdir -p "$cache" || return 1
	deb=$(ls "$cache"/python3-"$1"_*.deb 2>/dev/null | head -n 1)
	if [ -z "$deb" ]; then
		(cd "$cache" && apt-get download "python3-$1" >/dev/null 2>&1) || return 1
		deb=$(ls "$cache"/python3-"$1"_*.deb | head -n 1)
	fi
	dpkg-deb -x "$deb" "$TRASH/deb-$1" || return 1
	echo "$TRASH/deb-$1/usr/lib/python3/dist-packages/$1"
}

# A python3 that can import griffe (Debian's python3-griffe lives in the
# system interpreter's dist-packages).
griffe_python() {
	for py in python3 /usr/bin/python3; do
		"$py" -c "import griffe" >/dev/null 2>&1 && { echo "$py"; return 0; }
	done
	return 1
}

run_sensitivity() {
	format=$("$TEST_SRC/tests/tools/engine-format.sh" "$GIT_SPEC_BUILD") || format=0
	if [ "$format" -lt 2 ] && [ -z "${GIT_SPEC_SENS_FORCE:-}" ]; then
		for t in "API changes change the contracts ($CORPUS)" \
			"non-API edits change no contract ($CORPUS)" \
			"every breakage griffe reports changed a contract ($CORPUS)"; do
			test_skip "$t" "engine is contract format $format, the suite judges format 2"
		done
		return 0
	fi

	test_expect_success "set up: $CORPUS, griffe" '
		dir=$(corpus_dir "$CORPUS") && test -d "$dir" && echo "$dir" >corpus &&
		griffe_python >python
	'
	test_expect_success "the suite runs ($CORPUS, ${SENS_PER_KIND:-20} edits per kind)" '
		"$(cat python)" "$TEST_SRC/tests/tools/sensitivity.py" \
			--git-spec "$GIT_SPEC_BUILD/bin/git-spec" --work "$TRASH/work" \
			--per-kind "${SENS_PER_KIND:-20}" --seed "${SENS_SEED:-1}" --griffe \
			--json report.json "$CORPUS=$(cat corpus)" >out 2>&1 ||
		true
		cat out && test -s report.json
	'
	test_expect_success "API changes change the contracts ($CORPUS)" '
		"$(cat python)" - <<-\PY
		import json, sys
		bad = [r for r in json.load(open("report.json")) if r["api"]
		       and (r["total"] == 0 or r["hits"] != r["total"] or r["errors"])]
		for r in bad:
		    print("%s: seen %d/%d" % (r["kind"], r["hits"], r["total"]), *r["misses"][:5],
		          *r["errors"], sep="\n  ")
		sys.exit(1 if bad else 0)
		PY
	'
	test_expect_success "non-API edits change no contract ($CORPUS)" '
		"$(cat python)" - <<-\PY
		import json, sys
		bad = [r for r in json.load(open("report.json")) if not r["api"]
		       and (r["total"] == 0 or r["hits"] or r["errors"])]
		for r in bad:
		    print("%s: flagged %d/%d" % (r["kind"], r["hits"], r["total"]), *r["misses"][:5],
		          *r["errors"], sep="\n  ")
		sys.exit(1 if bad else 0)
		PY
	'
	test_expect_success "every breakage griffe reports changed a contract ($CORPUS)" '
		"$(cat python)" - <<-\PY
		import json, sys
		rep = json.load(open("report.json"))
		bad = [m for r in rep for m in r["griffe_disagree"]]
		print("griffe judged %d pairs, reported breakages on %d"
		      % (sum(r["griffe_total"] for r in rep), sum(r["griffe"] for r in rep)))
		print(*bad, sep="\n")
		sys.exit(1 if bad or not sum(r["griffe"] for r in rep) else 0)
		PY
	'
}
