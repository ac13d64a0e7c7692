/* URLs shown to people: the one place where a URL becomes text for a
 * message, a log line, JSON or an SBOM.
 *
 * A repository or registry URL may carry credentials: userinfo
 * ("https://user:password@host/"), or a token in the query
 * ("?token=...", "&X-Amz-Signature=...").  pare_url_redact() writes a copy
 * in which the whole userinfo is replaced by "***" and the value of every
 * query parameter whose name looks like a secret (contains token, pass,
 * secret, sig, key, auth, cred or session, case-insensitive) is replaced by
 * "***".  Everything else is kept, so the message still says which
 * repository is meant.  Text that is not a URL (a local path) is copied.
 *
 * The copy always fits `cap` bytes (NUL included); a longer one is cut and
 * ends in "...".  Cutting happens after redaction, so it never exposes a
 * part of a secret.  Returns `out`, so it can be an argument of printf.
 */
#ifndef PARE_IO_URL_H
#define PARE_IO_URL_H

#include <stdbool.h>
#include <stddef.h>

#include "base/slice.h"

#define PARE_URL_SHOWN_MAX 512 /* a good size for a message's copy */

const char *pare_url_redact(const char *url, char *out, size_t cap);
const char *pare_url_redact_slice(struct pare_slice url, char *out, size_t cap);

/* Would pare_url_redact change this URL (does it carry a secret)? */
bool pare_url_has_secret(struct pare_slice url);

#endif
