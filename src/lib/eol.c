#include <string.h>
#include <git2.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/eol.h"

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
