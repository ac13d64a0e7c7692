/* Fuzz target: nsswitch.conf and gconv module configuration
 * (elf/glibc_conf.h).  Every slice handed to a callback lies inside the
 * input and is non-empty; service words never hold blanks. */
#include <stdint.h>
#include <stdlib.h>

#include "elf/glibc_conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct span {
	const char *lo, *hi;
};

static void inside(const struct span *s, struct pare_slice x)
{
	if (x.len == 0 || x.ptr < s->lo || x.ptr + x.len > s->hi)
		__builtin_trap();
}

static int on_service(void *ctx, struct pare_slice db, struct pare_slice w)
{
	inside(ctx, db);
	inside(ctx, w);
	for (size_t i = 0; i < w.len; i++)
		if (w.ptr[i] == ' ' || w.ptr[i] == '\t' || w.ptr[i] == '\n')
			__builtin_trap();
	(void)pare_nss_builtin(w);
	return 0;
}

static int on_line(void *ctx, const struct pare_gconv_line *l)
{
	inside(ctx, l->from);
	inside(ctx, l->to);
	if (l->kind == PARE_GCONV_MODULE)
		inside(ctx, l->file);
	(void)pare_gconv_name_eq(l->from, l->to);
	(void)pare_gconv_builtin(l->to);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a private copy, so that reads past the end are caught by ASan */
	char *copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	for (size_t i = 0; i < size; i++)
		copy[i] = (char)data[i];
	struct span s = { copy, copy + size };
	struct pare_slice text = pare_slice_make(copy, size);
	pare_nsswitch_each(text, on_service, &s);
	pare_gconv_conf_each(text, on_line, &s);
	free(copy);
	return 0;
}
