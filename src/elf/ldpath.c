/* Search-path building blocks for the static loader (see ldpath.h). */
#include "elf/ldpath.h"

#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "io/stream.h"

#define CONF_MAX_BYTES (1u << 20)
#define CONF_MAX_DEPTH 16
#define CONF_MAX_MATCHES 4096

/* glibc's ABI profiles, keyed by the ELF header.  Not the package
 * architecture table (apk/arch.h): a profile is what the header says, so it
 * includes ABIs no package architecture names (x32, aarch64_be, big-endian
 * ppc64) and has one ARM entry (class and machine cannot tell Debian's
 * armel from armhf); test_elf_loader.c checks the triplets agree. */
static const struct pare_ld_arch arches[] = {
	{ ELFCLASS64, ELFDATA2LSB, EM_X86_64, "x86_64", "x86_64-linux-gnu",
	  "/lib64/ld-linux-x86-64.so.2", "x86_64", "lib64" },
	{ ELFCLASS32, ELFDATA2LSB, EM_X86_64, "x32", "x86_64-linux-gnux32",
	  "/libx32/ld-linux-x32.so.2", "x86_64", "libx32" },
	{ ELFCLASS32, ELFDATA2LSB, EM_386, "i386", "i386-linux-gnu", "/lib/ld-linux.so.2",
	  "i686", NULL },
	{ ELFCLASS64, ELFDATA2LSB, EM_AARCH64, "aarch64", "aarch64-linux-gnu",
	  "/lib/ld-linux-aarch64.so.1", "aarch64", "lib64" },
	{ ELFCLASS64, ELFDATA2MSB, EM_AARCH64, "aarch64_be", "aarch64_be-linux-gnu",
	  "/lib/ld-linux-aarch64_be.so.1", "aarch64_be", "lib64" },
	{ ELFCLASS32, ELFDATA2LSB, EM_ARM, "arm", "arm-linux-gnueabihf",
	  "/lib/ld-linux-armhf.so.3", "v7l", NULL },
	{ ELFCLASS64, ELFDATA2LSB, EM_PPC64, "ppc64le", "powerpc64le-linux-gnu", "/lib64/ld64.so.2",
	  "power8", "lib64" },
	{ ELFCLASS64, ELFDATA2MSB, EM_PPC64, "ppc64", "powerpc64-linux-gnu", "/lib64/ld64.so.1",
	  "power8", "lib64" },
	{ ELFCLASS64, ELFDATA2MSB, EM_S390, "s390x", "s390x-linux-gnu", "/lib/ld64.so.1", "z13",
	  "lib64" },
	{ ELFCLASS64, ELFDATA2LSB, EM_RISCV, "riscv64", "riscv64-linux-gnu",
	  "/lib/ld-linux-riscv64-lp64d.so.1", "riscv64", NULL },
	{ ELFCLASS64, ELFDATA2LSB, EM_LOONGARCH, "loongarch64", "loongarch64-linux-gnu",
	  "/lib64/ld-linux-loongarch-lp64d.so.1", "loongarch64", "lib64" },
};

const struct pare_ld_arch *pare_ld_arch_find(uint8_t elfclass, uint8_t data, uint16_t machine,
					     struct pare_ld_arch *tmp)
{
	for (size_t i = 0; i < sizeof(arches) / sizeof(arches[0]); i++)
		if (arches[i].elfclass == elfclass && arches[i].data == data &&
		    arches[i].machine == machine)
			return &arches[i];
	*tmp = (struct pare_ld_arch){ elfclass, data, machine, "unknown", NULL, NULL, "unknown",
				      elfclass == ELFCLASS64 ? "lib64" : NULL };
	return tmp;
}

int pare_strlist_add(struct pare_strlist *l, struct pare_arena *a, struct pare_slice s)
{
	for (size_t i = 0; i < l->n; i++)
		if (pare_slice_eq_cstr(s, l->v[i]))
			return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		const char **v = pare_arena_alloc(a, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		if (l->n)
			memcpy(v, l->v, l->n * sizeof(*v));
		l->v = v;
		l->cap = cap;
	}
	const char *copy = pare_arena_strdup(a, s);
	if (!copy)
		return -ENOMEM;
	l->v[l->n++] = copy;
	return 0;
}

static int add_dir(struct pare_strlist *out, struct pare_arena *a, struct pare_slice d)
{
	while (d.len > 1 && d.ptr[d.len - 1] == '/')
		d.len--;
	if (d.len == 0 || d.ptr[0] != '/')
		return 0;
	return pare_strlist_add(out, a, d);
}

int pare_ld_default_dirs(const struct pare_ld_arch *arch, struct pare_arena *a,
			 struct pare_strlist *out)
{
	char buf[256];
	int rc = 0;
	if (arch->triplet) {
		snprintf(buf, sizeof(buf), "/lib/%s", arch->triplet);
		rc = add_dir(out, a, pare_slice_from(buf));
		snprintf(buf, sizeof(buf), "/usr/lib/%s", arch->triplet);
		if (rc == 0)
			rc = add_dir(out, a, pare_slice_from(buf));
	}
	if (rc == 0 && arch->multilib) {
		snprintf(buf, sizeof(buf), "/%s", arch->multilib);
		rc = add_dir(out, a, pare_slice_from(buf));
		snprintf(buf, sizeof(buf), "/usr/%s", arch->multilib);
		if (rc == 0)
			rc = add_dir(out, a, pare_slice_from(buf));
	}
	if (rc == 0)
		rc = add_dir(out, a, PARE_SLICE_LIT("/lib"));
	if (rc == 0)
		rc = add_dir(out, a, PARE_SLICE_LIT("/usr/lib"));
	return rc;
}

/* Read a whole file inside the root (bounded). -ENOENT when missing. */
static int read_root_file(struct pare_root *root, const char *path, struct pare_buf *b)
{
	int fd = pare_root_openat(root, path, O_RDONLY | O_CLOEXEC, 0, NULL);
	if (fd < 0)
		return fd;
	int rc = 0;
	for (;;) {
		if ((rc = pare_buf_reserve(b, 4096)) < 0)
			break;
		ssize_t n = pare_read_some(fd, b->data + b->len, b->cap - b->len - 1);
		if (n <= 0) {
			rc = (int)n;
			break;
		}
		b->len += (size_t)n;
		b->data[b->len] = '\0';
	}
	close(fd);
	return rc;
}

struct conf_ctx {
	struct pare_root *root;
	struct pare_arena *a;
	struct pare_strlist *out;
	struct pare_error *err;
};

static int conf_file(struct conf_ctx *c, const char *path, int depth);

static int cmp_names(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Collect the names in dir matching pattern (sorted, like glob(3)). */
static int glob_dir(struct conf_ctx *c, const char *dir, const char *pattern,
		    struct pare_strlist *names)
{
	int fd = pare_root_openat(c->root, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0, NULL);
	if (fd < 0)
		return 0; /* a missing include directory is no error */
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	int rc = 0;
	struct dirent *de;
	while (rc == 0 && (de = readdir(d)) && names->n < CONF_MAX_MATCHES)
		if (fnmatch(pattern, de->d_name, FNM_PERIOD) == 0)
			rc = pare_strlist_add(names, c->a, pare_slice_from(de->d_name));
	closedir(d);
	if (names->n > 1)
		qsort(names->v, names->n, sizeof(*names->v), cmp_names);
	return rc;
}

static int conf_include(struct conf_ctx *c, const char *from, struct pare_slice pat, int depth)
{
	char full[PARE_PATH_MAX];
	const char *slash = strrchr(from, '/');
	int n;
	if (pat.len && pat.ptr[0] == '/')
		n = snprintf(full, sizeof(full), "%.*s", (int)pat.len, pat.ptr);
	else
		n = snprintf(full, sizeof(full), "%.*s/%.*s", (int)(slash ? slash - from : 0), from,
			     (int)pat.len, pat.ptr);
	if (n < 0 || (size_t)n >= sizeof(full))
		return 0;
	char *last = strrchr(full, '/');
	*last = '\0';
	const char *dir = full[0] ? full : "/";
	struct pare_strlist names = { 0 };
	int rc = glob_dir(c, dir, last + 1, &names);
	for (size_t i = 0; rc == 0 && i < names.n; i++) {
		char path[PARE_PATH_MAX];
		n = snprintf(path, sizeof(path), "%s/%s", full, names.v[i]);
		if (n > 0 && (size_t)n < sizeof(path))
			rc = conf_file(c, path, depth + 1);
	}
	return rc;
}

static bool word_is(struct pare_slice line, const char *kw, struct pare_slice *rest)
{
	size_t n = strlen(kw);
	if (line.len <= n || memcmp(line.ptr, kw, n) != 0 ||
	    (line.ptr[n] != ' ' && line.ptr[n] != '\t'))
		return false;
	*rest = pare_slice_trim(pare_slice_sub(line, n, line.len - n));
	return true;
}

static int conf_line(struct conf_ctx *c, const char *path, struct pare_slice line, int depth)
{
	ptrdiff_t hash = pare_slice_find(line, '#');
	if (hash >= 0)
		line.len = (size_t)hash;
	line = pare_slice_trim(line);
	struct pare_slice rest, word;
	if (word_is(line, "include", &rest)) {
		int rc = 0;
		while (rc == 0 && pare_slice_next_word(&rest, &word))
			rc = conf_include(c, path, word, depth);
		return rc;
	}
	if (word_is(line, "hwcap", &rest))
		return 0;
	ptrdiff_t eq = pare_slice_find(line, '='); /* old "dir=TYPE" syntax */
	if (eq >= 0)
		line = pare_slice_trim(pare_slice_sub(line, 0, (size_t)eq));
	return add_dir(c->out, c->a, line);
}

static int conf_file(struct conf_ctx *c, const char *path, int depth)
{
	if (depth > CONF_MAX_DEPTH)
		return pare_error_set(c->err, -PARE_E_TOO_BIG,
				      "%s: includes nest more than %d deep", path, CONF_MAX_DEPTH);
	struct pare_buf b;
	pare_buf_init(&b, CONF_MAX_BYTES);
	int rc = read_root_file(c->root, path, &b);
	if (rc == -ENOENT || rc == -EISDIR || rc == -ENOTDIR || rc == -ELOOP) {
		pare_buf_release(&b);
		return 0;
	}
	if (rc < 0) {
		pare_buf_release(&b);
		return pare_error_set(c->err, rc, "%s: %s", path, pare_strerror(rc));
	}
	struct pare_slice text = pare_buf_slice(&b), line;
	while (rc == 0 && text.len) {
		pare_slice_split(&text, '\n', &line);
		rc = conf_line(c, path, line, depth);
	}
	pare_buf_release(&b);
	return rc;
}

int pare_ld_read_conf(struct pare_root *root, const char *path, struct pare_arena *a,
		      struct pare_strlist *out, struct pare_error *err)
{
	struct conf_ctx c = { root, a, out, err };
	return conf_file(&c, path, 0);
}

/* Length of a token name at s ("ORIGIN" or "{ORIGIN}"), 0 if not it. */
static size_t dst_match(const char *s, const char *name)
{
	size_t n = strlen(name);
	if (s[0] == '{')
		return strncmp(s + 1, name, n) == 0 && s[n + 1] == '}' ? n + 2 : 0;
	if (strncmp(s, name, n) != 0)
		return 0;
	char next = s[n];
	bool ident = next == '_' || (next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z') ||
		     (next >= '0' && next <= '9');
	return ident ? 0 : n;
}

/* Expand one element into b; false if it must be dropped. */
static bool expand_one(struct pare_slice el, const struct pare_ld_dst *dst, struct pare_buf *b)
{
	char tmp[PARE_PATH_MAX];
	if (el.len >= sizeof(tmp))
		return false;
	memcpy(tmp, el.ptr, el.len);
	tmp[el.len] = '\0';
	for (const char *p = tmp; *p;) {
		size_t n;
		const char *val = NULL;
		if (*p != '$') {
			if (pare_buf_putc(b, *p++) < 0)
				return false;
			continue;
		}
		if ((n = dst_match(p + 1, "ORIGIN")))
			val = dst->origin;
		else if ((n = dst_match(p + 1, "LIB")))
			val = dst->lib;
		else if ((n = dst_match(p + 1, "PLATFORM")))
			val = dst->platform;
		if (n == 0) { /* not a token: keep the '$' */
			if (pare_buf_putc(b, *p++) < 0)
				return false;
			continue;
		}
		if (!val || pare_buf_append_str(b, val) < 0)
			return false;
		p += 1 + n;
	}
	return true;
}

int pare_ld_expand_path(const char *list, const struct pare_ld_dst *dst, struct pare_arena *a,
			struct pare_strlist *out)
{
	struct pare_slice rest = pare_slice_from(list), el;
	struct pare_buf b;
	pare_buf_init(&b, PARE_PATH_MAX);
	int rc = 0;
	while (rc == 0 && rest.len) {
		pare_slice_split(&rest, ':', &el);
		pare_buf_reset(&b);
		if (el.len && expand_one(el, dst, &b))
			rc = add_dir(out, a, pare_buf_slice(&b));
	}
	pare_buf_release(&b);
	return rc;
}
