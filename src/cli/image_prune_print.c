/* Printing the prune report (see image_prune_print.h). */
#include "cli/image_prune_print.h"

#include <inttypes.h>
#include <stdio.h>

#include "cli/solve_common.h"

void pare_image_prune_print(struct pare_cli *cli, const char *arch,
			    const struct pare_image_build_prune *p, bool explain)
{
	char before[32], after[32];
	pare_solve_fmt_size(p->bytes_before, before, sizeof(before));
	pare_solve_fmt_size(p->bytes_after, after, sizeof(after));
	if (!p->kept) {
		fprintf(cli->out, "%s: prune: undone: test '%s' failed on the pruned root%s%s%s; "
			"the image is unpruned (%s)\n", arch, p->failed_test ? p->failed_test : "?",
			p->missing_file ? " (it needs /" : "", p->missing_file ? p->missing_file : "",
			p->missing_file ? ", which was removed: add it to keep:)" : "", before);
		return;
	}
	fprintf(cli->out, "%s: prune: %s -> %s of files (%zu -> %zu files; kept: %zu traced, "
		"%zu by rules and keep:, %zu ELF needs, %zu links); tests passed on the pruned "
		"root, and what they do not exercise is gone\n", arch, before, after,
		p->files_before, p->files_after, p->traced, p->by_rule, p->by_elf, p->by_link);
	for (size_t i = 0; i < p->npkgs; i++) {
		const struct pare_image_build_prune_pkg *k = &p->pkgs[i];
		if (!k->removed_files && !explain)
			continue;
		fprintf(cli->out, "  %-40s kept %12" PRIu64 " bytes (%zu files), removed %12" PRIu64
			" bytes (%zu files)\n", *k->name ? k->name : "(other)", k->kept_bytes,
			k->kept_files, k->removed_bytes, k->removed_files);
		for (size_t j = 0; explain && j < k->ntop; j++)
			fprintf(cli->out, "      %12" PRIu64 "  /%s\n", k->top_bytes[j], k->top[j]);
	}
}

json_t *pare_image_prune_json(const struct pare_image_build_prune *p)
{
	json_t *o = json_object(), *pk = json_array();
	json_object_set_new(o, "kept", json_boolean(p->kept));
	json_object_set_new(o, "bytesBefore", json_integer((json_int_t)p->bytes_before));
	json_object_set_new(o, "bytesAfter", json_integer((json_int_t)p->bytes_after));
	json_object_set_new(o, "filesBefore", json_integer((json_int_t)p->files_before));
	json_object_set_new(o, "filesAfter", json_integer((json_int_t)p->files_after));
	json_object_set_new(o, "keptTraced", json_integer((json_int_t)p->traced));
	json_object_set_new(o, "keptByRule", json_integer((json_int_t)p->by_rule));
	json_object_set_new(o, "keptByElf", json_integer((json_int_t)p->by_elf));
	json_object_set_new(o, "keptByLink", json_integer((json_int_t)p->by_link));
	if (p->failed_test)
		json_object_set_new(o, "failedTest", json_string(p->failed_test));
	if (p->missing_file)
		json_object_set_new(o, "missingFile", json_string(p->missing_file));
	for (size_t i = 0; i < p->npkgs; i++) {
		const struct pare_image_build_prune_pkg *k = &p->pkgs[i];
		json_t *e = json_object(), *top = json_array();
		json_object_set_new(e, "name", json_string(k->name));
		json_object_set_new(e, "keptBytes", json_integer((json_int_t)k->kept_bytes));
		json_object_set_new(e, "keptFiles", json_integer((json_int_t)k->kept_files));
		json_object_set_new(e, "removedBytes", json_integer((json_int_t)k->removed_bytes));
		json_object_set_new(e, "removedFiles", json_integer((json_int_t)k->removed_files));
		for (size_t j = 0; j < k->ntop; j++)
			json_array_append_new(top, json_pack("{s:s, s:I}", "path", k->top[j], "bytes",
							     (json_int_t)k->top_bytes[j]));
		json_object_set_new(e, "largestRemoved", top);
		json_array_append_new(pk, e);
	}
	json_object_set_new(o, "packages", pk);
	return o;
}
