#!/bin/sh
test_description='git spec diff reports as breaking everything griffe check does'
. "$(dirname "$0")/test-lib.sh"

# A repository of two versions of Django's django.utils (Debian's
# python3-django) with API edits applied by tests/tools/django-api-edits.py;
# `griffe check` (Debian's python3-griffe, test time only) and `git spec
# diff --json` compare the same pair of commits. Where the two disagree on
# purpose is recorded in docs/adr/0007-api-diff.md.

DJANGO=/usr/lib/python3/dist-packages/django
GRIFFE=/usr/bin/griffe

test_expect_success 'setup: django.utils before and after the edits' '
	test -f "$DJANGO/utils/text.py" &&
	test -x "$GRIFFE" &&
	git init -q repo &&
	cd repo &&
	mkdir django &&
	cp "$DJANGO/__init__.py" django/ &&
	cp -R "$DJANGO/utils" django/ &&
	find . -name __pycache__ -prune -exec rm -rf {} + &&
	git add -A && git commit -q -m "django.utils as released" &&
	git tag v1 &&
	python3 "$TEST_SRC/tests/tools/django-api-edits.py" . &&
	git add -A && git commit -q -m "API edits" &&
	git tag v2
'

test_expect_success 'every breakage griffe reports is breaking in git spec diff' '
	cd repo &&
	git spec diff --all --json v1..v2 >../diff.json &&
	test_expect_code 1 "$GRIFFE" check -s . --against v1 django >../griffe.out 2>&1 &&
	python3 "$TEST_SRC/tests/tools/griffe-compare.py" ../griffe.out ../diff.json >../compare.out ||
		{ cat ../compare.out ../griffe.out; false; } &&
	cat ../compare.out &&
	# griffe must have found the edits, or the comparison proves nothing
	test "$(grep -c "^ok " ../compare.out)" -ge 10
'

test_expect_success 'the comparison notices a breakage git spec diff missed' '
	cd repo &&
	python3 -c "import json,sys; j=json.load(open(\"../diff.json\")); j[\"changes\"]=[c for c in j[\"changes\"] if not c[\"object\"].startswith(\"wrap(\")]; json.dump(j,open(\"../less.json\",\"w\"))" &&
	test_expect_code 1 python3 "$TEST_SRC/tests/tools/griffe-compare.py" ../griffe.out ../less.json >../compare.out &&
	grep "^MISSING django/utils/text.py: wrap(indent)" ../compare.out
'

test_expect_success 'what git spec diff reports beyond griffe' '
	cd repo &&
	git spec diff --all v1..v2 >out &&
	grep "normalize_newlines: Callable changed between def and async def" out &&
	grep "django.utils.baseconv: Public object was removed \[breaking\]" out
'

test_done
