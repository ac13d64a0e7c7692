/* Reading packages ahead on a second thread (see txn_int.h).
 *
 * The main thread opens the package files of the next few installs (in
 * change order) and queues them; the reader thread runs pare_pkg_read on
 * each (inflate, .PKGINFO, signatures, datahash/checksums) with a visitor
 * that only copies the data entries and their bytes into the slot's arena.
 * The reader touches nothing outside its slot (but unnamed files, below):
 * no name is created, no database or journal entry written, nothing
 * logged.  The main thread then
 * replays the recorded entries, in order, to the transaction's visitor
 * (which stages and checks them as when it reads the file itself) and takes
 * the reader's result; an entry recorded before a read error is replayed
 * before that error is returned, as a streaming read would have reached
 * it.  Memory: at most PF_SLOTS packages, and a package is recorded only up
 * to PF_PKG_MAX bytes of content (past that the main thread reads it again
 * itself, streaming); queued packages' declared sizes stay below PF_QUEUE_MAX.
 *
 * Writing ahead: when it has nothing to read (it has read all that is
 * queued: the main thread is the slower one), the reader writes the regular
 * files of packages it has read and verified (pare_pkg_read returned 0)
 * as unnamed files in the root's top directory (pare_extract_prepare:
 * content, mode, times, owner); the main thread offers each one to the
 * extractor with its entry (pare_extract_offer), which links it at commit
 * or closes it -- the decisions stay the extractor's and the transaction's.
 * Each regular entry is claimed once, by an atomic compare-and-swap
 * (PF_E_*), by whichever thread gets to it first, so the two never write
 * the same file and the main thread never waits for more than the one
 * file the reader is writing.  Only when no mount point lies below the
 * root (linkat cannot cross one); the reader stops at its first failure
 * (no O_TMPFILE, ENOSPC: the main thread then writes, and fails, as it
 * would).  Open descriptors: at most fd_budget() files written ahead and
 * not yet taken.  Ownership: a READY entry's fd is the slot's (closed by
 * slot_clear) until the main thread hands it to the extractor.
 *
 * CPUs: while the transaction runs, the main thread stays on its CPU and
 * the reader runs on the process's others (pin(); undone around a fork and
 * at the end).
 *
 * Taking back: a package the reader has not started when the main thread
 * needs it is read by the main thread itself (steal_head), so neither
 * waits for the other when it is slower or not running.
 *
 * Locking: slot states, `head`/`count`, `paused`/`busy`/`stop`, a slot's
 * `prepped`/`prepping`/`nfds` and `fds` are under `mu`; a slot's other
 * fields belong to the main thread while FREE and to the reader from
 * QUEUED until DONE, and are read-only after that (an entry's fd and claim
 * excepted: see above); pop_head waits until the reader is off the slot. */
#include "commit/txn_int.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>

#include "io/stream.h"
#include "repo/repo.h"

#define PF_SLOTS 8
#define PF_PKG_MAX (1u << 20)
#define PF_QUEUE_MAX (8u << 20)
#define PF_FDS_MAX 256
#define PF_MOUNTINFO_MAX (16u << 20)

enum { PF_FREE, PF_QUEUED, PF_READING, PF_DONE };

struct pf_entry {
	struct pf_entry *next;
	struct pare_tar_entry e; /* slices into the slot's arena */
	const unsigned char *data;
	size_t len;
	int fd; /* its content written ahead (pare_extract_prepare), or -1 */
	atomic_int claim; /* PF_E_*: who writes the file (see the top) */
};

/* A regular entry's claim: FREE until the reader (READER, then READY with
 * fd set, or NONE when it declined) or the main thread (MAIN) takes it. */
enum { PF_E_FREE = 0, PF_E_READER, PF_E_READY, PF_E_NONE, PF_E_MAIN };

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
	bool prepped;   /* the reader is done writing its files ahead (mu) */
	bool prepping;  /* the reader is writing them now (mu) */
	size_t nfds;    /* entries' fds written ahead (counted in p->fds; mu) */
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
	/* Writing regular files ahead (see the top): on when the root has no
	 * mount point below it; the reader turns it off at its first failure. */
	struct pare_extract_prep prep;
	bool prep_on;
	bool prep_first;       /* PARE_WRITE_AHEAD=always (see txn_int.h) */
	size_t fds, fd_budget; /* files written ahead and not taken (fds: mu) */
	bool stop, paused, busy;
	/* The main thread's CPUs before pin(), and the one it keeps (the
	 * main thread's only) */
	cpu_set_t main_cpus, main_one;
	bool pinned;
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
	pe->fd = -1;
	atomic_init(&pe->claim, PF_E_FREE);
	s->bytes += got;
	*s->tail = pe;
	s->tail = &pe->next;
	return 0;
}

/* Write the files of a read and verified package ahead, as unnamed
 * files (pare_extract_prepare), each entry claimed first (the main thread
 * may be staging the same package); at most room of them.  Returns how
 * many were written. */
static size_t prepare_slot(struct txn_prefetch *p, struct pf_slot *s, size_t room)
{
	size_t made = 0;
	for (struct pf_entry *pe = s->first; pe && made < room; pe = pe->next) {
		int want = PF_E_FREE;
		if (pe->e.type != PARE_TAR_REG ||
		    !atomic_compare_exchange_strong(&pe->claim, &want, PF_E_READER))
			continue;
		int r = pare_extract_prepare(&p->prep, &pe->e, pe->data, pe->len, &pe->fd);
		atomic_store(&pe->claim, r == 0 ? PF_E_READY : PF_E_NONE);
		pthread_mutex_lock(&p->mu); /* the main thread may wait for it */
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
		if (r < 0) { /* no O_TMPFILE, no space, ...: the main thread writes */
			p->prep_on = false;
			break;
		}
		made += r == 0;
	}
	return made;
}

/* The next package to write files ahead for (under mu): the oldest one
 * read whole that is not done yet, while the budget allows. */
static struct pf_slot *prep_target(struct txn_prefetch *p)
{
	if (!p->prep_on || p->fds >= p->fd_budget)
		return NULL;
	for (size_t i = 0; i < p->count; i++) {
		struct pf_slot *s = &p->slots[(p->head + i) % PF_SLOTS];
		if (s->state != PF_DONE)
			break;
		if (!s->prepped)
			return s;
	}
	return NULL;
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
		/* reading comes first; with nothing to read, writing ahead */
		struct pf_slot *t = NULL;
		while (!p->stop && (p->paused || (p->slots[p->wpos].state != PF_QUEUED &&
						  !(t = prep_target(p)))))
			pthread_cond_wait(&p->cv, &p->mu);
		if (p->stop)
			break;
		p->busy = true;
		struct pf_slot *s = &p->slots[p->wpos];
		if (s->state == PF_QUEUED) {
			size_t room = p->fd_budget - p->fds;
			s->state = PF_READING; /* no longer the main thread's to take back */
			pthread_mutex_unlock(&p->mu);
			read_slot(p, s);
			size_t made = 0;
			if (p->prep_first && p->prep_on && s->r == 0 && !s->too_big)
				made = prepare_slot(p, s, room);
			pthread_mutex_lock(&p->mu);
			s->state = PF_DONE;
			s->prepped = s->r < 0 || s->too_big || p->prep_first;
			s->nfds = made;
			p->fds += made;
			p->wpos = (p->wpos + 1) % PF_SLOTS;
		} else {
			size_t room = p->fd_budget - p->fds;
			t->prepping = true;
			pthread_mutex_unlock(&p->mu);
			size_t made = prepare_slot(p, t, room);
			pthread_mutex_lock(&p->mu);
			t->prepping = false;
			t->prepped = true;
			t->nfds += made;
			p->fds += made;
		}
		p->busy = false;
		pthread_cond_broadcast(&p->cv);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* ---- the main thread ---- */

/* Called with the slot the main thread's (or the reader gone): closes
 * the files written ahead that nobody took. */
static void slot_clear(struct pf_slot *s)
{
	for (struct pf_entry *pe = s->first; pe; pe = pe->next)
		if (pe->fd >= 0) {
			close(pe->fd);
			pe->fd = -1;
		}
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
	pthread_mutex_lock(&p->mu);
	while (s->prepping) /* the reader is still on it (an entry at most) */
		pthread_cond_wait(&p->cv, &p->mu);
	s->prepped = true; /* no target for the reader any more */
	p->fds -= s->nfds; /* taken or closed now */
	s->nfds = 0;
	pthread_mutex_unlock(&p->mu);
	slot_clear(s);
	pthread_mutex_lock(&p->mu); /* the reader reads states under mu */
	s->state = PF_FREE;
	s->prepped = false;
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

/* Whether a mount point lies below the root (or it is unknown): then a
 * file made in the root's top directory may not link into every directory
 * of it (EXDEV), and nothing is written ahead. */
static bool mounts_below(const struct txn *t)
{
	if (!t->root_real_len)
		return true;
	struct pare_buf b;
	struct pare_error e;
	pare_buf_init(&b, PF_MOUNTINFO_MAX);
	bool below = pare_read_file("/proc/self/mountinfo", &b, &e) < 0;
	const char *root = t->root_real;
	size_t rlen = strcmp(root, "/") == 0 ? 0 : t->root_real_len;
	for (char *line = b.data, *nl; !below && line && *line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		/* the fifth field, the mount point (octal escapes for ' ', '\t',
		 * '\n', '\\': a root whose path has them is taken as unknown) */
		char *f = line;
		for (int i = 0; i < 4 && f; i++) {
			f = memchr(f, ' ', nl ? (size_t)(nl - f) : strlen(f));
			f = f ? f + 1 : NULL;
		}
		if (!f)
			continue;
		char *end = memchr(f, ' ', nl ? (size_t)(nl - f) : strlen(f));
		size_t flen = end ? (size_t)(end - f) : 0;
		below = flen > rlen + 1 && memcmp(f, root, rlen) == 0 && f[rlen] == '/';
	}
	pare_buf_release(&b);
	return below || strpbrk(root, " \t\n\\");
}

/* How many files the reader may hold written ahead: PF_FDS_MAX, less when
 * the descriptor limit leaves too little room beside the extractors' own
 * (extract.c's anon_max and directory caches). */
static size_t fd_budget(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
		return PF_FDS_MAX;
	long room = (long)rl.rlim_cur - 2 * PARE_EXTRACT_SHARED_DIRS - PARE_EXTRACT_DIR_CACHE - 64;
	return room <= 0 ? 0 : (size_t)room / 4 > PF_FDS_MAX ? PF_FDS_MAX : (size_t)room / 4;
}

/* Each thread on a CPU of its own: the main thread stays where it is, the
 * reader gets the process's other CPUs.  Left to the scheduler, the
 * reader's wake-ups often stacked both on one CPU: of 7 installs of the
 * 201 packages in a row on the 2-CPU machine, the last ones took 27-30 ms
 * instead of 18-21 ms.  Only with two CPUs or more allowed; unpin()
 * restores the main thread's set (at the end, and around a fork, so that
 * a script is not tied to one CPU). */
static void pin(struct txn_prefetch *p)
{
	cpu_set_t rest;
	int me = sched_getcpu();
	if (me < 0 || me >= CPU_SETSIZE ||
	    sched_getaffinity(0, sizeof(p->main_cpus), &p->main_cpus) != 0 ||
	    CPU_COUNT(&p->main_cpus) < 2 || !CPU_ISSET(me, &p->main_cpus))
		return;
	rest = p->main_cpus;
	CPU_CLR(me, &rest);
	CPU_ZERO(&p->main_one);
	CPU_SET(me, &p->main_one);
	if (pthread_setaffinity_np(p->th, sizeof(rest), &rest) != 0)
		return;
	p->pinned = sched_setaffinity(0, sizeof(p->main_one), &p->main_one) == 0;
}

static void unpin(struct txn_prefetch *p)
{
	if (p->pinned)
		sched_setaffinity(0, sizeof(p->main_cpus), &p->main_cpus);
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
	p->fd_budget = fd_budget();
	const char *wa = getenv("PARE_WRITE_AHEAD");
	p->prep_on = p->fd_budget > 0 && !(wa && strcmp(wa, "never") == 0) && !mounts_below(t) &&
		     pare_extract_prep_init(&p->prep, t->o->root, t->o->owners) == 0;
	p->prep_first = wa && strcmp(wa, "always") == 0;
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
	if (rc == 0)
		pin(p);
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

/* Claim pe's file for the main thread, or learn that the reader wrote it
 * (READY: pe->fd is set) or declined (NONE), waiting while it writes. */
static int claim(struct txn_prefetch *p, struct pf_entry *pe)
{
	int st = PF_E_FREE;
	if (atomic_compare_exchange_strong(&pe->claim, &st, PF_E_MAIN))
		return PF_E_MAIN;
	if (st == PF_E_READER) {
		pthread_mutex_lock(&p->mu);
		while ((st = atomic_load(&pe->claim)) == PF_E_READER)
			pthread_cond_wait(&p->cv, &p->mu);
		pthread_mutex_unlock(&p->mu);
	}
	return st;
}

/* The head slot taken back when the reader has not started it (it is
 * busy elsewhere, or not running): the caller reads that package itself
 * rather than wait.  Returns whether it did. */
static bool steal_head(struct txn_prefetch *p)
{
	struct pf_slot *s = &p->slots[p->head];
	pthread_mutex_lock(&p->mu);
	/* then the reader's next is this one; PARE_WRITE_AHEAD=always: the
	 * reader reads (and writes) every package */
	bool steal = s->state == PF_QUEUED && !p->prep_first;
	if (steal) {
		s->state = PF_DONE;
		s->prepped = true; /* nothing for the reader in it */
		p->wpos = (p->wpos + 1) % PF_SLOTS;
	}
	pthread_mutex_unlock(&p->mu);
	if (steal)
		pop_head(p);
	return steal;
}

bool txn_prefetch_take(struct txn_prefetch *p, const struct pare_txn_change *c,
		       struct pare_pkg *pkg, const struct pare_pkg_visitor *v,
		       struct pare_extract *x, char *path, size_t size, int *r,
		       struct pare_error *err)
{
	if (!p)
		return false;
	/* a change queued but never read by its install (it failed before) */
	while (p->count && p->slots[p->head].c < c) {
		if (!steal_head(p)) {
			wait_head(p);
			pop_head(p);
		}
	}
	if (p->count <= PF_SLOTS / 2)
		pump(p);
	if (!p->count || p->slots[p->head].c != c)
		return false;
	if (steal_head(p)) {
		pump(p);
		return false;
	}
	struct pf_slot *s = wait_head(p);
	if (s->too_big) {
		pop_head(p);
		pump(p);
		return false;
	}
	snprintf(path, size, "%s", s->path);
	int rc = 0;
	for (struct pf_entry *pe = s->first; rc == 0 && pe; pe = pe->next) {
		struct pare_mem_istream m;
		struct pare_istream in;
		pare_mem_istream_init(&m, &in, pe->data, pe->len);
		if (pe->e.type == PARE_TAR_REG && claim(p, pe) == PF_E_READY) {
			pare_extract_offer(x, pe->fd, pe->len); /* x owns it now */
			pe->fd = -1;
		}
		rc = v->entry(v->ctx, &pe->e, &in, err);
		pare_extract_offer(x, -1, 0);
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
	/* refilled half a window at a time: on a busy machine, where the two
	 * threads share one core, the reader then runs for several packages
	 * per switch (a wake-up per package cost ~300 context switches) */
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
	if (!p->pinned)
		return;
	if (pause) /* a forked script gets the process's CPUs */
		unpin(p);
	else if (sched_setaffinity(0, sizeof(p->main_one), &p->main_one) != 0)
		p->pinned = false;
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
	unpin(p);
	for (size_t i = 0; i < PF_SLOTS; i++)
		if (p->slots[i].state != PF_FREE)
			slot_clear(&p->slots[i]); /* the reader is gone */
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->open_mu);
	pthread_mutex_destroy(&p->mu);
	free(p);
}
