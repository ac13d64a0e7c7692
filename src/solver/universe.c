/* The package universe: interning, merging by identity, reverse maps. */
#include "solver/universe.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apk/version.h"
#include "base/bigbuf.h"
#include "io/digest.h"
#include "solver/svec.h"

int pare_svec_push(struct pare_svec *v, void *p)
{
	uint32_t cap = v->cap & ~PARE_SVEC_BORROWED;
	if (v->n == cap) {
		uint32_t ncap = cap ? cap * 2 : 4;
		void **nv;
		if (v->cap & PARE_SVEC_BORROWED) { /* a slot of the reverse-map block */
			if ((nv = malloc((size_t)ncap * sizeof(*nv))))
				memcpy(nv, v->v, (size_t)v->n * sizeof(*nv));
		} else {
			nv = realloc(v->v, (size_t)ncap * sizeof(*nv));
		}
		if (!nv)
			return -ENOMEM;
		v->v = nv;
		v->cap = ncap;
	}
	v->v[v->n++] = p;
	return 0;
}

void pare_svec_release(struct pare_svec *v)
{
	if (!(v->cap & PARE_SVEC_BORROWED))
		free(v->v);
	v->v = NULL;
	v->n = v->cap = 0;
}

/* Grow *arr (of elem bytes) so that index n fits. */
int pare_sgrow(void **arr, uint32_t *cap, uint32_t n, size_t elem)
{
	if (n < *cap)
		return 0;
	uint32_t ncap = *cap ? *cap * 2 : 16;
	while (ncap <= n)
		ncap *= 2;
	void *p = realloc(*arr, (size_t)ncap * elem);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

void pare_universe_init(struct pare_universe *u, struct pare_slice arch)
{
	memset(u, 0, sizeof(*u));
	pare_arena_init(&u->arena, 1 << 20, 0);
	u->tags[0] = pare_slice_from("");
	u->ntags = 1;
	u->arch = pare_arena_slice(&u->arena, arch);
}

/* ---- the name table */

/* s equals the text t (of s.len bytes): inline for short names and versions. */
static bool name_text_eq(const char *t, struct pare_slice s)
{
	size_t n = s.len;
	if (n >= 8 && n <= 16)
		return pare_load64(t) == pare_load64(s.ptr) &&
		       pare_load64(t + n - 8) == pare_load64(s.ptr + n - 8);
	if (n >= 4 && n < 8)
		return pare_load32(t) == pare_load32(s.ptr) &&
		       pare_load32(t + n - 4) == pare_load32(s.ptr + n - 4);
	return n == 0 || memcmp(t, s.ptr, n) == 0;
}

/* The slot of text s (hash h) in a table of ids: the one holding it, or
 * the empty one where it goes.  Two tables share it: names (is_name: an
 * id's text is names[id]->str) and interned strings (strs[id]); the flag
 * is a constant at each (inlined) call, so the test folds away. */
static inline struct pare_id_slot *text_slot(const struct pare_universe *u, bool is_name,
					     struct pare_slice s, uint32_t h)
{
	struct pare_id_slot *slots = is_name ? u->name_slots : u->str_slots;
	uint32_t mask = (is_name ? u->name_slots_cap : u->str_slots_cap) - 1;
	for (uint32_t i = h & mask;; i = (i + 1) & mask) {
		struct pare_id_slot *sl = &slots[i];
		if (!sl->id1)
			return sl;
		if (sl->hash == h) {
			const struct pare_slice t =
				is_name ? u->names[sl->id1 - 1]->str : u->strs[sl->id1 - 1];
			if (t.len == s.len && name_text_eq(t.ptr, s))
				return sl;
		}
	}
}

/* Room for count keys at load <= 1/2 in a table of *cap slots. */
static int slots_reserve(struct pare_id_slot **slots, uint32_t *slots_cap, size_t count)
{
	size_t cap = *slots_cap ? *slots_cap : 64;
	if (count > UINT32_MAX / 4)
		return -ENOMEM;
	while (count * 2 > cap)
		cap *= 2;
	if (cap <= *slots_cap)
		return 0;
	struct pare_id_slot *v = calloc(cap, sizeof(*v)), *old = *slots;
	if (!v)
		return -ENOMEM;
	uint32_t ocap = *slots_cap;
	*slots = v;
	*slots_cap = (uint32_t)cap;
	for (uint32_t i = 0; i < ocap; i++) /* the hashes are kept: no key is read */
		if (old[i].id1) {
			uint32_t mask = (uint32_t)cap - 1, k = old[i].hash & mask;
			while (v[k].id1)
				k = (k + 1) & mask;
			v[k] = old[i];
		}
	free(old);
	return 0;
}

int pare_universe_reserve(struct pare_universe *u, size_t more)
{
	if (more > UINT32_MAX - u->npkgs)
		return -ENOMEM;
	uint32_t want = u->npkgs + (uint32_t)more;
	/* Alpine 3.17's index: 2.4 names per package (so:, cmd:, pc: provides
	 * and dependencies), 0.4 distinct versions */
	size_t names = (size_t)u->nnames + more * 5 / 2;
	if (slots_reserve(&u->pkg_slots, &u->pkg_slots_cap, (size_t)u->npkgs + more) < 0 ||
	    slots_reserve(&u->name_slots, &u->name_slots_cap, names) < 0 ||
	    slots_reserve(&u->str_slots, &u->str_slots_cap, (size_t)u->nstrs + more / 3) < 0 ||
	    pare_sgrow((void **)&u->strs, &u->strs_cap, u->nstrs + (uint32_t)(more / 3),
		       sizeof(*u->strs)) < 0 ||
	    (names < UINT32_MAX &&
	     pare_sgrow((void **)&u->names, &u->names_cap, (uint32_t)names, sizeof(*u->names)) < 0))
		return -ENOMEM;
	/* ~640 arena bytes a package (Alpine 3.17's 5,004 take 3.2 MB): on
	 * huge pages (base/bigbuf.h), as many as that rounds to, 512 faults
	 * fewer for each (the last one partly used) */
	size_t huge = (more * 640 + PARE_BIGBUF_HUGE / 2) / PARE_BIGBUF_HUGE;
	if (huge && pare_arena_reserve_huge(&u->arena, huge) < 0)
		return -ENOMEM;
	if (want <= u->pkgs_cap)
		return 0;
	void *p = realloc(u->pkgs, (size_t)want * sizeof(*u->pkgs));
	if (!p)
		return -ENOMEM;
	u->pkgs = p;
	u->pkgs_cap = want;
	return 0;
}

void pare_universe_release(struct pare_universe *u)
{
	if (!u)
		return;
	/* after one finalize every vector lies in rev_block: no walk */
	for (uint32_t i = 0; u->rev_heap && i < u->nnames; i++) {
		struct pare_sname *n = u->names[i];
		pare_svec_release(&n->own);
		pare_svec_release(&n->uprov);
		pare_svec_release(&n->rdeps);
		pare_svec_release(&n->riif);
		if (!(n->claims_cap & PARE_SVEC_BORROWED))
			free(n->claims);
	}
	free(u->rev_block);
	free(u->names);
	free(u->pkgs);
	free(u->name_slots);
	free(u->pkg_slots);
	pare_universe_forget_strings(u);
	pare_arena_release(&u->arena);
	memset(u, 0, sizeof(*u));
}

void pare_universe_forget_strings(struct pare_universe *u)
{
	free(u->str_slots);
	free(u->strs);
	u->str_slots = NULL;
	u->strs = NULL;
	u->str_slots_cap = u->nstrs = u->strs_cap = 0;
}

static struct pare_slice intern(struct pare_universe *u, struct pare_slice s)
{
	if (s.len == 0)
		return PARE_SLICE_LIT("");
	if (((size_t)u->nstrs + 1) * 2 > u->str_slots_cap &&
	    slots_reserve(&u->str_slots, &u->str_slots_cap, (size_t)u->nstrs + 1) < 0)
		return PARE_SLICE_NULL;
	uint32_t h = pare_hash_short(s.ptr, s.len);
	struct pare_id_slot *sl = text_slot(u, false, s, h);
	if (sl->id1)
		return u->strs[sl->id1 - 1];
	if (u->nstrs == UINT32_MAX - 1 ||
	    pare_sgrow((void **)&u->strs, &u->strs_cap, u->nstrs, sizeof(*u->strs)) < 0)
		return PARE_SLICE_NULL;
	struct pare_slice t = pare_arena_slice(&u->arena, s);
	if (!t.ptr)
		return PARE_SLICE_NULL;
	u->strs[u->nstrs++] = t;
	*sl = (struct pare_id_slot){ h, u->nstrs };
	return t;
}

struct pare_sname *pare_universe_find_name(const struct pare_universe *u, struct pare_slice s)
{
	if (!u->name_slots_cap)
		return NULL;
	const struct pare_id_slot *sl = text_slot(u, true, s, pare_hash_short(s.ptr, s.len));
	return sl->id1 ? u->names[sl->id1 - 1] : NULL;
}

struct pare_sname *pare_universe_name(struct pare_universe *u, struct pare_slice s)
{
	if (((size_t)u->nnames + 1) * 2 > u->name_slots_cap &&
	    slots_reserve(&u->name_slots, &u->name_slots_cap, (size_t)u->nnames + 1) < 0)
		return NULL;
	uint32_t h = pare_hash_short(s.ptr, s.len);
	struct pare_id_slot *sl = text_slot(u, true, s, h);
	if (sl->id1)
		return u->names[sl->id1 - 1];
	if (u->nnames == UINT32_MAX - 1 ||
	    pare_sgrow((void **)&u->names, &u->names_cap, u->nnames, sizeof(*u->names)) < 0)
		return NULL;
	/* the text right after the name: a lookup that hits reads one place */
	if (s.len > SIZE_MAX - sizeof(struct pare_sname) - 1)
		return NULL;
	struct pare_sname *n = pare_arena_alloc(&u->arena, sizeof(*n) + s.len + 1);
	if (!n)
		return NULL;
	memset(n, 0, sizeof(*n));
	char *text = (char *)(n + 1);
	if (s.len)
		memcpy(text, s.ptr, s.len);
	text[s.len] = '\0';
	n->str = (struct pare_slice){ text, s.len };
	n->id = u->nnames;
	u->names[u->nnames++] = n;
	sl->hash = h;
	sl->id1 = u->nnames;
	return n;
}

int pare_universe_tag(struct pare_universe *u, struct pare_slice tag)
{
	for (uint32_t i = 0; i < u->ntags; i++)
		if (pare_slice_eq(u->tags[i], tag))
			return (int)i;
	if (u->ntags > PARE_SOLVER_MAX_TAGS)
		return -PARE_E_TOO_BIG;
	u->tags[u->ntags] = pare_arena_slice(&u->arena, tag);
	return (int)u->ntags++;
}

int pare_universe_add_repo(struct pare_universe *u, struct pare_slice tag)
{
	if (u->nrepos >= PARE_SOLVER_MAX_REPOS)
		return -PARE_E_TOO_BIG;
	int t = pare_universe_tag(u, tag);
	if (t < 0)
		return t;
	u->repos[u->nrepos].tag = (uint8_t)t;
	return (int)u->nrepos++;
}

int pare_universe_dep(struct pare_universe *u, const struct pare_dep *d, struct pare_sdep *out,
		      struct pare_error *err)
{
	memset(out, 0, sizeof(*out));
	out->name = pare_universe_name(u, d->name);
	out->version = intern(u, d->version);
	if (!out->name || (d->version.len && !out->version.ptr))
		return pare_error_set(err, -ENOMEM, "out of memory");
	out->op = d->op;
	out->conflict = d->conflict;
	out->checksum = d->checksum;
	if (d->tag.len) {
		int t = pare_universe_tag(u, d->tag);
		if (t < 0)
			return pare_error_set(err, t, "too many repository tags");
		out->tag = (uint8_t)t;
	}
	return 0;
}

static int dep_array(struct pare_universe *u, const struct pare_dep *src, size_t n,
		     struct pare_sdep **out, uint32_t *nout, struct pare_error *err)
{
	*out = NULL;
	*nout = 0;
	if (n == 0)
		return 0;
	struct pare_sdep *a = pare_arena_alloc(&u->arena, n * sizeof(*a)); /* each one set below */
	if (!a)
		return pare_error_set(err, -ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		int r = pare_universe_dep(u, &src[i], &a[i], err);
		if (r < 0)
			return r;
	}
	*out = a;
	*nout = (uint32_t)n;
	return 0;
}

static int fill_pkg(struct pare_universe *u, struct pare_spkg *p, const struct pare_spkg_desc *d,
		    struct pare_error *err)
{
	p->name = pare_universe_name(u, d->name);
	p->version = intern(u, d->version);
	/* nearly every package has the universe's own */
	p->arch = pare_slice_eq(d->arch, u->arch) && u->arch.len ? u->arch : intern(u, d->arch);
	if (!p->name || !p->version.ptr || !p->arch.ptr)
		return pare_error_set(err, -ENOMEM, "out of memory");
	int r = dep_array(u, d->depends, d->ndepends, &p->depends, &p->ndepends, err);
	if (r == 0)
		r = dep_array(u, d->provides, d->nprovides, &p->provides, &p->nprovides, err);
	if (r == 0)
		r = dep_array(u, d->install_if, d->ninstall_if, &p->install_if, &p->ninstall_if, err);
	if (r < 0)
		return r;
	if (d->nreplaces) {
		p->replaces = pare_arena_zalloc(&u->arena, d->nreplaces * sizeof(*p->replaces));
		if (!p->replaces)
			return pare_error_set(err, -ENOMEM, "out of memory");
		for (size_t i = 0; i < d->nreplaces; i++)
			if (!(p->replaces[i] = pare_universe_name(u, d->replaces[i].name)))
				return pare_error_set(err, -ENOMEM, "out of memory");
		p->nreplaces = (uint32_t)d->nreplaces;
	}
	p->installed_size = d->installed_size;
	p->size = d->size;
	p->provider_priority = d->provider_priority;
	if (d->has_priority)
		p->flags |= PARE_SPKG_HAS_PRIORITY;
	if (d->broken)
		p->flags |= PARE_SPKG_BROKEN;
	if (d->identity_len) {
		p->identity_len = (uint8_t)d->identity_len;
		memcpy(p->identity, d->identity, d->identity_len);
	}
	return 0;
}

/* The key of a package for merging: its identity, or (without one) its
 * name and version. */
static uint32_t pkg_key_hash(const struct pare_spkg_desc *d)
{
	if (d->identity_len >= 4) /* a digest: its bytes are already uniform */
		return pare_load32(d->identity);
	if (d->identity_len)
		return (uint32_t)pare_hash_bytes(d->identity, d->identity_len);
	return (uint32_t)(pare_hash_bytes(d->name.ptr, d->name.len) * 31 ^
			  pare_hash_bytes(d->version.ptr, d->version.len));
}

static bool pkg_key_eq(const struct pare_spkg *p, const struct pare_spkg_desc *d)
{
	if (d->identity_len)
		return p->identity_len == d->identity_len &&
		       memcmp(p->identity, d->identity, d->identity_len) == 0;
	return p->identity_len == 0 && pare_slice_eq(p->name->str, d->name) &&
	       pare_slice_eq(p->version, d->version);
}

/* The slot of d's key: the first package added with it, or the empty one. */
static struct pare_id_slot *pkg_slot(const struct pare_universe *u,
				     const struct pare_spkg_desc *d, uint32_t h)
{
	uint32_t mask = u->pkg_slots_cap - 1;
	for (uint32_t i = h & mask;; i = (i + 1) & mask) {
		struct pare_id_slot *sl = &u->pkg_slots[i];
		if (!sl->id1 || (sl->hash == h && pkg_key_eq(u->pkgs[sl->id1 - 1], d)))
			return sl;
	}
}

static void mark_source(struct pare_universe *u, struct pare_spkg *p, const struct pare_spkg_desc *d,
			enum pare_spkg_source src, int repo)
{
	if (src == PARE_SPKG_FROM_REPO && repo >= 0 && repo < PARE_SOLVER_MAX_REPOS)
		p->repos |= UINT64_C(1) << repo;
	else if (src == PARE_SPKG_FROM_CACHE)
		p->flags |= PARE_SPKG_CACHED;
	else if (src == PARE_SPKG_FROM_INSTALLED && !(p->flags & PARE_SPKG_INSTALLED)) {
		p->flags |= PARE_SPKG_INSTALLED;
		p->installed_order = u->ninstalled++;
		p->nfiles = d->nfiles;
		p->ndirs = d->ndirs;
		if (d->installed_tag.len) {
			int t = pare_universe_tag(u, d->installed_tag);
			p->installed_tag = t > 0 ? (uint8_t)t : 0;
		}
	}
}

/* Before the first finalize: count p's entries in the reverse maps, in
 * the (empty) vectors' caps, while its names are at hand (finalize
 * carves the vectors from these counts, universe_rev.c). */
static void count_rev(struct pare_universe *u, const struct pare_spkg *p)
{
	p->name->own.cap++;
	p->name->claims_cap++;
	u->rev_ptrs++;
	u->rev_claims++;
	for (uint32_t i = 0; i < p->nprovides; i++) {
		struct pare_sdep *d = &p->provides[i];
		if (d->version.len) {
			d->name->claims_cap++;
			u->rev_claims++;
		} else {
			d->name->uprov.cap++;
			u->rev_ptrs++;
		}
	}
	for (uint32_t i = 0; i < p->ndepends; i++)
		p->depends[i].name->rdeps.cap++;
	for (uint32_t i = 0; i < p->ninstall_if; i++)
		p->install_if[i].name->riif.cap++;
	u->rev_ptrs += (size_t)p->ndepends + p->ninstall_if;
}

int pare_universe_add(struct pare_universe *u, const struct pare_spkg_desc *d,
		      enum pare_spkg_source src, int repo, struct pare_spkg **out,
		      struct pare_error *err)
{
	if (d->identity_len > PARE_SOLVER_MAX_IDENTITY)
		return pare_error_set(err, -PARE_E_TOO_BIG, "identity too long");
	if (((size_t)u->npkgs + 1) * 2 > u->pkg_slots_cap &&
	    slots_reserve(&u->pkg_slots, &u->pkg_slots_cap, (size_t)u->npkgs + 1) < 0)
		return pare_error_set(err, -ENOMEM, "out of memory");
	uint32_t h = pkg_key_hash(d);
	struct pare_id_slot *sl = pkg_slot(u, d, h);
	struct pare_spkg *p = sl->id1 ? u->pkgs[sl->id1 - 1] : NULL;
	if (!p) {
		if (pare_sgrow((void **)&u->pkgs, &u->pkgs_cap, u->npkgs, sizeof(*u->pkgs)) < 0)
			return pare_error_set(err, -ENOMEM, "out of memory");
		p = pare_arena_zalloc(&u->arena, sizeof(*p));
		if (!p)
			return pare_error_set(err, -ENOMEM, "out of memory");
		int r = fill_pkg(u, p, d, err);
		if (r < 0)
			return r;
		p->id = u->npkgs;
		u->pkgs[u->npkgs++] = p;
		if (!u->rev_block && u->nindexed == 0)
			count_rev(u, p);
		sl->hash = h;
		sl->id1 = u->npkgs;
		if (d->broken && src == PARE_SPKG_FROM_REPO)
			u->has_broken = true;
	}
	mark_source(u, p, d, src, repo);
	if (out)
		*out = p;
	return 0;
}

bool pare_spkg_arch_ok(const struct pare_universe *u, const struct pare_spkg *p)
{
	/* The universe's own architecture first: most packages carry it, and
	 * usually as the universe's very slice. */
	if (p->arch.len == 0 || u->arch.len == 0 || pare_slice_eq(p->arch, u->arch))
		return true;
	return pare_slice_eq(p->arch, pare_slice_make("noarch", 6));
}

/* A checksum pin "name><Q1...": the package's identity, decoded. */
static bool identity_text_eq(const struct pare_sdep *d, const struct pare_spkg *p)
{
	struct pare_digest_value v;
	if (p->identity_len == 0 ||
	    pare_apk_checksum_parse(d->version.ptr, d->version.len, &v) < 0)
		return false;
	return v.len == p->identity_len && memcmp(v.bytes, p->identity, v.len) == 0;
}

bool pare_sdep_matches(const struct pare_sdep *d, const struct pare_spkg *p,
		       struct pare_slice version, bool unversioned)
{
	if (d->checksum)
		return identity_text_eq(d, p);
	if (d->op == PARE_VERSION_ANY && d->version.len == 0)
		return true;
	if (unversioned)
		return false;
	return pare_version_match(version, d->op, d->version);
}

bool pare_sdep_hits(const struct pare_sdep *d, const struct pare_spkg *p)
{
	if (p->name == d->name && pare_sdep_matches(d, p, p->version, false))
		return true;
	for (uint32_t i = 0; i < p->nprovides; i++) {
		const struct pare_sdep *pr = &p->provides[i];
		if (pr->name == d->name && pare_sdep_matches(d, p, pr->version, pr->version.len == 0))
			return true;
	}
	return false;
}

int pare_spkg_format(const struct pare_spkg *p, char *buf, size_t size)
{
	return snprintf(buf, size, "%.*s-%.*s", (int)p->name->str.len, p->name->str.ptr,
			(int)p->version.len, p->version.ptr);
}

int pare_sdep_format(const struct pare_universe *u, const struct pare_sdep *d, char *buf,
		     size_t size)
{
	struct pare_dep pd = {
		.name = d->name->str,
		.version = d->version,
		.op = d->op,
		.conflict = d->conflict,
		.checksum = d->checksum,
		.tag = d->tag < u->ntags ? u->tags[d->tag] : PARE_SLICE_NULL,
	};
	return pare_dep_format(&pd, buf, size);
}
