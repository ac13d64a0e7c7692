/* Fuzz target: a registry's WWW-Authenticate header value (every
 * challenge in it).  Bounded: at most one challenge per input byte. */
#include <stdint.h>
#include <string.h>

#include "image/auth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pare_slice rest = pare_slice_make((const char *)data, size);
	struct pare_auth_challenge ch;
	for (size_t i = 0; i <= size; i++) {
		size_t before = rest.len;
		int r = pare_auth_challenge_next(&rest, &ch, NULL);
		if (r <= 0)
			break;
		if (rest.len >= before && before > 0)
			__builtin_trap(); /* a challenge must consume input */
		if (strlen(ch.realm) > PARE_AUTH_PARAM_MAX || strlen(ch.scope) > PARE_AUTH_PARAM_MAX)
			__builtin_trap();
	}
	return 0;
}
