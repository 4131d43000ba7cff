/*
 * `git spec install` / `uninstall`: hook shims, merge driver configuration
 * and the .gitattributes block. Everything git-spec adds carries a marker,
 * so uninstall can remove exactly that and nothing else.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include <git2.h>
#include "gitspec/install.h"
#include "gitspec/fsutil.h"
#include "gitspec/config.h"
#include "gitspec/source.h"
#include "gitspec/spec.h"
#include "gitspec/workspace.h"

const char *const gs_install_hooks[] = { "pre-commit", "pre-merge-commit", "pre-push",
					  "post-commit", "post-rewrite", NULL };

/*
 * The shim, with @HOOK@ standing for the hook's name. The files in hooks/
 * of the source tree are this text expanded (a unit test keeps them equal).
 */
static const char shim_template[] =
	"#!/bin/sh\n"
	"# git-spec hook shim: @HOOK@\n"
	"# Written by `git spec install`; `git spec uninstall` removes it. A hook that\n"
	"# was here before is kept as @HOOK@.local and runs first.\n"
	"hook=@HOOK@\n"
	"local_hook=\"$(dirname \"$0\")/$hook.local\"\n"
	"case $hook in\n"
	"pre-push | post-rewrite)\n"
	"\t# Both hooks read git's lines from standard input.\n"
	"\tinput=$(cat; echo .)\n"
	"\tinput=${input%.}\n"
	"\tstdin=yes ;;\n"
	"*)\n"
	"\tstdin= ;;\n"
	"esac\n"
	"if [ -x \"$local_hook\" ]; then\n"
	"\tif [ -n \"$stdin\" ]; then\n"
	"\t\tprintf '%s' \"$input\" | \"$local_hook\" \"$@\"\n"
	"\telse\n"
	"\t\t\"$local_hook\" \"$@\"\n"
	"\tfi\n"
	"\tstatus=$?\n"
	"\t# A post- hook cannot refuse: git-spec still reports after a failing one.\n"
	"\tcase $hook in\n"
	"\tpost-*) ;;\n"
	"\t*) [ $status -eq 0 ] || exit $status ;;\n"
	"\tesac\n"
	"fi\n"
	"if ! command -v git-spec-hook >/dev/null 2>&1; then\n"
	"\techo \"git-spec-hook not found on PATH; install git-spec (make install) or run \\`git spec uninstall\\`\" >&2\n"
	"\texit 1\n"
	"fi\n"
	"if [ -n \"$stdin\" ]; then\n"
	"\tprintf '%s' \"$input\" | git-spec-hook \"$hook\" \"$@\"\n"
	"\texit $?\n"
	"fi\n"
	"exec git-spec-hook \"$hook\" \"$@\"\n";

void gs_install_builtin_shim(gs_buf *out, const char *name)
{
	const char *p = shim_template, *at;

	gs_buf_clear(out);
	while ((at = strstr(p, "@HOOK@")) != NULL) {
		gs_buf_put(out, p, (size_t)(at - p));
		gs_buf_puts(out, name);
		p = at + 6;
	}
	gs_buf_puts(out, p);
}

int gs_install_is_shim(const char *data, size_t len)
{
	size_t mlen = strlen(GS_SHIM_MARKER);
	const char *p = data, *end = data + len;

	/* The marker must start a line among the first few. */
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (l >= mlen && !memcmp(p, GS_SHIM_MARKER, mlen))
			return 1;
		if (!nl || p - data > 512)
			break;
		p = nl + 1;
	}
	return 0;
}

/* Write `path` atomically, never through a symbolic link at `path` itself. */
static int write_file(const char *path, const char *data, size_t len, mode_t mode)
{
	struct stat st;

	if (!lstat(path, &st) && S_ISLNK(st.st_mode))
		return gs_error_set(GS_EINPUT, "refusing to write '%s': it is a symbolic link", path);
	return gs_replace_file(path, data, len, mode);
}

int gs_install_shim(gs_buf *out, const char *name)
{
	gs_buf path = GS_BUF_INIT;
	const char *env = getenv("GIT_SPEC_HOOKS_DIR");
	int error;

	if (env && *env) {
		gs_buf_printf(&path, "%s/%s", env, name);
		error = gs_read_file(out, path.ptr);
		if (error == GS_ENOTFOUND)
			error = gs_error_set(GS_ERROR, "no hook '%s' in GIT_SPEC_HOOKS_DIR '%s'", name, env);
		goto done;
	}
	if (!gs_exe_dir(&path)) {
		gs_buf_printf(&path, "/../share/git-spec/hooks/%s", name);
		if (!gs_read_file(out, path.ptr) && gs_install_is_shim(out->ptr, out->size)) {
			error = 0;
			goto done;
		}
	}
	gs_install_builtin_shim(out, name);
	error = 0;
done:
	if (!error && !gs_install_is_shim(out->ptr, out->size))
		error = gs_error_set(GS_ERROR, "'%s' is not a git-spec hook shim", path.ptr);
	gs_buf_release(&path);
	return error;
}

int gs_install_hooks_dir(gs_buf *out, git_repository *repo)
{
	git_config *cfg = NULL, *snap = NULL;
	git_buf val = GIT_BUF_INIT;
	const char *common;
	int error = 0, r;

	gs_buf_clear(out);
	if (git_repository_config(&cfg, repo) < 0 || git_config_snapshot(&snap, cfg) < 0) {
		error = gs_error_set_git("cannot read the configuration");
		goto done;
	}
	r = git_config_get_path(&val, snap, "core.hooksPath");
	if (r == 0 && val.size) {
		const char *wd = git_repository_workdir(repo);

		if (val.ptr[0] != '/')
			/* git runs hooks from the top of the work tree (the git dir when bare). */
			gs_buf_printf(out, "%s", wd ? wd : git_repository_path(repo));
		gs_buf_puts(out, val.ptr);
		gs_buf_rtrim(out);
		while (out->size > 1 && out->ptr[out->size - 1] == '/')
			gs_buf_setlen(out, out->size - 1);
		goto done;
	}
	if (r < 0 && r != GIT_ENOTFOUND) {
		error = gs_error_set_git("cannot read core.hooksPath");
		goto done;
	}
	common = git_repository_commondir(repo);
	gs_buf_printf(out, "%shooks", common);
done:
	git_buf_dispose(&val);
	git_config_free(snap);
	git_config_free(cfg);
	return error;
}

/* ---- .gitattributes ---------------------------------------------------- */

#define ATTR_CREATED "created-file"
#define ATTR_NEWLINE "added-newline"

/* Find the block: [*begin, *end) covers its lines including both markers. */
static int attr_find_block(size_t *begin, size_t *end, const char *data, size_t len)
{
	size_t pos = 0, blen = strlen(GS_ATTR_BEGIN), elen = strlen(GS_ATTR_END);
	int in_block = 0;

	while (pos < len) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t next = nl ? (size_t)(nl - data) + 1 : len;
		size_t l = next - pos - (nl ? 1 : 0);

		if (!in_block && l >= blen && !memcmp(data + pos, GS_ATTR_BEGIN, blen) &&
		    (l == blen || data[pos + blen] == ' ')) {
			*begin = pos;
			in_block = 1;
		} else if (in_block && l == elen && !memcmp(data + pos, GS_ATTR_END, elen)) {
			*end = next;
			return 0;
		}
		pos = next;
	}
	return GS_ENOTFOUND;
}

static int line_has_flag(const char *line, size_t len, const char *flag)
{
	size_t flen = strlen(flag), i;

	for (i = 1; i + flen <= len; i++)
		if (!memcmp(line + i, flag, flen) && line[i - 1] == ' ' &&
		    (i + flen == len || line[i + flen] == ' ' || line[i + flen] == '\n'))
			return 1;
	return 0;
}

void gs_attributes_add(gs_buf *out, const char *data, size_t len, int exists,
		       const gs_strvec *patterns)
{
	size_t begin, end, i;
	int created = !exists, newline = 0;

	gs_buf_clear(out);
	if (exists && !attr_find_block(&begin, &end, data, len)) {
		/* Replace the block in place, keeping what it recorded. */
		const char *nl = memchr(data + begin, '\n', end - begin);
		size_t l = nl ? (size_t)(nl - data - begin) : end - begin;

		created = line_has_flag(data + begin, l, ATTR_CREATED);
		newline = line_has_flag(data + begin, l, ATTR_NEWLINE);
		gs_buf_put(out, data, begin);
		data += end;
		len -= end;
		end = 0;
	} else {
		gs_buf_put(out, data, len);
		if (len && data[len - 1] != '\n') {
			gs_buf_putc(out, '\n');
			newline = 1;
		}
		len = 0;
	}
	gs_buf_puts(out, GS_ATTR_BEGIN);
	if (created)
		gs_buf_puts(out, " " ATTR_CREATED);
	if (newline)
		gs_buf_puts(out, " " ATTR_NEWLINE);
	gs_buf_puts(out, "\n# Contracts are derived files: git-spec-merge re-derives them (`git spec uninstall` removes this block).\n");
	for (i = 0; i < patterns->nr; i++)
		gs_buf_printf(out, "%s merge=gitspec\n", patterns->v[i]);
	gs_buf_puts(out, GS_ATTR_END "\n");
	gs_buf_put(out, data, len);
}

int gs_attributes_remove(gs_buf *out, int *delete_file, const char *data, size_t len)
{
	size_t begin, end, l;
	const char *nl;
	int newline;

	gs_buf_clear(out);
	*delete_file = 0;
	if (attr_find_block(&begin, &end, data, len) < 0)
		return GS_ENOTFOUND;
	nl = memchr(data + begin, '\n', end - begin);
	l = nl ? (size_t)(nl - data - begin) : end - begin;
	newline = line_has_flag(data + begin, l, ATTR_NEWLINE);
	gs_buf_put(out, data, begin);
	if (newline && out->size && out->ptr[out->size - 1] == '\n')
		gs_buf_setlen(out, out->size - 1);
	gs_buf_put(out, data + end, len - end);
	if (line_has_flag(data + begin, l, ATTR_CREATED) && out->size == 0)
		*delete_file = 1;
	return 0;
}

/* ---- configuration ----------------------------------------------------- */

/* Whether the config line [p, p+l) is the header `[section "subsection"]`. */
static int is_section_header(const char *p, size_t l, const char *section, const char *subsection)
{
	gs_buf want = GS_BUF_INIT;
	size_t i = 0;
	int match;

	while (i < l && (p[i] == ' ' || p[i] == '\t'))
		i++;
	while (l > i && (p[l - 1] == ' ' || p[l - 1] == '\t' || p[l - 1] == '\r'))
		l--;
	if (!subsection) {
		gs_buf_printf(&want, "[%s]", section);
		match = l - i == want.size && !strncasecmp(p + i, want.ptr, want.size);
		gs_buf_release(&want);
		return match;
	}
	gs_buf_printf(&want, "[%s \"%s\"]", section, subsection);
	match = l - i == want.size && !strncasecmp(p + i, want.ptr, strlen(section) + 1) &&
		!memcmp(p + i + strlen(section) + 1, want.ptr + strlen(section) + 1,
			want.size - strlen(section) - 1);
	gs_buf_release(&want);
	return match;
}

static int is_blank_or_comment(const char *p, size_t l)
{
	size_t i = 0;

	while (i < l && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r'))
		i++;
	return i == l || p[i] == '#' || p[i] == ';';
}

void gs_config_text_drop_empty_section(gs_buf *out, const char *data, size_t len,
				       const char *section, const char *subsection)
{
	size_t pos = 0;

	gs_buf_clear(out);
	while (pos < len) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t next = nl ? (size_t)(nl - data) + 1 : len;
		size_t l = next - pos - (nl ? 1 : 0);

		if (is_section_header(data + pos, l, section, subsection)) {
			/* Empty when the next non-blank line is another header or EOF. */
			size_t q = next;
			int empty = 1;

			while (q < len) {
				const char *nl2 = memchr(data + q, '\n', len - q);
				size_t next2 = nl2 ? (size_t)(nl2 - data) + 1 : len;
				size_t l2 = next2 - q - (nl2 ? 1 : 0);

				if (!is_blank_or_comment(data + q, l2)) {
					size_t k = 0;

					while (k < l2 && (data[q + k] == ' ' || data[q + k] == '\t'))
						k++;
					empty = data[q + k] == '[';
					break;
				}
				q = next2;
			}
			if (empty) {
				pos = next;
				continue;
			}
		}
		gs_buf_put(out, data + pos, next - pos);
		pos = next;
	}
}

static int global_config_path(gs_buf *out)
{
	git_buf b = GIT_BUF_INIT;
	const char *home = getenv("HOME");
	int error = 0;

	if (!git_config_find_global(&b) || !git_config_find_xdg(&b)) {
		gs_buf_sets(out, b.ptr);
	} else if (home && *home) {
		gs_buf_printf(out, "%s/.gitconfig", home);
	} else {
		error = gs_error_set(GS_ERROR, "cannot find the global configuration: HOME is not set");
	}
	git_buf_dispose(&b);
	return error;
}

static int config_path(gs_buf *out, git_repository *repo, int global)
{
	if (global)
		return global_config_path(out);
	gs_buf_clear(out);
	gs_buf_printf(out, "%sconfig", git_repository_commondir(repo));
	return 0;
}

/*
 * In the global configuration only: hide the helper programs from
 * `git <TAB>` (git's completion lists every git-* on PATH, less the
 * entries of completion.commands that start with '-'). A value the user
 * set is left alone: git reads one value, and it is theirs.
 */
static int completion_install(git_config *cfg, const char *path, gs_strvec *log)
{
	git_buf value = GIT_BUF_INIT;
	int error = 0, r;

	r = git_config_get_string_buf(&value, cfg, "completion.commands");
	if (r == GIT_ENOTFOUND) {
		if (git_config_set_string(cfg, "completion.commands", GS_COMPLETION_HIDE) < 0) {
			error = gs_error_set_git("cannot configure completion.commands");
			goto done;
		}
		gs_strvec_pushf(log, "hid git-spec-hook and git-spec-merge from git's completion in '%s'",
				path);
	} else if (r < 0) {
		error = gs_error_set_git("cannot read completion.commands");
	} else if (!strstr(value.ptr, GS_COMPLETION_HIDE)) {
		gs_strvec_pushf(log, "completion.commands is already set in '%s': add '%s' to it to "
				"hide the helper programs from `git <TAB>`", path, GS_COMPLETION_HIDE);
	}
done:
	git_buf_dispose(&value);
	return error;
}

static int config_install(const char *path, int global, gs_strvec *log)
{
	git_config *cfg = NULL;
	int error = 0;

	if (git_config_open_ondisk(&cfg, path) < 0 ||
	    git_config_set_string(cfg, "merge.gitspec.name", GS_MERGE_DRIVER_NAME) < 0 ||
	    git_config_set_string(cfg, "merge.gitspec.driver", GS_MERGE_DRIVER_CMD) < 0) {
		error = gs_error_set_git("cannot configure the merge driver");
		goto done;
	}
	gs_strvec_pushf(log, "configured merge driver 'gitspec' in '%s'", path);
	if (global)
		error = completion_install(cfg, path, log);
done:
	git_config_free(cfg);
	return error;
}

static int config_uninstall(const char *path, int global, gs_strvec *log)
{
	git_config *cfg = NULL;
	gs_buf text = GS_BUF_INIT, cleaned = GS_BUF_INIT;
	const char *keys[] = { "merge.gitspec.name", "merge.gitspec.driver" };
	size_t i;
	int error = 0, removed = 0, removed_completion = 0, r;

	if ((r = gs_read_file(&text, path)) == GS_ENOTFOUND)
		goto done;
	if (r < 0) {
		error = r;
		goto done;
	}
	if (git_config_open_ondisk(&cfg, path) < 0) {
		error = gs_error_set_git("cannot open the configuration");
		goto done;
	}
	if (global) {
		git_buf value = GIT_BUF_INIT;

		/* Only the value install wrote: the user's own stays. */
		if (!git_config_get_string_buf(&value, cfg, "completion.commands") &&
		    !strcmp(value.ptr, GS_COMPLETION_HIDE)) {
			if (git_config_delete_entry(cfg, "completion.commands") < 0) {
				git_buf_dispose(&value);
				error = gs_error_set_git("cannot remove completion.commands");
				goto done;
			}
			removed_completion = 1;
		}
		git_buf_dispose(&value);
		gs_error_clear();
	}
	for (i = 0; i < GS_ARRAY_SIZE(keys); i++) {
		r = git_config_delete_entry(cfg, keys[i]);
		if (r == GIT_ENOTFOUND)
			continue;
		if (r < 0) {
			error = gs_error_set_git("cannot remove the merge driver configuration");
			goto done;
		}
		removed = 1;
	}
	git_config_free(cfg);
	cfg = NULL;
	if (!removed && !removed_completion)
		goto done;
	if ((error = gs_read_file(&text, path)) < 0)
		goto done;
	gs_config_text_drop_empty_section(&cleaned, text.ptr, text.size, "merge", "gitspec");
	if (removed_completion) {
		gs_buf once = GS_BUF_INIT;

		gs_buf_set(&once, cleaned.ptr, cleaned.size);
		gs_config_text_drop_empty_section(&cleaned, once.ptr, once.size, "completion", NULL);
		gs_buf_release(&once);
	}
	if (cleaned.size != text.size) {
		struct stat st;
		mode_t mode = 0644;

		if (!stat(path, &st))
			mode = st.st_mode & 07777;
		if ((error = write_file(path, cleaned.ptr, cleaned.size, mode)) < 0)
			goto done;
	}
	if (removed)
		gs_strvec_pushf(log, "removed merge driver 'gitspec' from '%s'", path);
	if (removed_completion)
		gs_strvec_pushf(log, "removed completion.commands from '%s'", path);
done:
	git_config_free(cfg);
	gs_buf_release(&text);
	gs_buf_release(&cleaned);
	return error;
}

/* ---- hooks ------------------------------------------------------------- */

enum hook_state { HOOK_ABSENT, HOOK_OURS, HOOK_FOREIGN };

static int hook_state(enum hook_state *out, const char *path)
{
	gs_buf data = GS_BUF_INIT;
	struct stat st;
	int error = 0;

	if (lstat(path, &st) < 0) {
		if (errno != ENOENT && errno != ENOTDIR)
			error = gs_error_set(GS_ERROR, "cannot stat '%s': %s", path, strerror(errno));
		*out = HOOK_ABSENT;
		goto done;
	}
	*out = HOOK_FOREIGN;
	if (!S_ISREG(st.st_mode))
		goto done;
	if ((error = gs_read_file(&data, path)) < 0)
		goto done;
	if (gs_install_is_shim(data.ptr, data.size))
		*out = HOOK_OURS;
done:
	gs_buf_release(&data);
	return error;
}

static int exists(const char *path)
{
	struct stat st;

	return !lstat(path, &st);
}

static int mkdir_p(const char *dir)
{
	gs_buf b = GS_BUF_INIT;
	size_t i;
	int error = 0;

	gs_buf_sets(&b, dir);
	for (i = 1; i <= b.size; i++) {
		if (i < b.size && b.ptr[i] != '/')
			continue;
		b.ptr[i] = '\0';
		if (mkdir(b.ptr, 0777) < 0 && errno != EEXIST) {
			error = gs_error_set(GS_ERROR, "cannot create directory '%s': %s", b.ptr,
					     strerror(errno));
			break;
		}
		if (i < b.size)
			b.ptr[i] = '/';
	}
	gs_buf_release(&b);
	return error;
}

#define HOOKS_NR (GS_ARRAY_SIZE(gs_install_hooks) - 1)

/* DIR/HOOK for the i-th of our hooks. */
static void hook_path(gs_buf *out, const gs_buf *dir, size_t i)
{
	gs_buf_clear(out);
	gs_buf_printf(out, "%s/%s", dir->ptr, gs_install_hooks[i]);
}

/* The hooks directory, and what stands in it at the place of each of our hooks. */
static int hooks_states(gs_buf *dir, enum hook_state states[HOOKS_NR], git_repository *repo)
{
	gs_buf path = GS_BUF_INIT;
	size_t i;
	int error;

	if ((error = gs_install_hooks_dir(dir, repo)) < 0)
		goto done;
	for (i = 0; i < HOOKS_NR; i++) {
		hook_path(&path, dir, i);
		if ((error = hook_state(&states[i], path.ptr)) < 0)
			goto done;
	}
done:
	gs_buf_release(&path);
	return error;
}

static int hooks_install(git_repository *repo, const gs_install_opts *opts, gs_strvec *log)
{
	gs_buf dir = GS_BUF_INIT, path = GS_BUF_INIT, local = GS_BUF_INIT, shim = GS_BUF_INIT;
	enum hook_state states[HOOKS_NR];
	size_t i;
	int error;

	/* Check every hook before changing anything. */
	if ((error = hooks_states(&dir, states, repo)) < 0)
		goto done;
	for (i = 0; i < HOOKS_NR; i++) {
		if (states[i] != HOOK_FOREIGN)
			continue;
		if (!opts->force) {
			error = gs_error_set(GS_ECHECK, "hook '%s' exists and was not written by git-spec; "
					     "use --force to keep it as %s.local and chain it",
					     gs_install_hooks[i], gs_install_hooks[i]);
			goto done;
		}
		hook_path(&path, &dir, i);
		gs_buf_printf(&path, ".local");
		if (exists(path.ptr)) {
			error = gs_error_set(GS_ECHECK, "hook '%s' exists and so does '%s.local'; "
					     "move one of them away first",
					     gs_install_hooks[i], gs_install_hooks[i]);
			goto done;
		}
	}
	if ((error = mkdir_p(dir.ptr)) < 0)
		goto done;
	for (i = 0; i < HOOKS_NR; i++) {
		if ((error = gs_install_shim(&shim, gs_install_hooks[i])) < 0)
			goto done;
		hook_path(&path, &dir, i);
		if (states[i] == HOOK_FOREIGN) {
			gs_buf_clear(&local);
			gs_buf_printf(&local, "%s.local", path.ptr);
			if (rename(path.ptr, local.ptr) < 0) {
				error = gs_error_set(GS_ERROR, "cannot rename '%s': %s", path.ptr,
						     strerror(errno));
				goto done;
			}
			gs_strvec_pushf(log, "kept the existing hook as '%s'", local.ptr);
		}
		if ((error = write_file(path.ptr, shim.ptr, shim.size, 0755)) < 0)
			goto done;
		gs_strvec_pushf(log, "installed hook '%s'", path.ptr);
	}
done:
	gs_buf_release(&dir);
	gs_buf_release(&path);
	gs_buf_release(&local);
	gs_buf_release(&shim);
	return error;
}

/*
 * Remove our shim at `target` and put the user's hook that install kept as
 * HOOK.local (`hook` is HOOK's path) in its place. `how` ends both log
 * lines.
 */
static int remove_restoring(const char *target, const char *hook, const char *how_removed,
			    const char *how_restored, gs_strvec *log)
{
	gs_buf local = GS_BUF_INIT;
	int error = 0;

	if (unlink(target) < 0) {
		error = gs_error_set(GS_ERROR, "cannot remove '%s': %s", target, strerror(errno));
		goto done;
	}
	gs_strvec_pushf(log, "removed hook '%s'%s", target, how_removed);
	gs_buf_printf(&local, "%s.local", hook);
	if (!exists(local.ptr))
		goto done;
	if (rename(local.ptr, target) < 0) {
		error = gs_error_set(GS_ERROR, "cannot rename '%s': %s", local.ptr, strerror(errno));
		goto done;
	}
	gs_strvec_pushf(log, "restored hook '%s'%s", target, how_restored);
done:
	gs_buf_release(&local);
	return error;
}

/*
 * The pre-commit framework, installed after git-spec, renames our shim to
 * HOOK.legacy and runs it from its own hook: remove it there too, and put
 * the user's hook we had kept as HOOK.local in its place, where the
 * framework still runs it.
 */
static int legacy_uninstall(const char *path, gs_strvec *log)
{
	gs_buf legacy = GS_BUF_INIT;
	enum hook_state st;
	int error;

	gs_buf_printf(&legacy, "%s.legacy", path);
	if ((error = hook_state(&st, legacy.ptr)) < 0 || st != HOOK_OURS)
		goto done;
	error = remove_restoring(legacy.ptr, path, " (the pre-commit framework had kept it)",
				 " (the pre-commit framework runs it)", log);
done:
	gs_buf_release(&legacy);
	return error;
}

static int hooks_uninstall(git_repository *repo, gs_strvec *log)
{
	gs_buf dir = GS_BUF_INIT, path = GS_BUF_INIT;
	enum hook_state states[HOOKS_NR];
	size_t i;
	int error;

	if ((error = hooks_states(&dir, states, repo)) < 0)
		goto done;
	for (i = 0; i < HOOKS_NR; i++) {
		hook_path(&path, &dir, i);
		if (states[i] != HOOK_OURS)
			error = legacy_uninstall(path.ptr, log);
		else
			error = remove_restoring(path.ptr, path.ptr, "", "", log);
		if (error < 0)
			goto done;
	}
done:
	gs_buf_release(&dir);
	gs_buf_release(&path);
	return error;
}

/* ---- attributes -------------------------------------------------------- */

/*
 * A glob for the default layout keeps covering specs created later; a
 * contract path of the current registry outside it gets its own line.
 */
static int attr_patterns(gs_strvec *out, git_repository *repo)
{
	gs_workspace ws;
	const gs_registry *reg;
	gs_buf glob_prefix = GS_BUF_INIT;
	size_t i, j, k;
	int error;

	gs_workspace_init(&ws);
	if ((error = gs_workspace_attach(&ws, repo, NULL)) < 0 ||
	    (error = gs_workspace_open(&ws, GS_WORKSPACE_INDEX, NULL)) < 0)
		goto done;
	gs_strvec_pushf(out, "%s/**/contracts/*.md", ws.cfg.specs_dir);
	gs_buf_printf(&glob_prefix, "%s/", ws.cfg.specs_dir);
	/* Specs that do not load are not our concern here: validate reports them. */
	if (gs_workspace_load_registry(&ws) < 0) {
		gs_error_clear();
		goto done;
	}
	reg = ws.reg;
	for (i = 0; i < reg->specs_nr; i++) {
		const gs_spec *spec = reg->specs[i];

		for (j = 0; j < spec->sources_nr; j++) {
			for (k = 0; k < spec->sources[j].variants_nr; k++) {
				const char *p = spec->sources[j].variants[k].repo_path;
				const char *slash, *base;

				if (!p || strpbrk(p, " \t\r\n\"\\*?[#!"))
					continue;
				slash = strrchr(p, '/');
				base = slash ? slash + 1 : p;
				if (!strncmp(p, glob_prefix.ptr, glob_prefix.size) && slash &&
				    slash - p >= 10 && !strncmp(slash - 10, "/contracts", 10) &&
				    (size_t)(slash - p) >= glob_prefix.size + 9 &&
				    strlen(base) > 3 && !strcmp(base + strlen(base) - 3, ".md"))
					continue;
				gs_strvec_push(out, p);
			}
		}
	}
done:
	gs_workspace_release(&ws);
	gs_buf_release(&glob_prefix);
	return error;
}

static int attributes_install(git_repository *repo, const gs_strvec *patterns, gs_strvec *log)
{
	gs_buf path = GS_BUF_INIT, text = GS_BUF_INIT, out = GS_BUF_INIT;
	int error = 0, r;

	gs_buf_printf(&path, "%s.gitattributes", git_repository_workdir(repo));
	r = gs_read_file(&text, path.ptr);
	if (r < 0 && r != GS_ENOTFOUND) {
		error = r;
		goto done;
	}
	gs_attributes_add(&out, text.ptr, text.size, r == 0, patterns);
	if (r == 0 && gs_buf_equal(&out, &text))
		goto done;
	if ((error = write_file(path.ptr, out.ptr, out.size, 0644)) < 0)
		goto done;
	gs_strvec_pushf(log, "added the merge=gitspec attributes to '%s'", path.ptr);
done:
	gs_buf_release(&path);
	gs_buf_release(&text);
	gs_buf_release(&out);
	return error;
}

/*
 * Whether the top-level .gitattributes is in HEAD or in the index. An index
 * libgit2 cannot read (a split index) leaves HEAD to answer.
 */
static int attributes_tracked(git_repository *repo)
{
	git_object *obj = NULL;
	git_index *index = NULL;
	int tracked;

	tracked = !git_revparse_single(&obj, repo, "HEAD:.gitattributes");
	if (!tracked && !git_repository_index(&index, repo))
		tracked = git_index_get_bypath(index, ".gitattributes", 0) != NULL;
	git_object_free(obj);
	git_index_free(index);
	git_error_clear();
	return tracked;
}

static int attributes_uninstall(git_repository *repo, gs_strvec *log)
{
	gs_buf path = GS_BUF_INIT, text = GS_BUF_INIT, out = GS_BUF_INIT;
	struct stat st;
	int error = 0, del = 0, kept = 0;

	gs_buf_printf(&path, "%s.gitattributes", git_repository_workdir(repo));
	if (!lstat(path.ptr, &st) && S_ISLNK(st.st_mode)) {
		error = gs_error_set(GS_EINPUT, "refusing to edit '%s': it is a symbolic link", path.ptr);
		goto done;
	}
	if ((error = gs_read_file(&text, path.ptr)) == GS_ENOTFOUND) {
		error = 0;
		goto done;
	}
	if (error < 0)
		goto done;
	if (gs_attributes_remove(&out, &del, text.ptr, text.size) == GS_ENOTFOUND)
		goto done;
	/*
	 * A file git tracks is the team's, whoever created it: deleting it
	 * would delete it for everyone at the next commit. Leave it (empty).
	 */
	if (del && attributes_tracked(repo)) {
		del = 0;
		kept = 1;
	}
	if (del) {
		if (unlink(path.ptr) < 0) {
			error = gs_error_set(GS_ERROR, "cannot remove '%s': %s", path.ptr, strerror(errno));
			goto done;
		}
	} else if ((error = write_file(path.ptr, out.ptr, out.size, st.st_mode & 07777)) < 0) {
		goto done;
	}
	gs_strvec_pushf(log, "removed the merge=gitspec attributes from '%s'%s", path.ptr,
			kept ? "; kept the file: git tracks it" : "");
done:
	gs_buf_release(&path);
	gs_buf_release(&text);
	gs_buf_release(&out);
	return error;
}

/* A repository with a work tree, or --global outside any. */
static int check_target(git_repository *repo, const gs_install_opts *opts, const char *verb)
{
	if (!repo && !opts->global)
		return gs_error_set(GS_ERROR, "not in a git repository");
	if (repo && git_repository_is_bare(repo))
		return gs_error_set(GS_EUSAGE, "cannot %s a bare repository", verb);
	return 0;
}

int gs_install(git_repository *repo, const gs_install_opts *opts, gs_strvec *log)
{
	gs_buf cfgpath = GS_BUF_INIT, attr = GS_BUF_INIT;
	gs_strvec patterns = GS_STRVEC_INIT;
	struct stat st;
	int error = 0;

	if ((error = check_target(repo, opts, "install into")) < 0)
		goto done;
	/* Everything that can refuse is checked before anything is written. */
	if (repo) {
		if ((error = attr_patterns(&patterns, repo)) < 0)
			goto done;
		gs_buf_printf(&attr, "%s.gitattributes", git_repository_workdir(repo));
		if (!lstat(attr.ptr, &st) && !S_ISREG(st.st_mode)) {
			error = gs_error_set(GS_EINPUT, "refusing to edit '%s': not a regular file",
					     attr.ptr);
			goto done;
		}
	}
	if (repo && !opts->driver_only && (error = hooks_install(repo, opts, log)) < 0)
		goto done;
	if ((error = config_path(&cfgpath, repo, opts->global)) < 0 ||
	    (error = config_install(cfgpath.ptr, opts->global, log)) < 0)
		goto done;
	if (repo)
		error = attributes_install(repo, &patterns, log);
done:
	gs_strvec_clear(&patterns);
	gs_buf_release(&attr);
	gs_buf_release(&cfgpath);
	return error;
}

int gs_uninstall(git_repository *repo, const gs_install_opts *opts, gs_strvec *log)
{
	gs_buf cfgpath = GS_BUF_INIT;
	int error = 0;

	if ((error = check_target(repo, opts, "uninstall from")) < 0)
		goto done;
	if (repo && (error = hooks_uninstall(repo, log)) < 0)
		goto done;
	if ((error = config_path(&cfgpath, repo, opts->global)) < 0 ||
	    (error = config_uninstall(cfgpath.ptr, opts->global, log)) < 0)
		goto done;
	if (repo)
		error = attributes_uninstall(repo, log);
done:
	gs_buf_release(&cfgpath);
	return error;
}

/* ---- init -------------------------------------------------------------- */

static void yaml_list(gs_buf *out, const char *key, const gs_strvec *v)
{
	size_t i;

	if (!v->nr) {
		gs_buf_printf(out, "%s: []\n", key);
		return;
	}
	gs_buf_printf(out, "%s:\n", key);
	for (i = 0; i < v->nr; i++) {
		const char *p;

		/* Single-quoted: patterns start with '*', which YAML reads as an alias. */
		gs_buf_puts(out, "- '");
		for (p = v->v[i]; *p; p++) {
			if (*p == '\'')
				gs_buf_putc(out, '\'');
			gs_buf_putc(out, *p);
		}
		gs_buf_puts(out, "'\n");
	}
}

void gs_install_default_config(gs_buf *out)
{
	gs_config cfg;

	gs_config_init(&cfg);
	gs_buf_clear(out);
	gs_buf_puts(out, "# git-spec configuration (git-spec(1)); git config spec.* overrides it per clone.\n");
	gs_buf_puts(out, "# Where specs live: SPECS/SPEC-NNN/SPEC-NNN.md\n");
	gs_buf_printf(out, "specs: '%s'\n", cfg.specs_dir);
	/*
	 * Left unset: the roots are then read from the pyproject.toml files of
	 * the tree judged, so they follow the build configuration (DESIGN 3.5).
	 */
	gs_buf_puts(out, "# Import roots (glob patterns, '**' for any directories), e.g.\n"
		    "# [src, apps/*/src, '**/src']. Unset, they are read from every pyproject.toml\n"
		    "# (setuptools, hatch, poetry, pdm, uv; a src/ beside it); packages below no root\n"
		    "# are named by the chain of package directories.\n"
		    "# roots: [src]\n");
	gs_buf_puts(out, "# Directories skipped when looking for packages.\n");
	yaml_list(out, "ignore", &cfg.ignore);
	gs_buf_puts(out, "# Base names of test files (the tests variant).\n");
	yaml_list(out, "tests", &cfg.test_patterns);
	gs_buf_puts(out, "# Refuse commits touching a leaf package that no spec covers.\n");
	gs_buf_printf(out, "requireSpecs: %s\n", cfg.require_specs ? "true" : "false");
	gs_config_release(&cfg);
}

int gs_install_init_config(git_repository *repo, gs_strvec *log)
{
	gs_buf path = GS_BUF_INIT, text = GS_BUF_INIT;
	const char *wd = git_repository_workdir(repo);
	int error = 0;

	if (!wd) {
		error = gs_error_set(GS_EUSAGE, "cannot initialise a bare repository");
		goto done;
	}
	gs_buf_printf(&path, "%s%s", wd, GS_CONFIG_FILE);
	if (exists(path.ptr)) {
		gs_strvec_pushf(log, "kept the existing '%s'", GS_CONFIG_FILE);
		goto done;
	}
	gs_install_default_config(&text);
	if ((error = write_file(path.ptr, text.ptr, text.size, 0644)) < 0)
		goto done;
	gs_strvec_pushf(log, "wrote the default '%s'", GS_CONFIG_FILE);
done:
	gs_buf_release(&path);
	gs_buf_release(&text);
	return error;
}
