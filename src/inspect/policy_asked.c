/* Content the config asked for is not a finding: a package the config
 * names by a subpackage suffix (-dev, -doc, ...) waives the content and
 * package checks about that kind of content, with the reason
 * "contents.packages names NAME".  One table row per suffix. */
#include <stdio.h>
#include <string.h>

#include "inspect/inspect.h"

static const struct {
	const char *suffix;
	const char *ids[5];
} asked[] = {
	{ "-dev", { "PKG-006", "CNT-001", "CNT-003", "CNT-004", NULL } },
	{ "-static", { "PKG-009", "CNT-002", NULL } },
	{ "-doc", { "PKG-007", "CNT-005", "CNT-006", "CNT-007", NULL } },
	{ "-dbg", { "PKG-008", "CNT-008", NULL } },
	{ "-lang", { "PKG-010", "CNT-009", NULL } },
	{ "-bash-completion", { "PKG-010", "CNT-010", NULL } },
	{ "-zsh-completion", { "PKG-010", "CNT-010", NULL } },
	{ "-fish-completion", { "PKG-010", "CNT-010", NULL } },
	{ "-openrc", { "PKG-010", "CNT-011", NULL } },
	{ "-systemd", { "CNT-011", NULL } },
};

static bool waived(const struct pare_insp_policy *p, const char *id)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->w[i].id, id) == 0)
			return true;
	return false;
}

int pare_insp_policy_asked(struct pare_insp_policy *p, const char *const *packages, size_t n,
			   struct pare_error *err)
{
	for (size_t i = 0; i < n; i++) {
		const char *atom = packages[i];
		if (atom[0] == '!')
			continue; /* a conflict, not a request */
		size_t len = strcspn(atom, "<>=~@");
		char why[256];
		snprintf(why, sizeof(why), "contents.packages names %.*s", (int)len, atom);
		for (size_t r = 0; r < sizeof(asked) / sizeof(asked[0]); r++) {
			size_t sl = strlen(asked[r].suffix);
			if (len <= sl || memcmp(atom + len - sl, asked[r].suffix, sl) != 0)
				continue;
			for (size_t k = 0; asked[r].ids[k]; k++) {
				if (waived(p, asked[r].ids[k]))
					continue;
				int rc = pare_insp_policy_add(p, asked[r].ids[k], why, err);
				if (rc < 0)
					return rc;
			}
		}
	}
	return 0;
}
