// Runs the `alstra` CLI against a node, as a user would, and parses its --json output.
import { spawn, spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './node.js';

const TARGET = process.env.CARGO_TARGET_DIR || path.join(os.homedir(), '.cache/alstranet/target');
export const ALSTRA_BIN = process.env.ALSTRA || path.join(TARGET, 'release/alstra');
/** The analytics indexer (indexer/), built with the CLI. */
export const INDEXER_BIN = process.env.ALSTRA_INDEXER || path.join(TARGET, 'release/alstra-indexer');

/** Dev accounts of the `dev` chain (public test keys, see README). */
export const ACCOUNTS = {
  alith: '0xf24FF3a9CF04c71Dbc94D0b566f7A27B94566cac',
  baltathar: '0x3Cd0A705a2DC65e5b1E1205896BaA2be8A07c6e0',
  charleth: '0x798d4Ba9baf0064Ec19eB4F0a1a45785ae9D6DFc',
  dorothy: '0x773539d4Ac0e786233D90A233654ccEE26a613D9',
  ethan: '0xFf64d3F6efE2317EE2807d223a0Bdc4c0c49dfDB',
};

export const model = (rel) => path.join(ROOT, 'bpmn-compiler/tests/data', rel);

/** A CLI bound to one endpoint and deployment file. */
export function alstraCli(rpcUrl, deployment) {
  /** Runs `alstra ...args` as `account`; returns parsed JSON, or throws with stderr. */
  function run(account, ...args) {
    const r = spawnSync(ALSTRA_BIN, ['--json', '--rpc-url', rpcUrl, '--deployment', deployment, '--account', account, ...args], {
      encoding: 'utf8', timeout: 300_000, cwd: ROOT,
    });
    if (r.status !== 0) {
      const err = new Error(`alstra ${args.join(' ')} (as ${account}) failed: ${r.stderr.trim()}`);
      err.stderr = r.stderr;
      throw err;
    }
    const out = r.stdout.trim();
    return out ? JSON.parse(out) : null;
  }
  /** Runs `alstra ...args` as `account` without blocking this process (a server of the test
   *  can answer it meanwhile); resolves to `{ status, stdout, stderr }`. */
  function runAsync(account, ...args) {
    return new Promise((resolve, reject) => {
      const child = spawn(ALSTRA_BIN, ['--json', '--rpc-url', rpcUrl, '--deployment', deployment, '--account', account, ...args], { cwd: ROOT });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => { stdout += d; });
      child.stderr.on('data', (d) => { stderr += d; });
      const timer = setTimeout(() => child.kill(), 300_000);
      child.on('error', reject);
      child.on('close', (status) => { clearTimeout(timer); resolve({ status, stdout, stderr }); });
    });
  }
  return { run, runAsync };
}
