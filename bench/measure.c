/*
 * measure: run a command several times and print its median wall time and
 * its peak memory, so that the benchmark needs neither hyperfine nor
 * /usr/bin/time.
 *
 *   measure [-n RUNS] [-w WARMUPS] [-o OUTFILE] [-x EXITCODE] -- CMD ARGS...
 *
 * Prints one line: "MEDIAN_MS MIN_MS MAX_MS MAXRSS_KIB RUNS". The command's
 * standard output goes to OUTFILE (default /dev/null); its standard error is
 * kept. Every run must exit with EXITCODE (default 0), otherwise measure
 * fails with exit 1 and says what the command returned. Peak memory is the
 * largest ru_maxrss over the runs, from wait4(2).
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

static int run_once(char **argv, const char *outfile, int want, double *ms, long *rss)
{
	struct rusage ru;
	int status;
	double t0 = now_ms();
	pid_t pid = fork();

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

int main(int argc, char **argv)
{
	int runs = 5, warmups = 1, want = 0, i, opt;
	const char *outfile = "/dev/null";
	double *times;
	long rss, maxrss = 0;
	double ms;

	while ((opt = getopt(argc, argv, "+n:w:o:x:")) != -1) {
		switch (opt) {
		case 'n': runs = atoi(optarg); break;
		case 'w': warmups = atoi(optarg); break;
		case 'o': outfile = optarg; break;
		case 'x': want = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: measure [-n RUNS] [-w WARMUPS] [-o OUT] [-x CODE] -- CMD...\n");
			return 2;
		}
	}
	if (optind >= argc || runs < 1 || warmups < 0) {
		fprintf(stderr, "usage: measure [-n RUNS] [-w WARMUPS] [-o OUT] [-x CODE] -- CMD...\n");
		return 2;
	}
	argv += optind;
	times = calloc(runs, sizeof(*times));
	if (!times)
		return 1;
	for (i = 0; i < warmups; i++)
		if (run_once(argv, outfile, want, &ms, &rss) < 0)
			return 1;
	for (i = 0; i < runs; i++) {
		if (run_once(argv, outfile, want, &times[i], &rss) < 0)
			return 1;
		if (rss > maxrss)
			maxrss = rss;
	}
	qsort(times, runs, sizeof(*times), cmp_double);
	printf("%.2f %.2f %.2f %ld %d\n",
	       runs % 2 ? times[runs / 2] : (times[runs / 2 - 1] + times[runs / 2]) / 2,
	       times[0], times[runs - 1], maxrss, runs);
	free(times);
	return 0;
}
