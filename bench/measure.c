/*
 * measure: run commands several times and print their median wall times
 * and peak memory, so that the benchmark needs neither hyperfine nor
 * /usr/bin/time.
 *
 *   measure [-n RUNS] [-w WARMUPS] [-o OUTFILE] [-x EXITCODE] [-p PREP] -- CMD ARGS... [:: CMD ARGS...]...
 *
 * Several commands separated by "::" are run in interleaved rounds (A B C,
 * A B C, ...), so that load from elsewhere on a shared machine falls on
 * all of them alike and their ratios stay meaningful. Prints one line per
 * command: "MEDIAN_MS MIN_MS MAX_MS MAXRSS_KIB RUNS", or "- - - - 0" for a
 * command that failed (it is then dropped from later rounds and measure
 * exits 1). Standard output of the commands goes to OUTFILE (default
 * /dev/null); standard error is kept. Every run must exit with EXITCODE
 * (default 0). Peak memory is the largest ru_maxrss over the runs, from
 * wait4(2). PREP, a shell command, runs before every run of every command,
 * untimed (to start each cold run from the same state).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static const char *prep;

static int run_once(char **argv, const char *outfile, int want, double *ms, long *rss)
{
	struct rusage ru;
	int status;
	double t0;
	pid_t pid;

	if (prep && system(prep) != 0) {
		fprintf(stderr, "measure: '%s' failed\n", prep);
		return -1;
	}
	t0 = now_ms();
	pid = fork();

	if (pid < 0) {
		perror("measure: fork");
		return -1;
	}
	if (pid == 0) {
		int fd = open(outfile, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || dup2(fd, 1) < 0)
			_exit(127);
		close(fd);
		execvp(argv[0], argv);
		fprintf(stderr, "measure: cannot run '%s': %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0) {
		perror("measure: wait4");
		return -1;
	}
	*ms = now_ms() - t0;
	*rss = ru.ru_maxrss;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != want) {
		if (WIFSIGNALED(status))
			fprintf(stderr, "measure: '%s' died of signal %d\n", argv[0], WTERMSIG(status));
		else
			fprintf(stderr, "measure: '%s' exited %d, expected %d\n", argv[0],
				WEXITSTATUS(status), want);
		return -1;
	}
	return 0;
}

struct cmd {
	char **argv;
	double *times;
	long maxrss;
	int failed;
};

int main(int argc, char **argv)
{
	int runs = 5, warmups = 1, want = 0, i, j, opt, ncmd = 0, status = 0;
	const char *outfile = "/dev/null";
	struct cmd *cmds;
	long rss;
	double ms;

	while ((opt = getopt(argc, argv, "+n:w:o:x:p:")) != -1) {
		switch (opt) {
		case 'p': prep = optarg; break;
		case 'n': runs = atoi(optarg); break;
		case 'w': warmups = atoi(optarg); break;
		case 'o': outfile = optarg; break;
		case 'x': want = atoi(optarg); break;
		default:
			goto usage;
		}
	}
	if (optind >= argc || runs < 1 || warmups < 0)
		goto usage;
	cmds = calloc(argc, sizeof(*cmds));
	if (!cmds)
		return 1;
	cmds[0].argv = argv + optind;
	ncmd = 1;
	for (i = optind; i < argc; i++) {
		if (strcmp(argv[i], "::"))
			continue;
		argv[i] = NULL;
		if (i + 1 >= argc)
			goto usage;
		cmds[ncmd++].argv = argv + i + 1;
	}
	for (j = 0; j < ncmd; j++) {
		if (!cmds[j].argv[0])
			goto usage;
		cmds[j].times = calloc(runs, sizeof(double));
		if (!cmds[j].times)
			return 1;
	}
	for (i = 0; i < warmups; i++)
		for (j = 0; j < ncmd; j++)
			if (!cmds[j].failed && run_once(cmds[j].argv, outfile, want, &ms, &rss) < 0)
				cmds[j].failed = 1;
	for (i = 0; i < runs; i++)
		for (j = 0; j < ncmd; j++) {
			if (cmds[j].failed)
				continue;
			if (run_once(cmds[j].argv, outfile, want, &cmds[j].times[i], &rss) < 0) {
				cmds[j].failed = 1;
				continue;
			}
			if (rss > cmds[j].maxrss)
				cmds[j].maxrss = rss;
		}
	for (j = 0; j < ncmd; j++) {
		double *t = cmds[j].times;
		if (cmds[j].failed) {
			printf("- - - - 0\n");
			status = 1;
			continue;
		}
		qsort(t, runs, sizeof(*t), cmp_double);
		printf("%.2f %.2f %.2f %ld %d\n",
		       runs % 2 ? t[runs / 2] : (t[runs / 2 - 1] + t[runs / 2]) / 2,
		       t[0], t[runs - 1], cmds[j].maxrss, runs);
		free(t);
	}
	free(cmds);
	return status;
usage:
	fprintf(stderr, "usage: measure [-n RUNS] [-w WARMUPS] [-o OUT] [-x CODE] [-p PREP] -- CMD... [:: CMD...]...\n");
	return 2;
}
