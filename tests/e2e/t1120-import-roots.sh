#!/bin/sh
test_description='import roots without configuration: pyproject.toml, ** roots, PEP 420 namespaces, module mismatch'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_SRC/tests/e2e/lib-porcelain.sh"

# A src layout whose only configuration is its pyproject.toml: acme is a
# PEP 420 namespace (no __init__.py), cli and pricing regular packages.
test_expect_success 'setup: a src layout with zero configuration' '
	test_create_repo srclayout && exclude_scratch srclayout &&
	(
		cd srclayout &&
		write_file pyproject.toml <<-\EOF &&
		[project]
		name = "acme"
		[tool.setuptools.packages.find]
		where = ["src"]
		EOF
		write_file src/acme/cli/__init__.py <<-\PY &&
		def main(argv=None):
		    return 0
		PY
		write_file src/acme/pricing/__init__.py <<-\PY &&
		RATE = 1
		PY
		write_file tests/test_cli.py </dev/null &&
		git add -A && git commit -q -m "src layout"
	)
'

test_expect_success 'src layout: module names come from pyproject.toml' '
	cd srclayout &&
	git spec packages >out &&
	cat >expect <<-\EOF &&
	src/acme/cli      acme.cli      -
	src/acme/pricing  acme.pricing  -
	EOF
	test_cmp expect out
'

test_expect_success 'src layout: init leaves roots unset and says where they come from' '
	cd srclayout &&
	git spec init >out &&
	test_grep "^import roots from pyproject.toml: src (pyproject.toml)$" out &&
	! grep "^roots:" .gitspec.yaml &&
	git add .gitspec.yaml .gitattributes && git commit -q -m "git-spec" &&
	git spec packages >out &&
	test_grep "^src/acme/cli  *acme.cli  *-$" out
'

test_expect_success 'src layout: create, contracts and the hook use the module name' '
	cd srclayout &&
	git spec create -q src/acme/cli &&
	test_grep "^  module: acme.cli$" specify/tech/SPEC-001/SPEC-001.md &&
	test_grep "acme.cli" specify/tech/SPEC-001/contracts/public.md &&
	git add -A && git commit -q -m "spec for cli" &&
	git spec check &&
	write_file src/acme/cli/__init__.py <<-\PY &&
	def main(argv=None):
	    return 0
	def version():
	    return "1"
	PY
	git add -A &&
	test_expect_code 1 git commit -q -m "version" 2>err &&
	test_grep "stale contract" err &&
	git spec sync --staged -q &&
	git commit -q -m "version" &&
	git spec check
'

test_expect_success 'src layout: a src/ beside pyproject.toml is a root without any key' '
	test_create_repo flat && exclude_scratch flat &&
	cd flat &&
	write_file pyproject.toml <<-\EOF &&
	[project]
	name = "thing"
	[tool.flit.module]
	name = "thing"
	EOF
	write_file src/ns/thing/__init__.py </dev/null &&
	git add -A && git commit -q -m flit &&
	git spec packages >out &&
	test_grep "^src/ns/thing  ns.thing  -$" out
'

# An OpenTelemetry-style monorepo: one pyproject.toml per project, each with
# its own src root, opentelemetry and opentelemetry.instrumentation PEP 420
# namespaces; instrumentor.py sits directly in a namespace directory.
test_expect_success 'setup: an OpenTelemetry-style monorepo' '
	test_create_repo otel && exclude_scratch otel &&
	(
		cd otel &&
		write_file instrumentation/opentelemetry-instrumentation-flask/pyproject.toml <<-\EOF &&
		[build-system]
		requires = ["hatchling"]
		build-backend = "hatchling.build"
		[project]
		name = "opentelemetry-instrumentation-flask"
		[tool.hatch.build.targets.wheel]
		packages = ["src/opentelemetry"]
		EOF
		write_file instrumentation/opentelemetry-instrumentation-flask/src/opentelemetry/instrumentation/flask/__init__.py <<-\PY &&
		class FlaskInstrumentor:
		    pass
		PY
		write_file instrumentation/opentelemetry-instrumentation-flask/src/opentelemetry/instrumentation/flask/version.py <<-\PY &&
		__version__ = "0.1"
		PY
		write_file instrumentation/opentelemetry-instrumentation-aio-pika/pyproject.toml <<-\EOF &&
		[project]
		name = "opentelemetry-instrumentation-aio-pika"
		[tool.setuptools.packages.find]
		where = ["src"]
		include = ["opentelemetry*"]
		EOF
		write_file instrumentation/opentelemetry-instrumentation-aio-pika/src/opentelemetry/instrumentation/aio_pika/__init__.py <<-\PY &&
		def instrument():
		    pass
		PY
		write_file instrumentation/opentelemetry-instrumentation-aio-pika/tests/test_pika.py </dev/null &&
		write_file opentelemetry-instrumentation/pyproject.toml <<-\EOF &&
		[tool.poetry]
		name = "opentelemetry-instrumentation"
		packages = [{ include = "opentelemetry", from = "src" }]
		EOF
		write_file opentelemetry-instrumentation/src/opentelemetry/instrumentation/instrumentor.py <<-\PY &&
		class BaseInstrumentor:
		    def instrument(self):
		        pass
		PY
		write_file opentelemetry-instrumentation/src/opentelemetry/instrumentation/auto_instrumentation/__init__.py <<-\PY &&
		def initialize():
		    pass
		PY
		git add -A && git commit -q -m monorepo
	)
'

OTEL_PACKAGES='instrumentation/opentelemetry-instrumentation-aio-pika/src/opentelemetry/instrumentation/aio_pika opentelemetry.instrumentation.aio_pika
instrumentation/opentelemetry-instrumentation-flask/src/opentelemetry/instrumentation/flask opentelemetry.instrumentation.flask
opentelemetry-instrumentation/src/opentelemetry/instrumentation opentelemetry.instrumentation
opentelemetry-instrumentation/src/opentelemetry/instrumentation/auto_instrumentation opentelemetry.instrumentation.auto_instrumentation'

test_expect_success 'monorepo: packages and the namespace module, with their full module names' '
	cd otel &&
	git spec packages --json >out.json &&
	json_get out.json "\"\\n\".join(p[\"path\"] + \" \" + p[\"module\"] for p in j)" >actual &&
	echo "$OTEL_PACKAGES" >expect &&
	test_cmp expect actual &&
	json_get out.json "[p[\"namespace\"] for p in j]" >actual &&
	echo "[false, false, true, false]" >expect &&
	test_cmp expect actual
'

test_expect_success 'monorepo: a spec covers the modules of a namespace directory' '
	cd otel &&
	git spec install -q &&
	git spec create -q opentelemetry-instrumentation/src/opentelemetry/instrumentation &&
	c=specify/tech/SPEC-001/contracts/public.md &&
	test_grep "opentelemetry.instrumentation" $c &&
	test_grep "instrumentor.py" $c &&
	test_grep "BaseInstrumentor" $c &&
	! grep "initialize" $c &&
	git spec packages >out &&
	test_grep "^opentelemetry-instrumentation/src/opentelemetry/instrumentation  *opentelemetry.instrumentation  *SPEC-001$" out &&
	git add -A && git commit -q -m "spec the namespace module" &&
	git spec check
'

test_expect_success 'monorepo: the hook judges a namespace module like a package' '
	cd otel &&
	cat >>opentelemetry-instrumentation/src/opentelemetry/instrumentation/instrumentor.py <<-\PY &&
	def uninstrument_all():
	    pass
	PY
	git add -A &&
	test_expect_code 1 git commit -q -m "more api" 2>err &&
	test_grep "SPEC-001, package .opentelemetry-instrumentation/src/opentelemetry/instrumentation." err &&
	git spec sync --staged -q &&
	git commit -q -m "more api" &&
	test_grep "uninstrument_all" specify/tech/SPEC-001/contracts/public.md
'

test_expect_success 'monorepo: create on a leaf writes the full module name' '
	cd otel &&
	git spec create -q instrumentation/opentelemetry-instrumentation-flask/src/opentelemetry/instrumentation/flask &&
	test_grep "^  module: opentelemetry.instrumentation.flask$" specify/tech/SPEC-002/SPEC-002.md &&
	git add -A && git commit -q -m flask && git spec check
'

test_expect_success '** roots: **/src names every project alike' '
	cp -R otel globs && cd globs &&
	find . -name pyproject.toml -exec rm {} + &&
	git add -A && git commit -q --no-verify -m "no pyproject.toml" &&
	git spec packages >out &&
	test_grep "^instrumentation/opentelemetry-instrumentation-flask/src/opentelemetry/instrumentation/flask  *flask " out &&
	git config spec.roots "**/src" &&
	git spec packages >out &&
	awk "{print \$1, \$2}" out >actual &&
	echo "$OTEL_PACKAGES" >expect &&
	test_cmp expect actual &&
	git config --unset-all spec.roots &&
	git config --add spec.roots "instrumentation/*/src" && git config --add spec.roots "*/src" &&
	git spec packages >out &&
	awk "{print \$1, \$2}" out >actual &&
	test_cmp expect actual
'

test_expect_success '** roots in .gitspec.yaml' '
	cd srclayout &&
	cat >.gitspec.yaml <<-\EOF &&
	roots: ["**/src"]
	EOF
	git spec packages >out &&
	test_grep "^src/acme/cli  *acme.cli " out &&
	git checkout .gitspec.yaml
'

test_expect_success 'mismatch: new roots leave a written module behind: validate and check say so' '
	cd srclayout &&
	git config spec.roots src/acme &&
	test_expect_code 1 git spec validate 2>err &&
	test_grep "specify/tech/SPEC-001/SPEC-001.md: sources\[0\].module: .acme.cli. is not the module of .src/acme/cli., which the import roots name .cli.; write .module: cli. in the spec (or remove the line) and run .git spec sync SPEC-001." err &&
	test_expect_code 1 git spec check 2>err &&
	test_grep "sources\[0\].module: .acme.cli. is not the module of .src/acme/cli." err &&
	git config --unset spec.roots &&
	git spec validate
'

test_expect_success 'mismatch: a pyproject.toml change that moves the roots is refused by the hook' '
	cd srclayout &&
	git spec install -q &&
	cat >>pyproject.toml <<-\EOF &&
	[tool.setuptools.package-dir]
	"" = "src/acme"
	EOF
	git add pyproject.toml &&
	test_expect_code 1 git commit -q -m "move the roots" 2>err &&
	test_grep "module: .acme.cli. is not the module of .src/acme/cli., which the import roots name .cli." err &&
	git checkout HEAD -- pyproject.toml
'

test_expect_success 'malformed pyproject.toml: an error naming the file and line, no crash' '
	cd srclayout &&
	printf "[project]\nname = = 1\n" >sub.toml &&
	mkdir -p lib && mv sub.toml lib/pyproject.toml &&
	test_expect_code 3 git spec packages 2>err &&
	test_grep "^error: lib/pyproject.toml:2:[0-9]*: not valid TOML" err &&
	test_grep "set .roots. in .gitspec.yaml" err &&
	git config spec.roots src &&
	git spec packages >out &&
	git config --unset spec.roots &&
	test_grep "acme.cli" out &&
	rm -r lib
'

test_done
