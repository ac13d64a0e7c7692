/* SBOMs for images: SPDX 2.3 JSON in the shape apko writes, or CycloneDX
 * 1.5 JSON (format below); the SPDX shape:
 *
 * Elements: the document (SPDXRef-DOCUMENT) DESCRIBES the image package
 * (primaryPackagePurpose CONTAINER, SHA256 checksum = the image digest,
 * purl pkg:oci/NAME@sha256:...), which CONTAINS its layer package(s) and
 * the operating system package, and CONTAINS every APK package.  An APK
 * package DEPENDS_ON each package of the list that satisfies one of its
 * dependency atoms (matched by package name).
 *
 * APK packages: name, versionInfo, licenseDeclared (the package's license
 * text, or NOASSERTION), licenseConcluded NOASSERTION (nobody concluded
 * anything), supplier "Organization: <supplier>" (or NOASSERTION),
 * originator "Person: <maintainer>" when known, else as the supplier,
 * downloadLocation (the package URL when known, else NOASSERTION),
 * sourceInfo naming the origin package when it differs, externalRefs
 * purl pkg:apk/<namespace>/<name>@<version>?arch=<arch>[&origin=...].
 * Checksums: SPDX package checksums are digests of the package *file*.
 * apko writes none for APK packages; the identity (Q1 = SHA-1 of the
 * control member) is not one, so it is never written as a checksum.  When
 * the caller knows the .apk file's SHA-256 (file_sha256), it is written.
 *
 * Determinism: packages in the given order (the caller sorts them),
 * documentNamespace derived from the image digest, created =
 * SOURCE_DATE_EPOCH, fixed key order, 2-space indentation.
 */
#ifndef PARE_IMAGE_SBOM_H
#define PARE_IMAGE_SBOM_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

/* One installed APK package (the installed database fills these). */
struct pare_sbom_package {
	const char *name;        /* required */
	const char *version;     /* required */
	const char *arch;        /* "x86_64"; NULL: omitted from the purl */
	const char *license;     /* SPDX expression as in the package; NULL */
	const char *origin;      /* origin (source) package name; NULL */
	const char *maintainer;  /* "Name <mail>"; NULL */
	const char *url;         /* project URL; NULL */
	const char *identity;    /* "Q1..." package identity; NULL.  Written
				  * as the package's comment, never as a
				  * checksum */
	const char *file_sha256; /* hex SHA-256 of the .apk file; NULL */
	/* The package it was made from, for packages pare import-deb wrote
	 * (their .PKGINFO purl, debian_package, debian_version); NULL when
	 * unknown.  SPDX: a second purl externalRef; CycloneDX: the
	 * component's pedigree.ancestors. */
	const char *source_purl, *source_name, *source_version;
	const char *const *depends; /* dependency atoms or plain names */
	size_t ndepends;
	/* files removed by --prune=trace (image/prune.h): the package is
	 * partially installed; SPDX: in its comment, CycloneDX: the property
	 * pare:pruned (root-relative paths, sorted) */
	const char *const *pruned;
	size_t npruned;
};

enum pare_sbom_format {
	PARE_SBOM_SPDX = 0,  /* SPDX 2.3 JSON (above) */
	PARE_SBOM_CYCLONEDX, /* CycloneDX 1.5 JSON: metadata.component is the
			      * image (type container, purl pkg:oci), one
			      * component (type library, purl pkg:apk, SHA-256
			      * of the .apk when known) per package, and the
			      * dependencies graph; serialNumber a UUID made
			      * from the image digest */
};

struct pare_sbom_opts {
	enum pare_sbom_format format;
	const char *image_name;   /* purl name of the image, e.g. "hello"; NULL: "image" */
	const char *image_digest; /* "sha256:<hex>" of the manifest (required) */
	const char *const *layer_digests; /* "sha256:<hex>" of each layer blob */
	size_t nlayers;
	const char *arch;         /* OCI arch for the purls ("amd64"); NULL: none */
	const char *os_id;        /* "wolfi", "alpine", ...; NULL: "unknown" */
	const char *os_version;   /* NULL: "unknown" */
	const char *supplier;     /* organisation; NULL: NOASSERTION */
	const char *purl_namespace; /* pkg:apk/<ns>/...; NULL: os_id */
	const char *tool;         /* "pare 0.1.0"; NULL: "pare" */
	int64_t created;          /* SOURCE_DATE_EPOCH */
};

#define PARE_SBOM_MAX_PACKAGES 100000u

/* Render the document (malloc'ed, NUL-terminated, ends with '\n'). */
int pare_sbom_render(const struct pare_sbom_opts *o, const struct pare_sbom_package *pkgs,
		     size_t n, char **out, size_t *len, struct pare_error *err);

/* Render and write atomically to path. */
int pare_sbom_write(const struct pare_sbom_opts *o, const struct pare_sbom_package *pkgs,
		    size_t n, const char *path, struct pare_error *err);

#endif
