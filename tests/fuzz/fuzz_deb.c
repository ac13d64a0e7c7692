/* Fuzz target: .deb files (ar container, control.tar, data.tar in any
 * compression) through the reader with a visitor that reads the content,
 * small limits, then the control file through the field parser. */
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "deb/deb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int drain(void *ctx, const struct pare_deb_entry *e, struct pare_istream *content,
		 struct pare_error *err)
{
	(void)ctx;
	if (!e->path[0] || (e->type == PARE_DEB_HARDLINK && !e->link))
		__builtin_trap();
	char buf[4096];
	ssize_t n;
	while (content && (n = pare_istream_read(content, buf, sizeof(buf), err)) > 0)
		;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz-deb", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size || lseek(fd, 0, SEEK_SET) != 0) {
		close(fd);
		return 0;
	}
	struct pare_deb_limits lim = { .max_data = 8u << 20, .max_entries = 4096,
				       .max_control_total = 1u << 20 };
	struct pare_deb d;
	struct pare_error err;
	if (pare_deb_read(fd, "fuzz.deb", &lim, &d, drain, NULL, &err) == 0) {
		struct pare_deb_pkginfo pi;
		(void)pare_deb_pkginfo_parse(pare_deb_control_text(&d), &pi, &err);
	} else if (strchr(err.msg, '\n') || strncmp(err.msg, "fuzz.deb: ", 10) != 0) {
		__builtin_trap(); /* one line naming the file */
	}
	pare_deb_release(&d);
	close(fd);
	return 0;
}
