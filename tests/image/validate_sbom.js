// validate_sbom.js NODE_MODULES SCHEMA_DIR FILE...: each FILE (an SBOM,
// *.cdx.json or anything with "bomFormat" is CycloneDX 1.5, else SPDX 2.3)
// against the official JSON schema, with ajv (strict off: the official
// schemas use keywords ajv's strict mode rejects).  Prints one line per file,
// exits 1 if any is invalid.
'use strict';
const path = require('path');
const fs = require('fs');
const [nm, schemaDir, ...files] = process.argv.slice(2);
const Ajv = require(path.join(nm, 'ajv'));
const addFormats = require(path.join(nm, 'ajv-formats'));
const cdxDir = path.join(nm, '@cyclonedx/cyclonedx-library/res/schema');
const load = (p) => JSON.parse(fs.readFileSync(p, 'utf8'));

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
addFormats(ajv);
// formats ajv-formats lacks: accepted as any string
ajv.addFormat('iri-reference', true);
ajv.addFormat('idn-email', true);
// the library's copies refer to each other by their SNAPSHOT names
for (const name of ['spdx', 'jsf-0.82']) {
  const s = load(path.join(cdxDir, `${name}.SNAPSHOT.schema.json`));
  delete s.$id;
  ajv.addSchema(s, `http://cyclonedx.org/schema/${name}.SNAPSHOT.schema.json`);
}
const cdx = ajv.compile(load(path.join(cdxDir, 'bom-1.5.SNAPSHOT.schema.json')));
const spdx = ajv.compile(load(path.join(schemaDir, 'spdx-2.3.schema.json')));

let bad = 0;
for (const f of files) {
  const doc = load(f);
  const isCdx = doc.bomFormat !== undefined;
  const v = isCdx ? cdx : spdx;
  if (v(doc)) {
    console.log(`${f}: valid ${isCdx ? 'CycloneDX 1.5' : 'SPDX 2.3'}`);
  } else {
    bad++;
    console.log(`${f}: INVALID ${isCdx ? 'CycloneDX 1.5' : 'SPDX 2.3'}: ` +
      v.errors.slice(0, 5).map((e) => `${e.instancePath} ${e.message}`).join('; '));
  }
}
process.exit(bad ? 1 : 0);
