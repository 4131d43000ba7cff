/*
 * git's command-line configuration (src/lib/config_params.c): the
 * GIT_CONFIG_PARAMETERS parser against the forms git writes and reads,
 * GIT_CONFIG_COUNT, and the backend that puts them above every level.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include "helpers.h"
#include "gitspec/config.h"
#include "gitspec/repo.h"

static int setup(void **state)
{
	(void)state;
	unsetenv("GIT_CONFIG_PARAMETERS");
	unsetenv("GIT_CONFIG_COUNT");
	return th_repo_setup("config-params");
}

static int teardown(void **state)
{
	(void)state;
	unsetenv("GIT_CONFIG_PARAMETERS");
	unsetenv("GIT_CONFIG_COUNT");
	return th_repo_teardown();
}

/* Parse `text`; the items as "key=value" ("key" alone for no value), joined by '|'. */
static int parse(gs_buf *out, const char *text)
{
	gs_config_params p = GS_CONFIG_PARAMS_INIT;
	size_t i;
	int error = gs_config_params_parse(&p, text);

	gs_buf_clear(out);
	for (i = 0; i < p.nr; i++) {
		gs_buf_puts(out, i ? "|" : "");
		gs_buf_puts(out, p.v[i].key);
		if (p.v[i].value)
			gs_buf_printf(out, "=%s", p.v[i].value);
	}
	gs_config_params_clear(&p);
	return error;
}

static void test_new_style(void **state)
{
	gs_buf out = GS_BUF_INIT;

	(void)state;
	/* what git 2.31+ writes for -c: 'key'='value', separated by spaces */
	assert_int_equal(parse(&out, "'spec.roots'='src' 'spec.requireSpecs'='true'"), 0);
	assert_string_equal(out.ptr, "spec.roots=src|spec.requirespecs=true");
	/* the section and the variable are lower-cased, the subsection kept */
	assert_int_equal(parse(&out, "'Spec.Sub.Key'='x'"), 0);
	assert_string_equal(out.ptr, "spec.Sub.key=x");
	/* sq_quote's escapes: ' and ! outside the quotes */
	assert_int_equal(parse(&out, "'spec.a'='it'\\''s'\\!'' 'spec.b'='a b'"), 0);
	assert_string_equal(out.ptr, "spec.a=it's!|spec.b=a b");
	/* 'key'= is a key without a value (git -c key): boolean true */
	assert_int_equal(parse(&out, "'spec.requireSpecs'= 'spec.c'=''"), 0);
	assert_string_equal(out.ptr, "spec.requirespecs|spec.c=");
	/* blanks between and after items, not before the first (git says bogus) */
	assert_int_equal(parse(&out, "'spec.a'='1'   'spec.b'='2'  "), 0);
	assert_string_equal(out.ptr, "spec.a=1|spec.b=2");
	assert_int_equal(parse(&out, " 'spec.a'='1'"), GS_ERROR);
	assert_int_equal(parse(&out, ""), 0);
	assert_string_equal(out.ptr, "");
	gs_buf_release(&out);
}

static void test_old_style(void **state)
{
	gs_buf out = GS_BUF_INIT;

	(void)state;
	/* what git before 2.31 wrote: 'key=value', split at the first '=' */
	assert_int_equal(parse(&out, "'spec.roots=src' 'spec.x=a=b'"), 0);
	assert_string_equal(out.ptr, "spec.roots=src|spec.x=a=b");
	assert_int_equal(parse(&out, "'spec.flag'"), 0);
	assert_string_equal(out.ptr, "spec.flag");
	assert_int_equal(parse(&out, "'spec.empty='"), 0);
	assert_string_equal(out.ptr, "spec.empty=");
	/* the key is trimmed (strbuf_trim), the value not */
	assert_int_equal(parse(&out, "' spec.k =  v '"), 0);
	assert_string_equal(out.ptr, "spec.k=  v ");
	gs_buf_release(&out);
}

static void test_bogus(void **state)
{
	static const char *const bogus[] = {
		"spec.a=x",          /* not quoted */
		"'spec.a'=x",        /* value not quoted */
		"'spec.a'='x'y",     /* text after the value */
		"'spec.a'x",         /* neither '=' nor a blank after the key */
		"'spec.a'='x",       /* unterminated */
		"'spec.a",
	};
	gs_buf out = GS_BUF_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < GS_ARRAY_SIZE(bogus); i++) {
		assert_int_equal(parse(&out, bogus[i]), GS_ERROR);
		assert_string_equal(gs_error_last(), "bogus format in GIT_CONFIG_PARAMETERS");
	}
	assert_int_equal(parse(&out, "'nodot'='x'"), GS_ERROR);
	assert_string_equal(gs_error_last(), "key does not contain a section: nodot");
	assert_int_equal(parse(&out, "'.x'='1'"), GS_ERROR);
	assert_string_equal(gs_error_last(), "key does not contain a section: .x");
	assert_int_equal(parse(&out, "'spec.'='x'"), GS_ERROR);
	assert_string_equal(gs_error_last(), "key does not contain variable name: spec.");
	assert_int_equal(parse(&out, "'spec.1x'='x'"), GS_ERROR);
	assert_string_equal(gs_error_last(), "invalid key: spec.1x");
	assert_int_equal(parse(&out, "'sp_ec.x'='x'"), GS_ERROR);
	assert_string_equal(gs_error_last(), "invalid key: sp_ec.x");
	assert_int_equal(parse(&out, "''='x'"), GS_ERROR);
	assert_string_equal(gs_error_last(), "empty config key");
	assert_int_equal(parse(&out, "'  =x'"), GS_ERROR);
	assert_string_equal(gs_error_last(), "bogus config parameter:   =x");
	/* a subsection may hold anything but a line break */
	assert_int_equal(parse(&out, "'a.b c_d.e'='1'"), 0);
	assert_string_equal(out.ptr, "a.b c_d.e=1");
	assert_int_equal(parse(&out, "'a.b\nc.e'='1'"), GS_ERROR);
	gs_buf_release(&out);
}

static void test_from_env(void **state)
{
	gs_config_params p = GS_CONFIG_PARAMS_INIT;

	(void)state;
	setenv("GIT_CONFIG_COUNT", "2", 1);
	setenv("GIT_CONFIG_KEY_0", "spec.roots", 1);
	setenv("GIT_CONFIG_VALUE_0", "from env", 1);
	setenv("GIT_CONFIG_KEY_1", "Spec.RequireSpecs", 1);
	setenv("GIT_CONFIG_VALUE_1", "", 1);
	setenv("GIT_CONFIG_PARAMETERS", "'spec.roots'='from -c'", 1);
	assert_int_equal(gs_config_params_from_env(&p), 0);
	/* GIT_CONFIG_COUNT first, so that git -c wins */
	assert_int_equal(p.nr, 3);
	assert_string_equal(p.v[0].key, "spec.roots");
	assert_string_equal(p.v[0].value, "from env");
	assert_string_equal(p.v[1].key, "spec.requirespecs");
	assert_string_equal(p.v[1].value, "");
	assert_string_equal(p.v[2].value, "from -c");
	gs_config_params_clear(&p);

	unsetenv("GIT_CONFIG_VALUE_1");
	assert_int_equal(gs_config_params_from_env(&p), GS_ERROR);
	assert_string_equal(gs_error_last(), "missing config value GIT_CONFIG_VALUE_1");
	gs_config_params_clear(&p);
	unsetenv("GIT_CONFIG_KEY_1");
	assert_int_equal(gs_config_params_from_env(&p), GS_ERROR);
	assert_string_equal(gs_error_last(), "missing config key GIT_CONFIG_KEY_1");
	gs_config_params_clear(&p);
	setenv("GIT_CONFIG_COUNT", "1x", 1);
	assert_int_equal(gs_config_params_from_env(&p), GS_ERROR);
	assert_string_equal(gs_error_last(), "bogus count in GIT_CONFIG_COUNT");
	gs_config_params_clear(&p);
	setenv("GIT_CONFIG_COUNT", "99999999999", 1);
	assert_int_equal(gs_config_params_from_env(&p), GS_ERROR);
	assert_string_equal(gs_error_last(), "too many entries in GIT_CONFIG_COUNT");
	gs_config_params_clear(&p);
	/* an empty count is no entries, as for git */
	setenv("GIT_CONFIG_COUNT", "", 1);
	unsetenv("GIT_CONFIG_PARAMETERS");
	assert_int_equal(gs_config_params_from_env(&p), 0);
	assert_int_equal(p.nr, 0);
	gs_config_params_clear(&p);
}

/* What git itself puts in GIT_CONFIG_PARAMETERS for -c, read back the same. */
static void test_round_trip_with_git(void **state)
{
	gs_buf env = GS_BUF_INIT, out = GS_BUF_INIT;

	(void)state;
	th_write_file("../show-params", "#!/bin/sh\nprintf '%s\\n' \"$GIT_CONFIG_PARAMETERS\"\n");
	th_run("chmod +x ../show-params");
	th_capture_line(&env, "git -c alias.sp='!../show-params' -c \"spec.a=it's a b!\" "
			"-c spec.Flag -c Spec.Sub.K= sp");
	assert_true(env.size > 0);
	assert_int_equal(parse(&out, env.ptr), 0);
	assert_string_equal(out.ptr, "alias.sp=!../show-params|spec.a=it's a b!|spec.flag|spec.Sub.k=");
	gs_buf_release(&env);
	gs_buf_release(&out);
}

/* Above every level: get, multivar order, booleans without value, writes go to the file. */
static void test_backend(void **state)
{
	git_repository *repo = NULL;
	git_config *cfg = NULL, *live = NULL;
	git_config_iterator *it = NULL;
	git_config_entry *e = NULL;
	const char *s;
	gs_buf all = GS_BUF_INIT, line = GS_BUF_INIT;
	int b;

	(void)state;
	th_run("git config spec.specsDir from/file && git config spec.roots a && "
	       "git config --add spec.roots b && git config core.quotePath true");
	setenv("GIT_CONFIG_COUNT", "1", 1);
	setenv("GIT_CONFIG_KEY_0", "spec.specsDir", 1);
	setenv("GIT_CONFIG_VALUE_0", "from/env", 1);
	setenv("GIT_CONFIG_PARAMETERS", "'spec.roots'='c' 'core.quotepath'='false' 'spec.requireSpecs'=", 1);
	assert_int_equal(gs_repo_open(&repo), 0);
	assert_int_equal(git_repository_config_snapshot(&cfg, repo), 0);
	assert_int_equal(git_config_get_string(&s, cfg, "spec.specsdir"), 0);
	assert_string_equal(s, "from/env");
	assert_int_equal(git_config_get_bool(&b, cfg, "core.quotePath"), 0);
	assert_int_equal(b, 0);
	assert_int_equal(git_config_get_entry(&e, cfg, "spec.requireSpecs"), 0);
	assert_null(e->value);
	assert_int_equal(e->level, GIT_CONFIG_LEVEL_APP);
	git_config_entry_free(e);
	/* a list: the file's values, then the command line's (lowest level first, as git) */
	assert_int_equal(git_config_multivar_iterator_new(&it, cfg, "spec.roots", NULL), 0);
	while (git_config_next(&e, it) == 0)
		gs_buf_printf(&all, "%s;", e->value);
	git_config_iterator_free(it);
	assert_string_equal(all.ptr, "a;b;c;");
	git_config_free(cfg);

	/* writing still goes to the repository's file */
	assert_int_equal(git_repository_config(&live, repo), 0);
	assert_int_equal(git_config_set_string(live, "spec.breakingChanges", "refuse"), 0);
	git_config_free(live);
	th_capture_line(&line, "git config --local spec.breakingChanges");
	assert_string_equal(line.ptr, "refuse");
	git_repository_free(repo);

	/* a bogus value stops the command, as git dies on it */
	setenv("GIT_CONFIG_PARAMETERS", "spec.roots=c", 1);
	repo = NULL;
	assert_int_equal(gs_repo_open(&repo), GS_ERROR);
	assert_string_equal(gs_error_last(),
			    "bogus format in GIT_CONFIG_PARAMETERS; unable to parse command-line config");
	assert_null(repo);
	unsetenv("GIT_CONFIG_PARAMETERS");
	unsetenv("GIT_CONFIG_COUNT");
	gs_buf_release(&all);
	gs_buf_release(&line);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_style),
		cmocka_unit_test(test_old_style),
		cmocka_unit_test(test_bogus),
		cmocka_unit_test(test_from_env),
		cmocka_unit_test(test_round_trip_with_git),
		cmocka_unit_test(test_backend),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
