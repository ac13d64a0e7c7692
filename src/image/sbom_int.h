/* Internal to the SBOM writers (sbom.c: SPDX, sbom_cdx.c: CycloneDX):
 * the package URLs both formats carry. */
#ifndef PARE_IMAGE_SBOM_INT_H
#define PARE_IMAGE_SBOM_INT_H

#include "base/buf.h"
#include "image/sbom.h"

/* b = "pkg:apk/<namespace>/<name>@<version>[?arch=<arch>]" (reset first). */
int pare_sbom_apk_purl(const struct pare_sbom_opts *o, const struct pare_sbom_package *pk,
		       struct pare_buf *b);
/* CycloneDX 1.5 rendering of pare_sbom_render (same contract). */
int pare_sbom_render_cyclonedx(const struct pare_sbom_opts *o,
			       const struct pare_sbom_package *pkgs, size_t n, char **out,
			       size_t *len, struct pare_error *err);

/* sbom.c: "partially installed: N files pruned ...: /a /b" after sep. */
#define PARE_SBOM_MAX_PRUNED_TEXT (16u * 1024u * 1024u)
int pare_sbom_pruned_text(const struct pare_sbom_package *pk, struct pare_buf *b, const char *sep);

#endif
