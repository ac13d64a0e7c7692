/* Benchmark driver: load an index (APKINDEX.tar.gz with its signature
 * verified, or plain text) with pare_index_read_file and report the wall
 * time of the load and the peak RSS of the process.
 *
 * usage: index_load FILE KEYS_DIR|- [ROUNDS]
 * Prints "entries=N best_ms=X median_ms=Y maxrss_kb=Z" (the load repeated
 * ROUNDS times in this process; maxrss covers all of them, and each round
 * releases everything before the next). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "apk/index.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s FILE KEYS_DIR|- [ROUNDS]\n", argv[0]);
		return 2;
	}
	int rounds = argc > 3 ? atoi(argv[3]) : 1;
	if (rounds < 1 || rounds > 1000)
		rounds = 1;
	double *t = calloc((size_t)rounds, sizeof(*t));
	size_t n = 0;
	for (int i = 0; i < rounds; i++) {
		struct pare_error err = { 0 };
		struct pare_keyring ring;
		struct pare_index idx;
		bool have_keys = strcmp(argv[2], "-") != 0;
		double t0 = now_ms();
		int r = have_keys ? pare_keyring_open(&ring, argv[2], &err) : 0;
		struct pare_index_read_opts o = { .keys = have_keys ? &ring : NULL,
						  .allow_untrusted = !have_keys };
		pare_index_init(&idx);
		if (r == 0)
			r = pare_index_read_file(&idx, argv[1], &o, &err);
		t[i] = now_ms() - t0;
		n = idx.n;
		pare_index_release(&idx);
		if (have_keys)
			pare_keyring_release(&ring);
		if (r < 0) {
			fprintf(stderr, "index_load: %s\n", pare_error_text(&err, r));
			free(t);
			return 1;
		}
	}
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	qsort(t, (size_t)rounds, sizeof(*t), cmp_double);
	printf("entries=%zu best_ms=%.2f median_ms=%.2f maxrss_kb=%ld\n", n, t[0],
	       t[rounds / 2], ru.ru_maxrss);
	free(t);
	return 0;
}
