/* The transaction journal, lib/apk/db/.pare-journal: what a transaction
 * changed in the installed database before it deleted anything, so that
 * the database is written once per transaction and a kill -9 still
 * converges.  See transaction.h (Convergence) for the guarantee.
 *
 * Format (text): the line "pare-journal 1", then entries.  An entry is
 * items, one per line, ended by the line ".":
 *   +N      followed by N bytes: one package record in the format of
 *           lib/apk/db/installed (blank line included), put in place of
 *           the package of that name;
 *   -NAME   the package NAME is removed;
 *   D:PATH  PATH (normalised, relative to the root) is about to be deleted.
 * An entry without its "." (cut by a kill, or by a full disk and then
 * truncated away) is ignored: its deletions had not started. */
#include "commit/txn_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/dbfile.h"
#include "io/stream.h"

#define JOURNAL_HEADER "pare-journal 1\n"
#define JOURNAL_MAX ((size_t)PARE_DB_MAX_INSTALLED * 2)

/* ---- writing ---- */

int txn_journal_start(struct txn *t, struct pare_error *err)
{
	const char *base;
	int pfd = pare_root_open_parent(t->o->root, PARE_TXN_JOURNAL_PATH, true, 0755, &base, err);
	if (pfd < 0)
		return pfd;
	t->jfd = openat(pfd, base, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_NOFOLLOW | O_CLOEXEC,
			0644);
	int e = errno;
	close(pfd);
	if (t->jfd < 0)
		return pare_error_set(err, -e, "%s: cannot create: %s", PARE_TXN_JOURNAL_PATH,
				      strerror(e));
	int r = pare_write_all(t->jfd, JOURNAL_HEADER, strlen(JOURNAL_HEADER));
	if (r < 0)
		return pare_error_set(err, r, "%s: cannot write: %s", PARE_TXN_JOURNAL_PATH,
				      strerror(-r));
	t->jsize = strlen(JOURNAL_HEADER);
	return 0;
}

int txn_journal_put(struct txn *t, const struct pare_db_pkg *p, struct pare_error *err)
{
	struct pare_buf rec;
	pare_buf_init(&rec, PARE_DB_MAX_INSTALLED);
	int r = pare_db_pkg_write_text(p, &rec, err);
	if (r == 0)
		r = pare_buf_appendf(&t->jentry, "+%zu\n", rec.len);
	if (r == 0)
		r = pare_buf_append(&t->jentry, rec.data, rec.len);
	pare_buf_release(&rec);
	return r < 0 && (!err || !err->code) ? pare_error_set(err, r, "journal: out of memory") : r;
}

int txn_journal_gone(struct txn *t, struct pare_slice name, struct pare_error *err)
{
	int r = pare_buf_appendf(&t->jentry, "-%.*s\n", (int)name.len, name.ptr);
	return r < 0 ? pare_error_set(err, r, "journal: out of memory") : 0;
}

int txn_journal_path(struct txn *t, struct pare_slice path, struct pare_error *err)
{
	int r = pare_buf_appendf(&t->jentry, "D:%.*s\n", (int)path.len, path.ptr);
	return r < 0 ? pare_error_set(err, r, "journal: out of memory") : 0;
}

/* Append the entry built so far with its end line and make it durable; on
 * failure the journal is cut back to its complete entries. */
int txn_journal_commit(struct txn *t, struct pare_error *err)
{
	int r = pare_buf_append(&t->jentry, ".\n", 2);
	if (r == 0 && t->jfd < 0)
		r = -EBADF;
	if (r == 0)
		r = pare_write_all(t->jfd, t->jentry.data, t->jentry.len);
	if (r == 0 && fdatasync(t->jfd) < 0)
		r = -errno;
	if (r == 0)
		t->jsize += t->jentry.len;
	else if (t->jfd >= 0 && ftruncate(t->jfd, (off_t)t->jsize) < 0) {
		close(t->jfd); /* a cut entry must never be followed by another */
		t->jfd = -1;
	}
	pare_buf_reset(&t->jentry);
	if (r < 0)
		return pare_error_set(err, r, "%s: cannot append: %s", PARE_TXN_JOURNAL_PATH,
				      strerror(-r));
	return 0;
}

void txn_journal_end(struct txn *t, bool remove)
{
	if (t->jfd >= 0)
		close(t->jfd);
	t->jfd = -1;
	if (!remove)
		return;
	const char *b;
	int pfd = pare_root_open_parent(t->o->root, PARE_TXN_JOURNAL_PATH, false, 0, &b, NULL);
	if (pfd >= 0) {
		unlinkat(pfd, b, 0);
		close(pfd);
	}
}

/* ---- replaying ---- */

static int put_block(struct pare_db_installed *db, struct pare_slice text, struct pare_error *err)
{
	char *copy = malloc(text.len + 1);
	if (!copy)
		return pare_error_set(err, -ENOMEM, "out of memory");
	memcpy(copy, text.ptr, text.len);
	copy[text.len] = '\0';
	struct pare_db_installed one;
	pare_db_installed_init(&one);
	int r = pare_db_installed_parse(&one, copy, text.len, PARE_TXN_JOURNAL_PATH, err);
	for (size_t i = 0; r == 0 && i < one.npkgs; i++)
		r = pare_db_put_pkg(db, one.pkgs[i], NULL, err);
	pare_db_installed_release(&one);
	return r;
}

/* Apply one complete entry (its items in `items`). */
static int apply_entry(struct pare_db_installed *db, struct pare_slice items,
		       struct pare_buf *dels, struct pare_error *err)
{
	while (items.len) {
		struct pare_slice line;
		pare_slice_split(&items, '\n', &line);
		int r = 0;
		if (line.len && line.ptr[0] == '+') {
			size_t n = (size_t)strtoull(line.ptr + 1, NULL, 10);
			if (n > items.len)
				return pare_error_set(err, -PARE_E_FORMAT, "%s: record longer than the entry",
						      PARE_TXN_JOURNAL_PATH);
			r = put_block(db, pare_slice_make(items.ptr, n), err);
			items = pare_slice_sub(items, n, items.len - n);
		} else if (line.len > 1 && line.ptr[0] == '-') {
			pare_db_remove_pkg(db, pare_db_find_pkg(db, pare_slice_sub(line, 1, line.len - 1)));
		} else if (line.len > 2 && line.ptr[0] == 'D' && line.ptr[1] == ':') {
			r = pare_buf_appendf(dels, "%.*s\n", (int)line.len - 2, line.ptr + 2);
		} else {
			r = pare_error_set(err, -PARE_E_FORMAT, "%s: bad line \"%.*s\"",
					   PARE_TXN_JOURNAL_PATH, (int)(line.len > 60 ? 60 : line.len),
					   line.ptr);
		}
		if (r < 0)
			return r;
	}
	return 0;
}

/* The end of the entry that starts at rest: the offset just past its "."
 * line, or 0 when it has none (cut). */
static size_t entry_end(struct pare_slice rest)
{
	size_t i = 0;
	while (i < rest.len) {
		const char *nl = memchr(rest.ptr + i, '\n', rest.len - i);
		if (!nl)
			return 0;
		size_t len = (size_t)(nl - (rest.ptr + i));
		if (len == 1 && rest.ptr[i] == '.')
			return i + 2;
		if (len && rest.ptr[i] == '+') {
			size_t n = (size_t)strtoull(rest.ptr + i + 1, NULL, 10);
			if (n > rest.len - i - len - 1)
				return 0;
			i += n;
		}
		i += len + 1;
	}
	return 0;
}

int txn_journal_apply(struct pare_db_installed *db, struct pare_slice text, struct pare_buf *dels,
		      struct pare_error *err)
{
	size_t hl = strlen(JOURNAL_HEADER);
	if (text.len < hl || memcmp(text.ptr, JOURNAL_HEADER, hl) != 0)
		return 0; /* empty, cut in its header, or unknown: nothing done */
	struct pare_slice rest = pare_slice_sub(text, hl, text.len - hl);
	int r = 0;
	for (size_t end; r == 0 && rest.len && (end = entry_end(rest)) != 0;) {
		r = apply_entry(db, pare_slice_make(rest.ptr, end - 2), dels, err);
		rest = pare_slice_sub(rest, end, rest.len - end);
	}
	return r;
}

int txn_journal_replay(struct txn *t, bool *found, struct pare_buf *dels, struct pare_error *err)
{
	struct pare_buf b;
	pare_buf_init(&b, JOURNAL_MAX);
	struct pare_error rerr = { 0 };
	int r = pare_db_file_read(t->o->root, PARE_TXN_JOURNAL_PATH, &b, &rerr);
	*found = r != -ENOENT;
	if (r == 0)
		r = txn_journal_apply(t->db, pare_buf_slice(&b), dels, err);
	else if (r == -ENOENT)
		r = 0;
	else
		pare_error_set(err, r, "%s", rerr.msg);
	pare_buf_release(&b);
	return r;
}
