/* pare image sign and image build --sign: a sigstore signature of an image
 * in a registry (image/cosign.h), pushed beside it under the tag
 * sha256-<hex>.sig. */
#include "cli/app_image_sign.h"

#include <errno.h>
#include <jansson.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/stat.h>

#include "image/cosign.h"
#include "image/oci.h"
#include "image/ref.h"
#include "image/registry.h"
#include "io/tree.h"

/* The digest index.json of the layout points at (the entry whose ref.name
 * is tag, else the first). */
static int layout_digest(struct pare_cli *cli, const char *layout, const char *tag, char *out,
			 size_t n)
{
	char path[4096];
	json_error_t je;
	struct stat st;
	snprintf(path, sizeof(path), "%s/index.json", layout);
	if (stat(path, &st) == 0 && st.st_size > PARE_OCI_MAX_JSON) {
		pare_cli_error(cli, "image sign: %s: larger than %u bytes", path, PARE_OCI_MAX_JSON);
		return -1;
	}
	json_t *idx = json_load_file(path, 0, &je), *m;
	size_t i;
	const char *found = NULL;
	json_array_foreach(json_object_get(idx, "manifests"), i, m) {
		const char *d = json_string_value(json_object_get(m, "digest"));
		const char *rn = json_string_value(json_object_get(json_object_get(m, "annotations"),
								   PARE_OCI_REF_NAME));
		if (!found || (rn && tag && strcmp(rn, tag) == 0))
			found = d;
	}
	if (found && pare_oci_digest_valid(found))
		snprintf(out, n, "%s", found);
	json_decref(idx);
	if (!found || !out[0]) {
		pare_cli_error(cli, "image sign: %s: no image digest in index.json%s%s", layout,
			       idx ? "" : ": ", idx ? "" : je.text);
		return -1;
	}
	return 0;
}

int pare_image_sign_run(struct pare_cli *cli, const char *key_path, const char *layout,
			const char *ref_text, const char *registry_config, bool insecure)
{
	struct pare_error err = { 0 };
	struct pare_image_ref ref;
	struct pare_privkey key = { 0 };
	char digest[PARE_REF_DIGEST_MAX + 1] = "", tag[96], repo[1024], target[1200];
	char tmp[4096] = "";
	int r = pare_image_ref_parse(ref_text, &ref, &err);
	if (r == 0 && ref.digest[0])
		snprintf(digest, sizeof(digest), "%s", ref.digest);
	if (r == 0 && !digest[0] && !layout) {
		pare_cli_error(cli, "image sign: %s names no digest: give REF@sha256:... or the "
			       "layout OUT it was pushed from", ref_text);
		return 1;
	}
	if (r == 0 && !digest[0] && layout_digest(cli, layout, ref.tag, digest, sizeof(digest)))
		return 1;
	snprintf(repo, sizeof(repo), "%s/%s", ref.host, ref.name);
	if (r == 0 && (r = pare_cosign_tag(digest, tag, sizeof(tag))) < 0)
		pare_error_set(&err, r, "%s: not a sha256 digest", digest);
	snprintf(target, sizeof(target), "%s:%s", repo, tag);
	if (r == 0)
		r = pare_privkey_load(&key, key_path, &err);
	if (r == 0 && (r = pare_tree_mkdtemp("sign", tmp, sizeof(tmp))) < 0)
		pare_error_set(&err, r, "temporary directory: %s", strerror(-r));
	if (r == 0)
		r = pare_cosign_layout(tmp, repo, digest, &key, &err);
	if (r == 0) {
		struct pare_http_opts http = { .retries = 2, .progress = &cli->progress,
					       .log = &cli->log };
		struct pare_registry_opts opts = { .config_path = registry_config,
						   .insecure = insecure, .http = &http,
						   .log = &cli->log };
		r = pare_registry_push_layout(tmp, target, &opts, NULL, &err);
	}
	if (*tmp)
		pare_tree_remove(tmp);
	pare_privkey_release(&key);
	if (r < 0) {
		pare_cli_report(cli, r, &err);
		return 1;
	}
	if (!cli->opts.json)
		fprintf(cli->out, "signed %s@%s: %s\n", repo, digest, target);
	return 0;
}
