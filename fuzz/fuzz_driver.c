/*
 * libFuzzer target: the merge driver's reading and merging of its three
 * inputs (gs_merge_driver without a repository), including their kinds and
 * sizes. Whatever the inputs, the driver must not crash, must leave %A a
 * regular file, and must report a conflict leaving %A exactly as it was
 * when an input is not a regular file or is larger than the limit.
 *
 * Input: a header byte, then three parts (base, ours, theirs) separated by
 * a line "\x01\n". Header bits: 0-1 the limit (default, 16, 256, 4096
 * bytes); 2-3 the kind of the base, 4-5 of theirs (a file, missing, a FIFO,
 * a directory); 6 ours is a FIFO.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "gitspec/common.h"
#include "gitspec/buf.h"
#include "gitspec/fsutil.h"
#include "gitspec/merge.h"
#include <git2.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[] = "/tmp/fuzz-driver-XXXXXX";
static int have_dir;

static const char *split(const char *p, const char *end, size_t *len)
{
	const char *s = p;

	while (s + 1 < end && !(s[0] == '\x01' && s[1] == '\n'))
		s++;
	if (s + 1 >= end) {
		*len = (size_t)(end - p);
		return end;
	}
	*len = (size_t)(s - p);
	return s + 2;
}

static void path_of(gs_buf *out, const char *name)
{
	gs_buf_clear(out);
	gs_buf_printf(out, "%s/%s", dir, name);
}

static void clear_path(const char *p)
{
	if (unlink(p) < 0 && errno == EISDIR)
		rmdir(p);
	rmdir(p);
}

/* Make `p` of `kind` (0 file with data, 1 missing, 2 FIFO, 3 directory). */
static void make_input(const char *p, int kind, const char *d, size_t len)
{
	clear_path(p);
	if (kind == 0) {
		if (gs_replace_file(p, d, len, 0644) < 0)
			abort();
	} else if (kind == 2) {
		mkfifo(p, 0600);
	} else if (kind == 3) {
		mkdir(p, 0700);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t limits[] = { 0, 16, 256, 4096 };
	const char *p, *end, *part[3] = { "", "", "" };
	size_t len[3] = { 0, 0, 0 }, max;
	gs_buf o = GS_BUF_INIT, a = GS_BUF_INIT, b = GS_BUF_INIT, after = GS_BUF_INIT;
	gs_merge_args args;
	gs_merge_result res;
	struct stat st;
	int hdr, n = 0, bad;

	if (!size)
		return 0;
	if (!have_dir) {
		if (!mkdtemp(dir))
			abort();
		have_dir = 1;
		/* as the driver's main does: libgit2 keeps its errors per thread */
		git_libgit2_init();
	}
	hdr = data[0];
	p = (const char *)data + 1;
	end = (const char *)data + size;
	while (n < 3 && p < end) {
		part[n] = p;
		p = split(p, end, &len[n]);
		n++;
	}
	max = limits[hdr & 3];
	path_of(&o, "O");
	path_of(&a, "A");
	path_of(&b, "B");
	make_input(o.ptr, (hdr >> 2) & 3, part[0], len[0]);
	make_input(a.ptr, (hdr & 64) ? 2 : 0, part[1], len[1]);
	make_input(b.ptr, (hdr >> 4) & 3, part[2], len[2]);
	bad = ((hdr >> 2) & 3) >= 2 || ((hdr >> 4) & 3) >= 2 || (hdr & 64) ||
	      (max && (len[0] > max || len[1] > max || len[2] > max));

	memset(&args, 0, sizeof(args));
	args.base_file = o.ptr;
	args.ours_file = a.ptr;
	args.theirs_file = b.ptr;
	args.marker_size = 7;
	args.path = "specify/tech/SPEC-001/contracts/public.md";
	args.max_input = max;
	gs_merge_result_init(&res);
	(void)gs_merge_driver(&res, NULL, &args);
	gs_error_clear();

	if (!(hdr & 64)) {
		if (stat(a.ptr, &st) < 0 || !S_ISREG(st.st_mode)) {
			fprintf(stderr, "fuzz_driver: %%A is no longer a regular file\n");
			abort();
		}
		if (bad) {
			if (!res.conflict || gs_read_file(&after, a.ptr) < 0 || after.size != len[1] ||
			    (len[1] && memcmp(after.ptr, part[1], len[1]))) {
				fprintf(stderr, "fuzz_driver: a refused input must leave %%A as it was\n");
				abort();
			}
		}
	} else if (!res.conflict) {
		fprintf(stderr, "fuzz_driver: a FIFO as %%A must be a conflict\n");
		abort();
	}
	gs_merge_result_clear(&res);
	gs_buf_release(&o);
	gs_buf_release(&a);
	gs_buf_release(&b);
	gs_buf_release(&after);
	return 0;
}
