/* Fuzz target: the results.json of a catalog run as pare image report reads
 * it (layout paths checked, stats merged, the page written).  The input
 * goes to RUN/results.json in a directory made once; layouts it names do
 * not exist there (or are refused), so the walk fails cleanly. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "image/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char run_dir[] = "/tmp/pare-fuzz-report.XXXXXX";

static void cleanup(void)
{
	char path[sizeof(run_dir) + 32];
	snprintf(path, sizeof(path), "%s/results.json", run_dir);
	unlink(path);
	rmdir(run_dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	char path[sizeof(run_dir) + 32];
	json_t *rep = NULL;
	struct pare_buf html;
	if (!ready) {
		if (!mkdtemp(run_dir))
			return 0;
		ready = 1;
		atexit(cleanup);
	}
	snprintf(path, sizeof(path), "%s/results.json", run_dir);
	FILE *f = fopen(path, "wb");
	if (!f)
		return 0;
	if (size)
		fwrite(data, 1, size, f);
	fclose(f);
	pare_buf_init(&html, PARE_REPORT_MAX_HTML);
	if (pare_report_make(run_dir, &rep, NULL) == 0) {
		if (pare_report_html(rep, &html, NULL) == 0 && (!html.data || !strstr(html.data, "</html>")))
			__builtin_trap();
		json_decref(rep);
	}
	pare_buf_release(&html);
	return 0;
}
