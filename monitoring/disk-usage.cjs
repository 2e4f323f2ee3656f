'use strict';
// Disk used by a node's base path, for the sizing measurements of the tests (tests/e2e,
// zombienet/scripts/sizing.cjs; docs/operations.md).
const fs = require('node:fs');
const path = require('node:path');

/**
 * Bytes allocated on disk to the files under `dir` (like `du -s`, without following links).
 * ParityDB creates its index files sparse (32 MiB apparent, little allocated), so their apparent
 * size is no measure. A file removed while it is read (a database's log file) counts 0.
 */
function allocatedBytes(dir) {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    try {
      if (e.isDirectory()) total += allocatedBytes(p);
      else if (e.isFile()) total += fs.statSync(p).blocks * 512;
    } catch (err) {
      if (err.code !== 'ENOENT') throw err;
    }
  }
  return total;
}

module.exports = { allocatedBytes };
