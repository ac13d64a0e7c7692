/* Fuzz target: APKINDEX text (and installed-database style records).
 * Parses the input as an index (tolerant and strict); when it parses,
 * checks that writing it back in its recorded order reproduces text that
 * parses to the same number of entries and writes identically again
 * (write -> parse -> write is a fixed point), and that the canonical form
 * parses too; read with the lists kept as text, every entry's lists parse
 * (scratch and into the index) to what the eager read gave. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "apk/index.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_rewrite(const struct pare_index *idx, unsigned wflags)
{
	struct pare_buf a, b;
	struct pare_index again;
	pare_buf_init(&a, 64u << 20);
	pare_buf_init(&b, 64u << 20);
	pare_index_init(&again);
	if (pare_index_write_text(idx, &a, wflags, NULL) == 0) {
		if (pare_index_parse_slice(&again, pare_buf_slice(&a), "again", 0, NULL) != 0)
			__builtin_trap();
		if (again.n != idx->n)
			__builtin_trap();
		if (pare_index_write_text(&again, &b, wflags, NULL) != 0)
			__builtin_trap();
		if (a.len != b.len || (a.len && memcmp(a.data, b.data, a.len) != 0))
			__builtin_trap();
	}
	pare_index_release(&again);
	pare_buf_release(&a);
	pare_buf_release(&b);
}

static void check_lazy(const struct pare_index *eager, struct pare_slice s)
{
	struct pare_index lazy;
	struct pare_dep *buf = NULL;
	size_t cap = 0;
	pare_index_init(&lazy);
	if (pare_index_parse_slice(&lazy, s, "fuzz", PARE_INDEX_LAZY_DEPS, NULL) != 0 ||
	    lazy.n != eager->n)
		__builtin_trap();
	for (size_t i = 0; i < lazy.n; i++) {
		struct pare_pkgent tmp;
		const struct pare_pkgent *e = &eager->ents[i];
		if (pare_pkgent_deps_tmp(&lazy.ents[i], &tmp, &buf, &cap, NULL) != 0 ||
		    pare_index_entry_deps(&lazy, &lazy.ents[i], NULL) != 0)
			__builtin_trap();
		const struct pare_pkgent *v[] = { &tmp, &lazy.ents[i] };
		for (size_t k = 0; k < 2; k++)
			if (v[k]->flags != e->flags || v[k]->depends.n != e->depends.n ||
			    v[k]->provides.n != e->provides.n || v[k]->install_if.n != e->install_if.n ||
			    v[k]->replaces.n != e->replaces.n)
				__builtin_trap();
	}
	free(buf);
	pare_index_release(&lazy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pare_slice s = pare_slice_make((const char *)data, size);
	struct pare_index idx;
	pare_index_init(&idx);
	if (pare_index_parse_slice(&idx, s, "fuzz", 0, NULL) == 0) {
		check_lazy(&idx, s);
		check_rewrite(&idx, 0);
		check_rewrite(&idx, PARE_INDEX_WRITE_CANONICAL);
		(void)pare_index_sort(&idx);
		for (size_t i = 0; i + 1 < idx.n; i++)
			if (pare_slice_cmp(idx.ents[i].name, idx.ents[i + 1].name) > 0)
				__builtin_trap();
	}
	pare_index_release(&idx);
	pare_index_init(&idx);
	(void)pare_index_parse_slice(&idx, s, "fuzz", PARE_INDEX_STRICT, NULL);
	pare_index_release(&idx);
	return 0;
}
