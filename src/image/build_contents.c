/* The builder's use of the contents index (REPO/ARCH/CONTENTS, written by
 * import-deb; format in sets/README.md): a binary given as a path that a
 * repository package owns is installed from that package, with its
 * dependencies, instead of being copied from the build host; so is the
 * package owning the entrypoint (needs.c). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "image/build_int.h"
#include "io/stream.h"

#define PIB_MAX_CONTENTS (512u << 20)

/* The package of `path` (no leading '/') in the CONTENTS beside index_url,
 * copied into the arena, or NULL. */
static const char *lookup(struct pib_arch *a, const char *index_url, const char *path)
{
	char file[PARE_PATH_MAX];
	const char *slash = strrchr(index_url, '/');
	if (!slash || snprintf(file, sizeof(file), "%.*s/CONTENTS", (int)(slash - index_url),
			       index_url) >= (int)sizeof(file))
		return NULL;
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	struct pare_buf b;
	pare_buf_init(&b, PIB_MAX_CONTENTS);
	struct pare_error e = { 0 };
	pare_read_fd(fd, &b, file, &e); /* what was read is searched, as before */
	close(fd);
	const char *owner = NULL;
	struct pare_slice text = pare_buf_slice(&b), line;
	size_t n = strlen(path);
	while (!owner && pare_slice_split(&text, '\n', &line))
		if (line.len > n + 1 && !memcmp(line.ptr, path, n) && line.ptr[n] == '\t')
			owner = pare_arena_strdup(&a->arena, pare_slice_sub(line, n + 1, line.len - n - 1));
	pare_buf_release(&b);
	return owner;
}

const char *pib_contents_owner(struct pib_arch *a, const char *path)
{
	const char *owner = NULL;
	while (*path == '/')
		path++;
	for (size_t k = 0; a->s.repos_open && !owner && k < a->s.repos.n; k++)
		if (a->s.repos.v[k].kind == PARE_REPO_LOCAL && a->s.repos.v[k].index_url)
			owner = lookup(a, a->s.repos.v[k].index_url, path);
	return owner;
}

int pib_contents_owners(struct pib_arch *a, struct pare_error *err)
{
	(void)err;
	for (size_t i = 0; i < a->nbins; i++)
		if (!a->bins[i].package)
			a->bins[i].package = pib_contents_owner(a, a->bins[i].dest);
	return 0;
}
