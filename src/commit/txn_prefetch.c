/* Reading packages ahead on a second thread (see txn_int.h).
 *
 * The main thread opens the package files of the next few installs (in
 * change order) and queues them; the reader thread runs pare_pkg_read on
 * each (inflate, .PKGINFO, signatures, datahash/checksums) with a visitor
 * that only copies the data entries and their bytes into the slot's arena.
 * The reader touches nothing outside its slot: no file is created, no
 * database or journal entry written, nothing logged.  The main thread then
 * replays the recorded entries, in order, to the transaction's visitor
 * (which stages and checks them as when it reads the file itself) and takes
 * the reader's result; an entry recorded before a read error is replayed
 * before that error is returned, as a streaming read would have reached
 * it.  Memory: at most PF_SLOTS packages, and a package is recorded only up
 * to PF_PKG_MAX bytes of content (past that the main thread reads it again
 * itself, streaming); queued packages' declared sizes stay below PF_QUEUE_MAX.
 * Locking: slot states, `head`/`count` and `paused`/`busy`/`stop` are under
 * `mu`; a slot's other fields belong to the main thread while FREE and to
 * the reader from QUEUED until DONE. */
#include "commit/txn_int.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <unistd.h>

#include "repo/repo.h"

#define PF_SLOTS 8
#define PF_PKG_MAX (1u << 20)
#define PF_QUEUE_MAX (8u << 20)

enum { PF_FREE, PF_QUEUED, PF_DONE };

struct pf_entry {
	struct pf_entry *next;
	struct pare_tar_entry e; /* slices into the slot's arena */
	const unsigned char *data;
	size_t len;
};

struct pf_slot {
	const struct pare_txn_change *c;
	int fd;
	char path[PARE_PATH_MAX];
	struct pare_pkg_read_opts ro;
	struct pare_pkg pkg;
	struct pare_arena arena;
	struct pf_entry *first, **tail; /* in the arena, in stream order */
	uint64_t bytes; /* content recorded */
	uint64_t declared;
	bool too_big;
	int r;
	struct pare_error err;
	int state;
};

struct txn_prefetch {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_mutex_t open_mu; /* the repositories' kept directory (txn_open_pkg) */
	struct txn *t;
	const struct pare_txn_change *changes;
	size_t n, next;        /* next change to consider queueing */
	struct pf_slot slots[PF_SLOTS];
	size_t head, count;    /* queued or done slots, in change order */
	size_t wpos;           /* the reader's next slot */
	uint64_t queued;       /* declared sizes of the queued slots */
	bool stop, paused, busy;
};

static bool eligible(const struct txn *t, const struct pare_txn_change *c)
{
	if (!c->new_ent || c->kind == PARE_TXN_REMOVE || c->kind == PARE_TXN_RETAG)
		return false;
	if (c->new_ent->installed_size > PF_PKG_MAX)
		return false;
	if (c->pkg_path)
		return true;
	const struct pare_repos *rs = t->o->repos;
	int i = c->new_ent->repo;
	/* only files read in place: a remote package is downloaded by
	 * pare_repos_pkg_open, which stays on the main thread and in order */
	return rs && i >= 0 && (size_t)i < rs->n && rs->v[i].kind == PARE_REPO_LOCAL;
}

/* ---- the reader thread ---- */

static int record_entry(void *ctx, const struct pare_tar_entry *e, struct pare_istream *content,
			struct pare_error *err)
{
	struct pf_slot *s = ctx;
	if (s->bytes + e->size > PF_PKG_MAX) {
		s->too_big = true;
		return pare_error_set(err, -EFBIG, "%s: read ahead: too big", s->path);
	}
	struct pare_arena *a = &s->arena;
	struct pf_entry *pe = pare_arena_zalloc(a, sizeof(*pe));
	if (!pe)
		return pare_error_set(err, -ENOMEM, "out of memory");
	pe->e = *e;
	pe->e.name = pare_arena_slice(a, e->name);
	pe->e.linkname = pare_arena_slice(a, e->linkname);
	pe->e.uname = pare_arena_slice(a, e->uname);
	pe->e.gname = pare_arena_slice(a, e->gname);
	struct pare_tar_record *recs = NULL;
	if (e->nrecords) {
		recs = pare_arena_alloc(a, e->nrecords * sizeof(*recs));
		for (size_t i = 0; recs && i < e->nrecords; i++) {
			recs[i].key = pare_arena_slice(a, e->records[i].key);
			recs[i].value = pare_arena_slice(a, e->records[i].value);
		}
	}
	pe->e.records = recs;
	unsigned char *data = e->type == PARE_TAR_REG && e->size ? pare_arena_alloc(a, e->size) : NULL;
	if ((e->nrecords && !recs) || (e->type == PARE_TAR_REG && e->size && !data))
		return pare_error_set(err, -ENOMEM, "out of memory");
	size_t got = 0;
	while (data && got < e->size) {
		ssize_t k = pare_istream_read(content, data + got, e->size - got, err);
		if (k < 0)
			return (int)k;
		if (k == 0)
			break;
		got += (size_t)k;
	}
	pe->data = data;
	pe->len = got;
	s->bytes += got;
	*s->tail = pe;
	s->tail = &pe->next;
	return 0;
}

static void read_slot(struct txn_prefetch *p, struct pf_slot *s)
{
	struct pare_pkg_visitor v = { .entry = record_entry, .ctx = s };
	s->r = txn_prefetch_open(p, p->t, s->c, s->path, sizeof(s->path), &s->fd, &s->err);
	if (s->r < 0)
		return;
	s->r = pare_pkg_read_fd(&s->pkg, s->fd, s->path, &s->ro, &v, &s->err);
	close(s->fd);
	s->fd = -1;
}

static void *reader(void *arg)
{
	struct txn_prefetch *p = arg;
	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->stop && (p->paused || p->slots[p->wpos].state != PF_QUEUED))
			pthread_cond_wait(&p->cv, &p->mu);
		if (p->stop)
			break;
		struct pf_slot *s = &p->slots[p->wpos];
		p->busy = true;
		pthread_mutex_unlock(&p->mu);
		read_slot(p, s);
		pthread_mutex_lock(&p->mu);
		p->busy = false;
		s->state = PF_DONE;
		p->wpos = (p->wpos + 1) % PF_SLOTS;
		pthread_cond_broadcast(&p->cv);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* ---- the main thread ---- */

static void slot_clear(struct pf_slot *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	pare_pkg_release(&s->pkg);
	pare_arena_release(&s->arena);
	s->first = NULL;
	s->tail = &s->first;
	s->bytes = 0;
	s->too_big = false;
	s->r = 0;
	s->c = NULL;
}

/* Queue the next eligible changes while slots and the budget allow. */
static void pump(struct txn_prefetch *p)
{
	bool queued = false;
	while (p->count < PF_SLOTS && p->next < p->n) {
		const struct pare_txn_change *c = &p->changes[p->next];
		if (!eligible(p->t, c)) {
			p->next++;
			continue;
		}
		uint64_t size = c->new_ent->installed_size;
		if (p->count && p->queued + size > PF_QUEUE_MAX)
			break;
		p->next++;
		struct pf_slot *s = &p->slots[(p->head + p->count) % PF_SLOTS];
		s->c = c;
		s->fd = -1;
		s->first = NULL;
		s->tail = &s->first;
		s->path[0] = '\0';
		s->declared = size;
		txn_read_opts(p->t, c, &s->ro);
		pare_pkg_init(&s->pkg);
		pare_arena_init(&s->arena, 32768, 0);
		memset(&s->err, 0, sizeof(s->err));
		pthread_mutex_lock(&p->mu);
		s->state = PF_QUEUED;
		p->count++;
		p->queued += size;
		pthread_mutex_unlock(&p->mu);
		queued = true;
	}
	if (queued) { /* one wake-up for the batch */
		pthread_mutex_lock(&p->mu);
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
	}
}


static struct pf_slot *wait_head(struct txn_prefetch *p)
{
	struct pf_slot *s = &p->slots[p->head];
	pthread_mutex_lock(&p->mu);
	while (s->state != PF_DONE)
		pthread_cond_wait(&p->cv, &p->mu);
	pthread_mutex_unlock(&p->mu);
	return s;
}

static void pop_head(struct txn_prefetch *p)
{
	struct pf_slot *s = &p->slots[p->head];
	p->queued -= s->declared;
	slot_clear(s);
	pthread_mutex_lock(&p->mu); /* the reader reads states under mu */
	s->state = PF_FREE;
	p->head = (p->head + 1) % PF_SLOTS;
	p->count--;
	pthread_mutex_unlock(&p->mu);
}

int txn_prefetch_open(struct txn_prefetch *p, struct txn *t, const struct pare_txn_change *c,
		      char *out, size_t size, int *fd, struct pare_error *err)
{
	if (!p)
		return txn_open_pkg(t, c, out, size, fd, err);
	pthread_mutex_lock(&p->open_mu);
	int r = txn_open_pkg(t, c, out, size, fd, err);
	pthread_mutex_unlock(&p->open_mu);
	return r;
}

struct txn_prefetch *txn_prefetch_start(struct txn *t, const struct pare_txn_change *changes,
					size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n && k < 2; i++)
		k += eligible(t, &changes[i]);
	if (k < 2) /* nothing to overlap */
		return NULL;
	struct txn_prefetch *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->t = t;
	p->changes = changes;
	p->n = n;
	for (size_t i = 0; i < PF_SLOTS; i++)
		p->slots[i].fd = -1;
	/* glibc's init functions cannot fail for default attributes */
	pthread_mutex_init(&p->mu, NULL);
	pthread_mutex_init(&p->open_mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	/* signals stay with the main thread (the reader starts with all blocked) */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int rc = pthread_create(&p->th, NULL, reader, p);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		pthread_cond_destroy(&p->cv);
		pthread_mutex_destroy(&p->open_mu);
		pthread_mutex_destroy(&p->mu);
		free(p);
		return NULL; /* everything is then read on the main thread */
	}
	pump(p);
	return p;
}

bool txn_prefetch_take(struct txn_prefetch *p, const struct pare_txn_change *c,
		       struct pare_pkg *pkg, const struct pare_pkg_visitor *v, char *path,
		       size_t size, int *r, struct pare_error *err)
{
	if (!p)
		return false;
	/* a change queued but never read by its install (it failed before) */
	while (p->count && p->slots[p->head].c < c) {
		wait_head(p);
		pop_head(p);
	}
	if (p->count <= PF_SLOTS / 2)
		pump(p);
	if (!p->count || p->slots[p->head].c != c)
		return false;
	struct pf_slot *s = wait_head(p);
	if (s->too_big) {
		pop_head(p);
		pump(p);
		return false;
	}
	snprintf(path, size, "%s", s->path);
	int rc = 0;
	for (const struct pf_entry *pe = s->first; rc == 0 && pe; pe = pe->next) {
		struct pare_mem_istream m;
		struct pare_istream in;
		pare_mem_istream_init(&m, &in, pe->data, pe->len);
		rc = v->entry(v->ctx, &pe->e, &in, err);
	}
	if (rc == 0 && s->r < 0) {
		rc = s->r;
		*err = s->err;
	}
	*r = rc;
	pare_pkg_release(pkg);
	*pkg = s->pkg; /* moved: its arena's chunks go with it */
	pare_pkg_init(&s->pkg);
	pop_head(p);
	if (p->count <= PF_SLOTS / 2)
		pump(p);
	return true;
}

void txn_prefetch_pause(struct txn_prefetch *p, bool pause)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	p->paused = pause;
	pthread_cond_broadcast(&p->cv);
	while (pause && p->busy)
		pthread_cond_wait(&p->cv, &p->mu);
	pthread_mutex_unlock(&p->mu);
}

void txn_prefetch_stop(struct txn_prefetch *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = true;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->th, NULL);
	for (size_t i = 0; i < PF_SLOTS; i++)
		if (p->slots[i].state != PF_FREE)
			slot_clear(&p->slots[i]); /* the reader is gone */
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->open_mu);
	pthread_mutex_destroy(&p->mu);
	free(p);
}
