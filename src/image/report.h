/* Image reports: what a catalog run measured, as JSON and as one
 * self-contained HTML page (no scripts, fonts or requests; the charts are
 * inline SVG written here).  Nothing here prints.
 *
 * Input: a run directory OUT holding results.json (scripts/demo.sh writes
 * it; schema in docs/report.md):
 *   { "workloads": [ { "name", "mode", "layout" (an OCI layout written by
 *       pare image build, relative to OUT; absent when the build failed),
 *       "debian_a_bytes", "debian_b_bytes", ..., "tests_passed",
 *       "tests": [{name, passed}], "inspect_errors", ... } ],
 *     "compat": [ { "name", "passed", ... } ] }
 * Every member is kept as it is; for each workload with a layout the
 * report adds what it reads from the image (pare_image_stats):
 *   pare_bytes            the root's bytes as `du -sb --apparent-size`
 *                         counts them on the unpacked root: regular files
 *                         (hard links once), symlink target lengths, 4096
 *                         per directory (the root included)
 *   pare_compressed_bytes the layers' blob sizes (gzip, as pulled)
 *   files, dirs (top-level directory, one level deeper under usr/ ->
 *   bytes), packages (name -> bytes of the regular files the installed
 *   database gives it; "(other)" for files no package owns), largest (the
 *   PARE_REPORT_LARGEST largest files)
 * and, for an "add-binary" workload whose "packages" twin has a layout,
 * "excluded": the twin's packages the strip-down left out, with their
 * bytes and the reason.  reduction_b (1 - pare/debian_b) when both are
 * known.
 *
 * Bounds: results.json and each manifest at most PARE_OCI_MAX_JSON bytes;
 * PARE_REPORT_MAX_ENTRIES layer entries; the installed database at most
 * PARE_REPORT_MAX_DB bytes; layout paths must stay inside OUT (no "..",
 * not absolute); digests must be sha256 hex.
 */
#ifndef PARE_IMAGE_REPORT_H
#define PARE_IMAGE_REPORT_H

#include <jansson.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/error.h"

#define PARE_REPORT_MAX_ENTRIES 2000000u
#define PARE_REPORT_MAX_DB (64u * 1024u * 1024u)
#define PARE_REPORT_MAX_HTML (64u * 1024u * 1024u)
#define PARE_REPORT_LARGEST 10u

/* What one OCI layout holds, as a JSON object with the members above
 * (pare_bytes, pare_compressed_bytes, files, dirs, packages, largest).
 * *out is a new reference. */
int pare_image_stats(const char *layout_dir, json_t **out, struct pare_error *err);

/* The report of run directory out_dir (see above); *out is a new
 * reference. */
int pare_report_make(const char *out_dir, json_t **out, struct pare_error *err);

/* The HTML page of a report (pare_report_make's object), appended to html
 * (whose max bounds it). */
int pare_report_html(json_t *report, struct pare_buf *html, struct pare_error *err);

#endif
