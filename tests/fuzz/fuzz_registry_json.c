/* Fuzz target: a token server's JSON reply (the registry answer pare
 * parses): the token, when found, is a non-empty C string. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "image/auth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *token = NULL;
	if (pare_auth_token_parse(pare_slice_make((const char *)data, size), &token, NULL) == 0) {
		if (!token || !token[0])
			__builtin_trap();
	}
	free(token);
	return 0;
}
