/* pare cache clean|download|sync: the package cache as apk cache manages
 * it (etc/apk/cache under --root, or --cache-dir).  clean removes files no
 * configured repository index and no installed package names; download
 * puts a verified copy of every installed package that a repository has
 * into the cache; sync does both. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/applets.h"
#include "cli/info_installed.h"
#include "cli/repos.h"

/* Is file one the cache should keep? */
static bool wanted(const struct pare_repos *rs, const struct pare_db_installed *db,
		   const char *file)
{
	char name[512];
	for (size_t i = 0; i < rs->n; i++) {
		size_t l = strlen(rs->v[i].cache_name) - strlen(".tar.gz");
		if (strcmp(file, rs->v[i].cache_name) == 0 ||
		    (strncmp(file, rs->v[i].cache_name, l) == 0 && strcmp(file + l, ".etag") == 0))
			return true;
	}
	for (size_t i = 0; i < db->npkgs; i++)
		if (pare_repo_pkg_cache_name(&db->pkgs[i]->ent, name, sizeof(name), NULL) > 0 &&
		    strcmp(file, name) == 0)
			return true;
	return false;
}

static int clean(struct pare_cli *cli, const struct pare_repos *rs,
		 const struct pare_db_installed *db)
{
	DIR *d = opendir(rs->cache_dir);
	int removed = 0;
	if (!d) {
		pare_cli_error(cli, "cache %s: %s", rs->cache_dir, strerror(errno));
		return 1;
	}
	for (struct dirent *de; (de = readdir(d));) {
		struct stat st;
		if (de->d_name[0] == '.' || fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
		    !S_ISREG(st.st_mode) || wanted(rs, db, de->d_name))
			continue;
		if (unlinkat(dirfd(d), de->d_name, 0) == 0) {
			pare_log_verbose(&cli->log, "removed %s", de->d_name);
			removed++;
		}
	}
	closedir(d);
	if (cli->opts.verbosity > 0)
		fprintf(cli->out, "cache clean: %d file%s removed\n", removed, removed == 1 ? "" : "s");
	return 0;
}

static const struct pare_pkgent *same(const struct pare_repos *rs, const struct pare_pkgent *e)
{
	for (size_t i = 0; i < rs->n; i++)
		for (size_t j = 0; rs->v[i].loaded && j < rs->v[i].index.n; j++) {
			const struct pare_pkgent *c = &rs->v[i].index.ents[j];
			if (pare_slice_eq(c->name, e->name) && pare_slice_eq(c->version, e->version) &&
			    (!e->identity_text.len || pare_slice_eq(c->identity_text, e->identity_text)))
				return c;
		}
	return NULL;
}

static int download(struct pare_cli *cli, struct pare_repos *rs,
		    const struct pare_db_installed *db)
{
	int failed = 0, got = 0;
	char path[4096];
	for (size_t i = 0; i < db->npkgs; i++) {
		const struct pare_pkgent *e = same(rs, &db->pkgs[i]->ent);
		struct pare_error err = { 0 };
		if (!e) {
			pare_log_warning(&cli->log, "%.*s-%.*s: in no repository, not cached",
					 (int)db->pkgs[i]->ent.name.len, db->pkgs[i]->ent.name.ptr,
					 (int)db->pkgs[i]->ent.version.len,
					 db->pkgs[i]->ent.version.ptr);
			continue;
		}
		int r = pare_repos_cache_pkg(rs, e, path, sizeof(path), &err);
		if (r < 0) {
			pare_cli_report(cli, r, &err);
			failed++;
		} else {
			got++;
		}
	}
	if (cli->opts.verbosity > 0)
		fprintf(cli->out, "cache download: %d package%s in %s\n", got, got == 1 ? "" : "s",
			rs->cache_dir);
	return failed ? 1 : 0;
}

static int cache_run(void *ctx, struct pare_cli *cli, int argc, char **argv)
{
	(void)ctx;
	struct pare_session ses;
	struct pare_cli_repos cr;
	const char *what = argc == 1 ? argv[0] : "";
	bool c = !strcmp(what, "clean") || !strcmp(what, "sync");
	bool d = !strcmp(what, "download") || !strcmp(what, "sync");
	if (!c && !d) {
		pare_cli_error(cli, "cache: want clean, download or sync");
		return 1;
	}
	if (cli->opts.no_cache) {
		pare_cli_error(cli, "cache: --no-cache leaves no cache to manage");
		return 1;
	}
	if (pare_cli_installed_read(cli, &ses) < 0) {
		pare_session_close(&ses);
		return 1;
	}
	int status = pare_cli_repos_open(cli, &cr, false) < 0;
	if (status == 0 && access(cr.repos.cache_dir, F_OK) != 0) {
		pare_cli_error(cli, "cache: %s does not exist: the package cache is not enabled "
			       "(create it, or give --cache-dir)", cr.repos.cache_dir);
		status = 1;
	}
	if (status == 0 && c)
		status = clean(cli, &cr.repos, &ses.db);
	if (status == 0 && d)
		status = download(cli, &cr.repos, &ses.db);
	pare_cli_repos_close(&cr);
	pare_session_close(&ses);
	return status;
}

const struct pare_applet pare_applet_cache = {
	.name = "cache",
	.summary = "Manage the package cache",
	.usage = "clean | download | sync",
	.description =
		"The cache is etc/apk/cache under --root (or --cache-dir); it must exist, as "
		"for apk. clean removes the files that neither a configured repository's index "
		"nor an installed package names; download puts a verified copy of every "
		"installed package that a repository has into the cache (packages in no "
		"repository are warned about); sync does both.",
	.run = cache_run,
};
