#!/usr/bin/env node
'use strict';
// Council governance from the command line (see README.md in this folder).
//
//   council-cli.cjs [--url ws://127.0.0.1:9944] --suri <secret> propose <pallet.call> [arg...]
//   council-cli.cjs [--url ...] --suri <secret> propose-contract-call <0xcontract> <0xcalldata>
//   council-cli.cjs [--url ...] --suri <secret> propose-upgrade <runtime.wasm>
//   council-cli.cjs [--url ...] --suri <secret> enact-upgrade <runtime.wasm>
//   council-cli.cjs [--url ...] --suri <secret> vote <hash> <index> aye|nay
//   council-cli.cjs [--url ...] --suri <secret> close <hash> <index>
//   council-cli.cjs [--url ...] motions
//
// Call arguments are integers (exact, as BigInt), else JSON values when they parse as JSON, else strings
// (`propose validatorSet.addValidator 5FHneW46...`, `propose nodeAuthorization.removeWellKnownNode 0x0024...`).
// The secret can also come from the ALSTRANET_SURI environment variable (keeps it out of shell history).
const { parseArgs } = require('node:util');
const council = require('./council.cjs');

const USAGE = `usage:
  council-cli.cjs [--url URL] --suri SECRET propose <pallet.call> [arg...]
  council-cli.cjs [--url URL] --suri SECRET propose-contract-call <0xcontract> <0xcalldata>
  council-cli.cjs [--url URL] --suri SECRET propose-upgrade <runtime.wasm>
  council-cli.cjs [--url URL] --suri SECRET enact-upgrade <runtime.wasm>
  council-cli.cjs [--url URL] --suri SECRET vote <hash> <index> aye|nay
  council-cli.cjs [--url URL] --suri SECRET close <hash> <index>
  council-cli.cjs [--url URL] motions`;

function fail(msg) {
  console.error(`error: ${msg}\n${USAGE}`);
  process.exit(2);
}

/** A runtime wasm blob from `file`, refused early if it is not one (wasm magic, or zstd-compressed). */
function readCode(file) {
  let code;
  try {
    code = require('node:fs').readFileSync(file);
  } catch (e) {
    fail(`cannot read the runtime ${file}: ${e.message}`);
  }
  // `\0asm`, or the magic of a compressed runtime blob (sp-maybe-compressed-blob).
  const magic = code.subarray(0, 8).toString('hex');
  if (!magic.startsWith('0061736d') && magic !== '52bc537646db8e05') {
    fail(`${file} is not a runtime wasm blob (neither wasm nor a compressed runtime; its first bytes are ${magic})`);
  }
  return code;
}

function parseValue(s) {
  // Integers (balances are u128 plancks) as BigInt: JSON numbers lose precision above 2^53.
  if (/^-?[0-9]+$/.test(s)) return BigInt(s);
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

async function main() {
  const { values, positionals } = parseArgs({
    options: {
      url: { type: 'string', default: process.env.ALSTRANET_WS || 'ws://127.0.0.1:9944' },
      suri: { type: 'string', default: process.env.ALSTRANET_SURI },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const [command, ...rest] = positionals;
  if (!command) fail('missing command');
  const needsSigner = command !== 'motions';
  if (needsSigner && !values.suri) fail('--suri (or ALSTRANET_SURI) is required to sign');
  const api = await council.connect(values.url);
  try {
    const pair = needsSigner ? council.signer(values.suri) : null;
    let out;
    switch (command) {
      case 'propose': {
        const [name, ...args] = rest;
        const [section, method] = (name || '').split('.');
        if (!section || !method) fail(`expected <pallet.call>, e.g. validatorSet.addValidator, got ${name}`);
        const fn = api.tx[section] && api.tx[section][method];
        if (!fn) fail(`the runtime has no call ${name}`);
        if (args.length !== fn.meta.args.length) {
          fail(`${name} takes ${fn.meta.args.length} argument(s) (${fn.meta.args.map((a) => a.name.toString()).join(', ')}), got ${args.length}`);
        }
        out = await council.propose(api, pair, fn(...args.map(parseValue)));
        break;
      }
      case 'propose-contract-call': {
        // An EVM call as the council account (the BPM contracts' admin), dry-run first.
        const [dest, data, ...extra] = rest;
        if (!dest || !data || extra.length) fail('propose-contract-call <0xcontract> <0xcalldata>');
        const { call, weight, deposit } = await council.contractCall(api, dest, data);
        out = { ...(await council.propose(api, pair, call)), weightLimit: { refTime: weight.refTime.toString(), proofSize: weight.proofSize.toString() }, storageDepositLimit: deposit.toString() };
        break;
      }
      case 'propose-upgrade': {
        // Step 1 of a runtime upgrade (runtime/src/upgrades.rs): a motion that whitelists
        // system.authorizeUpgrade(blake2_256(code)).
        const [file, ...extra] = rest;
        if (!file || extra.length) fail('propose-upgrade <runtime.wasm>');
        const { codeHash, callHash, motion } = council.runtimeUpgrade(api, readCode(file));
        out = { ...(await council.propose(api, pair, motion)), codeHash, whitelistedCallHash: callHash };
        break;
      }
      case 'enact-upgrade': {
        // Steps 2 and 3, once the motion passed: a member dispatches the whitelisted
        // system.authorizeUpgrade as Root, then the code is applied; waits for the new version.
        const [file, ...extra] = rest;
        if (!file || extra.length) fail('enact-upgrade <runtime.wasm>');
        const code = readCode(file);
        const { codeHash, authorize } = council.runtimeUpgrade(api, code);
        const authorized = await council.dispatchWhitelisted(api, pair, authorize);
        const applied = await council.applyUpgrade(api, pair, code);
        out = { codeHash, authorizedAt: authorized.blockNumber, appliedAt: applied.blockNumber, specVersion: applied.specVersion };
        break;
      }
      case 'vote': {
        const [hash, index, choice] = rest;
        if (!hash || index === undefined || !['aye', 'nay'].includes(choice)) fail('vote <hash> <index> aye|nay');
        out = await council.vote(api, pair, hash, Number(index), choice === 'aye');
        break;
      }
      case 'close': {
        const [hash, index] = rest;
        if (!hash || index === undefined) fail('close <hash> <index>');
        out = await council.close(api, pair, hash, Number(index));
        break;
      }
      case 'motions':
        out = await council.motions(api);
        break;
      default:
        fail(`unknown command ${command}`);
    }
    console.log(JSON.stringify(out, null, 2));
  } finally {
    await api.disconnect();
  }
}

main().catch((e) => {
  console.error(`error: ${e.message}`);
  process.exit(1);
});
