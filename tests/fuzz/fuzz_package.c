/* Fuzz target: APK v2 packages and signed indexes through pare_pkg_read().
 *
 * The input is read from memory twice: once completely, with a visitor that
 * pulls each entry's content in odd-sized chunks (and sometimes stops
 * early, leaving the rest to the reader), and once with control_only.  If
 * PARE_FUZZ_KEYS names a keys directory, signatures are checked against
 * it; otherwise they are not.  Everything is released on every input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "apk/package.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_visit {
	uint64_t entries;
	uint64_t bytes;
	unsigned step; /* rotates the chunk size */
};

static const size_t chunk_sizes[] = { 1, 3, 7, 13, 511, 513, 4099, 65537 };
#define NCHUNKS (sizeof(chunk_sizes) / sizeof(chunk_sizes[0]))

static int read_odd(void *ctx, const struct pare_tar_entry *e, struct pare_istream *content,
		    struct pare_error *err)
{
	struct fuzz_visit *v = ctx;
	unsigned char buf[65537];
	v->entries++;
	/* Touch what the reader promises: NUL-terminated names. */
	if (e->name.ptr && e->name.ptr[e->name.len] != '\0')
		__builtin_trap();
	if (e->linkname.ptr && e->linkname.ptr[e->linkname.len] != '\0')
		__builtin_trap();
	/* Every third entry is left partly unread. */
	size_t budget = (v->entries % 3 == 0) ? 5000 : SIZE_MAX;
	for (;;) {
		size_t n = chunk_sizes[v->step++ % NCHUNKS];
		if (n > budget)
			n = budget;
		if (n == 0)
			return 0;
		ssize_t r = pare_istream_read(content, buf, n, err);
		if (r < 0)
			return (int)r;
		if (r == 0)
			return 0;
		if ((size_t)r > n)
			__builtin_trap();
		v->bytes += (uint64_t)r;
		budget -= (size_t)r;
	}
}

static void read_once(const uint8_t *data, size_t size, struct pare_keyring *keys,
		      bool control_only)
{
	struct pare_pkg pkg;
	struct pare_mem_istream m;
	struct pare_istream s;
	struct pare_error err = { 0 };
	struct fuzz_visit fv = { 0 };
	struct pare_pkg_visitor v = { .entry = read_odd, .index_entry = read_odd, .ctx = &fv };
	struct pare_pkg_read_opts opts = { .keys = keys, .control_only = control_only };
	pare_pkg_init(&pkg);
	pare_mem_istream_init(&m, &s, data, size);
	int r = pare_pkg_read(&pkg, &s, "fuzz.apk", &opts, &v, &err);
	if (r < 0 && strlen(pare_error_text(&err, r)) >= PARE_ERROR_MSG_MAX)
		__builtin_trap();
	if (r == 0 && pkg.kind == PARE_PKG_KIND_PACKAGE && !pkg.has_info)
		__builtin_trap();
	pare_pkg_release(&pkg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *dir = getenv("PARE_FUZZ_KEYS");
	struct pare_keyring ring;
	struct pare_keyring *keys = NULL;
	memset(&ring, 0, sizeof(ring));
	ring.dirfd = -1;
	if (dir && dir[0] && pare_keyring_open(&ring, dir, NULL) == 0)
		keys = &ring;
	read_once(data, size, keys, false);
	read_once(data, size, keys, true);
	if (keys)
		pare_keyring_release(keys);
	return 0;
}
