/* From an image configuration to what the OCI writer needs, as apko does:
 *
 *   Entrypoint  entrypoint.command split like a shell, or
 *               ["/bin/sh", "-c", shell-fragment]
 *   Cmd         cmd split like a shell
 *   Env         environment as KEY=VALUE, plus PATH and SSL_CERT_FILE
 *               defaults when absent, sorted
 *   User        accounts.run-as; a user name listed in accounts.users
 *               becomes its uid
 *   WorkingDir, StopSignal, Volumes as given
 *   Labels and manifest annotations: annotations, plus
 *               org.opencontainers.image.created (RFC 3339 epoch) and, for
 *               vcs-url "URL@REV", org.opencontainers.image.source/revision
 *
 * Ownership: strings point into c or into arena a; img is valid while both
 * are.
 */
#ifndef PARE_IMAGE_IMAGE_H
#define PARE_IMAGE_IMAGE_H

#include "base/arena.h"
#include "image/config.h"
#include "image/oci.h"

#define PARE_IMAGE_DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/bin:/usr/sbin:/sbin:/bin"
#define PARE_IMAGE_DEFAULT_SSL_CERT_FILE "/etc/ssl/certs/ca-certificates.crt"

int pare_image_oci_config(const struct pare_image_config *c, const struct pare_image_arch *arch,
			  int64_t epoch, struct pare_arena *a, struct pare_oci_image *img,
			  struct pare_error *err);

#endif
