/* Secrets: private keys, repositories, environment files, credentials and
 * password hashes that should never ship in an image. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "inspect/int.h"

static void by_flag(struct pare_insp_ctx *c, struct pare_insp_out *o, uint32_t flag,
		    const char *what)
{
	for (size_t i = 0; i < c->nfiles; i++) {
		const struct pi_file *f = &c->files[i];
		if ((f->flags & flag) && !strstr(f->path, "/test") &&
		    !pi_has_prefix(f->path, "/usr/share/doc"))
			pi_fail(o, "%s: %s", f->path, what);
	}
}

static void sec_pem(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	by_flag(c, o, PI_F_PEM_KEY, "PEM private key");
}

static void sec_ssh(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	by_flag(c, o, PI_F_SSH_KEY, "OpenSSH private key");
}

static void sec_aws(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	by_flag(c, o, PI_F_AWS, "AWS access key id (AKIA...)");
}

static void sec_tokens(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	by_flag(c, o, PI_F_TOKEN, "API token (GitHub, GitLab or Slack)");
}

static void sec_gcp(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	by_flag(c, o, PI_F_GCP_KEY, "cloud service-account key (private_key)");
}

static const char *base(const char *p)
{
	const char *b = strrchr(p, '/');
	return b ? b + 1 : p;
}

static void sec_git(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	for (size_t i = 0; i < c->nfiles; i++) {
		const struct pi_file *f = &c->files[i];
		const char *b = base(f->path);
		if (S_ISDIR(f->mode) && (strcmp(b, ".git") == 0 || strcmp(b, ".svn") == 0 ||
					 strcmp(b, ".hg") == 0))
			pi_fail(o, "%s: version control directory", f->path);
	}
}

static void sec_env(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	for (size_t i = 0; i < c->nfiles; i++) {
		const struct pi_file *f = &c->files[i];
		const char *b = base(f->path);
		if (S_ISREG(f->mode) && (strcmp(b, ".env") == 0 ||
					 (pi_has_prefix(b, ".env.") && !pi_has_suffix(b, ".example") &&
					  !pi_has_suffix(b, ".sample"))))
			pi_fail(o, "%s: environment file", f->path);
	}
}

static void sec_cred_files(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	static const char *const suffixes[] = {
		"/.aws/credentials", "/.netrc", "/.npmrc", "/.pypirc", "/.docker/config.json",
		"/.git-credentials", "/.config/gcloud/credentials.db", "/.kube/config", NULL,
	};
	for (size_t i = 0; i < c->nfiles; i++) {
		const struct pi_file *f = &c->files[i];
		for (size_t k = 0; suffixes[k]; k++)
			if (S_ISREG(f->mode) && pi_has_suffix(f->path, suffixes[k]) && f->size > 0)
				pi_fail(o, "%s: credentials file", f->path);
	}
}

static void sec_shadow(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	char *t = pi_read(c, "/etc/shadow", 4u << 20, NULL);
	if (!t) {
		pi_na(o, "no /etc/shadow");
		return;
	}
	for (char *line = t, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		char *colon = strchr(line, ':');
		if (!colon)
			continue;
		char *pw = colon + 1, *end = strchr(pw, ':');
		size_t n = end ? (size_t)(end - pw) : strlen(pw);
		if (n > 1 && pw[0] != '!' && pw[0] != '*')
			pi_fail(o, "/etc/shadow: %.*s has a password hash", (int)(colon - line), line);
		else if (n == 0)
			pi_fail(o, "/etc/shadow: %.*s has an empty password", (int)(colon - line), line);
	}
}

static void sec_host_keys(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	for (size_t i = 0; i < c->nfiles; i++) {
		const char *p = c->files[i].path;
		if (pi_has_prefix(p, "/etc/ssh/ssh_host_") && pi_has_suffix(p, "_key"))
			pi_fail(o, "%s: SSH host key baked into the image (every container shares it)",
				p);
	}
}

static void sec_user_keys(struct pare_insp_ctx *c, struct pare_insp_out *o)
{
	for (size_t i = 0; i < c->nfiles; i++) {
		const char *p = c->files[i].path;
		const char *b = base(p);
		if (strstr(p, "/.ssh/") && (pi_has_prefix(b, "id_") || strcmp(b, "authorized_keys") == 0))
			pi_fail(o, "%s: SSH user key material", p);
	}
}

const struct pare_insp_check pi_checks_secrets[] = {
	{ "SEC-001", "no PEM private keys", PARE_INSP_ERROR, "Secrets", sec_pem },
	{ "SEC-002", "no OpenSSH private keys", PARE_INSP_ERROR, "Secrets", sec_ssh },
	{ "SEC-003", "no AWS access key ids", PARE_INSP_ERROR, "Secrets", sec_aws },
	{ "SEC-004", "no API tokens (GitHub, GitLab, Slack)", PARE_INSP_ERROR, "Secrets", sec_tokens },
	{ "SEC-005", "no cloud service-account keys", PARE_INSP_ERROR, "Secrets", sec_gcp },
	{ "SEC-006", "no version control directories (.git)", PARE_INSP_ERROR, "Secrets", sec_git },
	{ "SEC-007", "no .env files", PARE_INSP_ERROR, "Secrets", sec_env },
	{ "SEC-008", "no credentials files (.aws, .netrc, .docker ...)", PARE_INSP_ERROR, "Secrets", sec_cred_files },
	{ "SEC-009", "no password hashes in etc/shadow", PARE_INSP_ERROR, "Secrets", sec_shadow },
	{ "SEC-010", "no SSH host keys", PARE_INSP_ERROR, "Secrets", sec_host_keys },
	{ "SEC-011", "no SSH user keys or authorized_keys", PARE_INSP_WARNING, "Secrets", sec_user_keys },
	{ NULL, NULL, 0, NULL, NULL },
};
