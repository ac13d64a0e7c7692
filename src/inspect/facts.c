/* Facts read once after the walk: etc/passwd, etc/group and the installed
 * database, for the checks that need them. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/slice.h"
#include "inspect/int.h"

#define PI_MAX_ACCOUNTS_FILE (4u << 20)
#define PI_MAX_ACCOUNTS 65536u

static bool parse_u32(const char *s, uint32_t *out)
{
	uint64_t v;
	if (!pare_slice_to_u64(pare_slice_from(s), &v) || v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* Split a line on ':' into at most n fields (in place). */
static size_t split(char *line, char **f, size_t n)
{
	size_t k = 0;
	f[k++] = line;
	for (char *p = line; *p && k < n + 1; p++)
		if (*p == ':') {
			*p = '\0';
			if (k == n)
				return n + 1; /* too many */
			f[k++] = p + 1;
		}
	return k;
}

static int read_table(struct pare_insp_ctx *c, const char *path, bool is_passwd,
		      struct pi_account **out, size_t *nout, bool *present)
{
	char *text = pi_read(c, path, PI_MAX_ACCOUNTS_FILE, NULL);
	*present = text != NULL;
	if (!text)
		return 0;
	size_t cap = 1;
	for (char *p = text; *p; p++)
		cap += *p == '\n';
	if (cap > PI_MAX_ACCOUNTS)
		cap = PI_MAX_ACCOUNTS;
	struct pi_account *v = pare_arena_zalloc(&c->arena, cap * sizeof(*v));
	if (!v)
		return -ENOMEM;
	size_t n = 0;
	for (char *line = text, *next; line && *line && n < cap; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (!*line || *line == '#')
			continue;
		struct pi_account *a = &v[n++];
		a->line = pare_arena_strdup(&c->arena, pare_slice_from(line));
		char *f[8];
		size_t want = is_passwd ? 7 : 4;
		size_t k = split(line, f, want);
		a->name = f[0];
		if (k != want)
			continue;
		a->passwd = f[1];
		a->ok = parse_u32(f[2], &a->id) && *f[0] &&
			(!is_passwd || parse_u32(f[3], &a->gid));
		if (is_passwd) {
			a->home = f[5];
			a->shell = f[6];
		}
	}
	*out = v;
	*nout = n;
	return 0;
}

static const struct pi_account *find(const struct pi_account *v, size_t n, const char *key)
{
	uint32_t id;
	bool numeric = parse_u32(key, &id);
	for (size_t i = 0; i < n; i++)
		if (v[i].ok && (numeric ? v[i].id == id : strcmp(v[i].name, key) == 0))
			return &v[i];
	return NULL;
}

const struct pi_account *pi_user(const struct pare_insp_ctx *c, const char *key)
{
	return find(c->users, c->nusers, key);
}

const struct pi_account *pi_group(const struct pare_insp_ctx *c, const char *key)
{
	return find(c->groups, c->ngroups, key);
}

static void read_db(struct pare_insp_ctx *c)
{
	struct pare_error err = { 0 };
	c->db_present = pi_lookup(c, "/lib/apk/db/installed") != NULL;
	if (!c->db_present)
		return;
	int rc = pare_db_installed_read(&c->db, &c->root, &err);
	c->db_ok = rc == 0;
	if (rc < 0)
		c->db_error = pare_arena_strdup(&c->arena,
						pare_slice_from(pare_error_text(&err, rc)));
}

int pi_read_accounts(struct pare_insp_ctx *c)
{
	int rc = read_table(c, "/etc/passwd", true, &c->users, &c->nusers, &c->passwd_present);
	if (rc == 0)
		rc = read_table(c, "/etc/group", false, &c->groups, &c->ngroups, &c->group_present);
	if (rc == 0)
		read_db(c);
	return rc;
}
