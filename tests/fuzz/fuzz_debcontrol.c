/* Fuzz target: Debian control text -- paragraphs, the binary package
 * fields, every field as a dependency list, DEP-5 licences -- and every
 * line as a Debian version: the APK mapping must give a valid APK version
 * and the order must be antisymmetric. */
#include <stdint.h>
#include <string.h>

#include "apk/version.h"
#include "apk/dep.h"
#include "deb/deb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int ignore(void *ctx, struct pare_slice name)
{
	(void)ctx;
	(void)name;
	return 0;
}

static void versions(struct pare_slice text)
{
	struct pare_slice prev = PARE_SLICE_NULL, line;
	struct pare_buf b;
	pare_buf_init(&b, 4096);
	bool more = true;
	while (more) {
		more = pare_slice_split(&text, '\n', &line);
		pare_buf_reset(&b);
		if (pare_deb_version_to_apk(line, &b, NULL) == 0 &&
		    !pare_version_valid(pare_buf_slice(&b)))
			__builtin_trap();
		if (pare_deb_version_compare(line, prev) != -pare_deb_version_compare(prev, line))
			__builtin_trap();
		prev = line;
	}
	pare_buf_release(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pare_slice text = pare_slice_make((const char *)data, size);
	static struct pare_deb_para p;
	struct pare_slice rest = text;
	size_t line = 0;
	while (pare_deb_para_next(&rest, &p, &line, NULL) > 0) {
		for (size_t i = 0; i < p.nfields; i++) {
			struct pare_deb_deplist l;
			struct pare_buf atom;
			struct pare_error e = { 0 };
			pare_buf_init(&atom, 4096);
			if (pare_deb_deps_parse(p.fields[i].value, &l, NULL) == 0)
				for (size_t k = 0; k < l.ndeps; k++) {
					/* every relation as an APK atom that parses back */
					pare_buf_reset(&atom);
					if (pare_deb_dep_to_apk(&l.deps[k], l.deps[k].name, k & 1, &atom,
								&e) == 0 &&
					    (!atom.len || pare_dep_parse(pare_buf_slice(&atom),
									 &(struct pare_dep){ 0 }, &e) < 0))
						__builtin_trap();
				}
			pare_buf_release(&atom);
			pare_deb_deplist_release(&l);
		}
	}
	struct pare_deb_pkginfo pi;
	if (pare_deb_pkginfo_parse(text, &pi, NULL) == 0) {
		struct pare_buf b;
		pare_buf_init(&b, 1 << 20);
		(void)pare_deb_description_text(pi.description, &b);
		(void)pare_deb_purl(PARE_SLICE_LIT("debian"), pi.package, pi.version,
				    pi.architecture, &b);
		pare_buf_release(&b);
	}
	(void)pare_deb_copyright_licenses(text, ignore, NULL, NULL);
	versions(text);
	return 0;
}
