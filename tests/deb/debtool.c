/* A test driver for src/deb/ (not part of pare's CLI; `pare import-deb`
 * is the user-facing command).
 *
 *   debtool list FILE          entries as "TYPE MODE UID/GID SIZE PATH[ -> LINK]"
 *   debtool extract [--max-data N] FILE DIR
 *                              DIR must be empty; removed again on error
 *   debtool info FILE          the control fields the importer uses
 *   debtool map VERSION...     Debian version -> APK version, one per line
 *   debtool cmp A B            prints <, = or >
 *
 * On error: exactly one line "ERROR: message" on stderr, exit status 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "deb/deb.h"

static int die(const struct pare_error *err, int r)
{
	fprintf(stderr, "ERROR: %s\n", pare_error_text(err, r));
	return 1;
}

static const char *type_char(enum pare_deb_type t)
{
	switch (t) {
	case PARE_DEB_FILE:
		return "-";
	case PARE_DEB_DIR:
		return "d";
	case PARE_DEB_SYMLINK:
		return "l";
	default:
		return "h";
	}
}

static void print_entries(const struct pare_deb *d)
{
	for (size_t i = 0; i < d->nentries; i++) {
		const struct pare_deb_entry *e = &d->entries[i];
		printf("%s %04o %lld/%lld %llu %s%s%s\n", type_char(e->type), (unsigned)e->mode,
		       (long long)e->uid, (long long)e->gid, (unsigned long long)e->size, e->path,
		       e->link ? " -> " : "", e->link ? e->link : "");
	}
}

static int open_deb(const char *path, struct pare_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return pare_error_set(err, -errno, "%s: %s", path, strerror(errno));
	return fd;
}

static int cmd_list(const char *path, bool info)
{
	struct pare_error err = { 0 };
	struct pare_deb d;
	int fd = open_deb(path, &err);
	if (fd < 0)
		return die(&err, fd);
	int r = pare_deb_read(fd, path, NULL, &d, NULL, NULL, &err);
	close(fd);
	if (r == 0 && !info)
		print_entries(&d);
	if (r == 0 && info) {
		struct pare_deb_pkginfo pi;
		r = pare_deb_pkginfo_parse(pare_deb_control_text(&d), &pi, &err);
		if (r < 0)
			pare_error_prefix(&err, r, "%s: control: ", path);
		struct pare_buf b;
		pare_buf_init(&b, 4096);
		if (r == 0)
			r = pare_deb_version_to_apk(pi.version, &b, &err);
		if (r == 0) {
			printf("package %.*s\nversion %.*s\napk-version %s\narch %.*s -> %s\n",
			       (int)pi.package.len, pi.package.ptr, (int)pi.version.len,
			       pi.version.ptr, b.data, (int)pi.architecture.len, pi.architecture.ptr,
			       pare_deb_arch_to_apk(pi.architecture) ?: "?");
			printf("source %.*s %.*s\nscripts %#x\nsetid %zu\n", (int)pi.source.len,
			       pi.source.ptr, (int)pi.source_version.len, pi.source_version.ptr,
			       d.scripts, d.nsetid);
			pare_buf_reset(&b);
			pare_deb_purl(PARE_SLICE_LIT("debian"), pi.package, pi.version,
				      pi.architecture, &b);
			printf("purl %s\n", b.data);
		}
		pare_buf_release(&b);
	}
	pare_deb_release(&d);
	return r < 0 ? die(&err, r) : 0;
}

static int cmd_extract(const char *path, const char *dir, uint64_t max_data)
{
	struct pare_deb_limits lim = { .max_data = max_data };
	struct pare_error err = { 0 };
	struct pare_deb d = { 0 };
	struct pare_root root = { .fd = -1 };
	int fd = open_deb(path, &err);
	if (fd < 0)
		return die(&err, fd);
	int r = pare_root_open(&root, dir, &err);
	if (r == 0)
		r = pare_deb_extract(fd, path, &lim, &root, NULL, &d, &err);
	close(fd);
	pare_root_release(&root);
	pare_deb_release(&d);
	if (r < 0) {
		pare_deb_remove_tree(dir, NULL);
		return die(&err, r);
	}
	return 0;
}

static int cmd_map(int argc, char **argv)
{
	struct pare_buf b;
	pare_buf_init(&b, 4096);
	int rc = 0;
	for (int i = 0; i < argc; i++) {
		struct pare_error err = { 0 };
		pare_buf_reset(&b);
		int r = pare_deb_version_to_apk(pare_slice_from(argv[i]), &b, &err);
		if (r < 0)
			rc = die(&err, r);
		else
			printf("%s\n", b.data);
	}
	pare_buf_release(&b);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "list") == 0)
		return cmd_list(argv[2], false);
	if (argc >= 3 && strcmp(argv[1], "info") == 0)
		return cmd_list(argv[2], true);
	if (argc >= 6 && strcmp(argv[1], "extract") == 0 && strcmp(argv[2], "--max-data") == 0)
		return cmd_extract(argv[4], argv[5], strtoull(argv[3], NULL, 10));
	if (argc >= 4 && strcmp(argv[1], "extract") == 0)
		return cmd_extract(argv[2], argv[3], 0);
	if (argc >= 2 && strcmp(argv[1], "map") == 0)
		return cmd_map(argc - 2, argv + 2);
	if (argc >= 4 && strcmp(argv[1], "cmp") == 0) {
		int c = pare_deb_version_compare(pare_slice_from(argv[2]), pare_slice_from(argv[3]));
		printf("%s\n", c < 0 ? "<" : c > 0 ? ">" : "=");
		return 0;
	}
	fprintf(stderr, "usage: debtool list|info|extract|map|cmp ...\n");
	return 2;
}
