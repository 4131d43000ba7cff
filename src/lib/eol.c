#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <git2.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/index.h"
#include "gitspec/source.h"
#include "gitspec/eol.h"

struct gs_eol_session {
	git_repository *repo;
	int none;            /* no filter can apply to any path */
};

int gs_eol_convert(gs_buf *out, git_repository *repo, const char *path, const char *data,
		   size_t len, int to_worktree)
{
	git_filter_list *fl = NULL;
	git_buf conv = GIT_BUF_INIT;
	int error = 0;

	gs_buf_clear(out);
	if (!repo || git_filter_list_load(&fl, repo, NULL, path,
					  to_worktree ? GIT_FILTER_TO_WORKTREE : GIT_FILTER_TO_ODB,
					  GIT_FILTER_DEFAULT) < 0) {
		/* No attributes to read (a bare repository): no conversion. */
		git_error_clear();
		fl = NULL;
	}
	if (!fl) {
		gs_buf_put(out, data, len);
		goto done;
	}
	if (git_filter_list_apply_to_buffer(&conv, fl, data, len) < 0) {
		error = gs_error_set_git("cannot convert line ends");
		goto done;
	}
	gs_buf_put(out, conv.ptr, conv.size);
done:
	git_buf_dispose(&conv);
	git_filter_list_free(fl);
	return error;
}

static int file_exists(const char *path)
{
	struct stat st;

	return path && *path && stat(path, &st) == 0;
}

static int is_attributes_path(const char *path)
{
	const char *slash = strrchr(path, '/');

	return !strcmp(slash ? slash + 1 : path, ".gitattributes");
}

/* Whether an attributes file outside the work tree, or a setting, can apply. */
static int global_filters_possible(git_repository *repo)
{
	git_config *cfg = NULL;
	git_buf sys = GIT_BUF_INIT, val = GIT_BUF_INIT;
	gs_buf path = GS_BUF_INIT;
	const char *home = getenv("HOME"), *xdg = getenv("XDG_CONFIG_HOME");
	int possible = 1, autocrlf = 0;

	if (!git_repository_workdir(repo) || git_repository_config_snapshot(&cfg, repo) < 0)
		goto done;
	/* "input" is not a boolean: anything but an explicit false counts */
	if (git_config_get_bool(&autocrlf, cfg, "core.autocrlf") < 0) {
		if (git_config_get_string_buf(&val, cfg, "core.autocrlf") == 0)
			goto done;
		autocrlf = 0;
	}
	if (autocrlf)
		goto done;
	if (git_config_get_path(&val, cfg, "core.attributesfile") == 0) {
		if (file_exists(val.ptr))
			goto done;
	} else {
		if (xdg && *xdg)
			gs_buf_printf(&path, "%s/git/attributes", xdg);
		else if (home && *home)
			gs_buf_printf(&path, "%s/.config/git/attributes", home);
		if (path.size && file_exists(path.ptr))
			goto done;
	}
	gs_buf_clear(&path);
	gs_buf_printf(&path, "%s/info/attributes", git_repository_commondir(repo));
	if (file_exists(path.ptr))
		goto done;
	if (git_libgit2_opts(GIT_OPT_GET_SEARCH_PATH, GIT_CONFIG_LEVEL_SYSTEM, &sys) < 0)
		goto done;
	{
		/* the system directories, separated by ':' */
		const char *p = sys.ptr ? sys.ptr : "", *colon;

		for (; *p; p = colon ? colon + 1 : p + strlen(p)) {
			colon = strchr(p, ':');
			gs_buf_clear(&path);
			gs_buf_put(&path, p, colon ? (size_t)(colon - p) : strlen(p));
			gs_buf_puts(&path, "/gitattributes");
			if (file_exists(path.ptr))
				goto done;
			if (!colon)
				break;
		}
	}
	possible = 0;
done:
	git_error_clear();
	git_config_free(cfg);
	git_buf_dispose(&sys);
	git_buf_dispose(&val);
	gs_buf_release(&path);
	return possible;
}

void gs_eol_session_init(gs_eol_session **out, git_repository *repo, const gs_source *src)
{
	gs_eol_session *s = gs_xcalloc(1, sizeof(*s));
	const gs_index *idx = src ? gs_source_stat_index(src) : NULL;
	size_t i, n, len;

	s->repo = repo;
	if (!src || global_filters_possible(repo))
		goto done;
	for (i = 0, n = gs_source_count(src); i < n; i++)
		if (is_attributes_path(gs_source_get(src, i)->path))
			goto done;
	for (i = 0, n = idx ? gs_index_entrycount(idx) : 0; i < n; i++)
		if (is_attributes_path(gs_index_path_at(idx, i, &len)))
			goto done;
	s->none = 1;
done:
	*out = s;
}

int gs_eol_convert_in(gs_buf *out, gs_eol_session *s, const char *path, const char *data,
		      size_t len, int to_worktree)
{
	if (s->none) {
		gs_buf_set(out, data, len);
		return 0;
	}
	return gs_eol_convert(out, s->repo, path, data, len, to_worktree);
}

void gs_eol_session_free(gs_eol_session *s)
{
	free(s);
}
