'use strict';
// Helpers shared by the zombienet js-scripts of consortium.zndsl. Zombienet `require`s each
// script and calls `run(nodeName, networkInfo, args)`; a script fails the test by throwing.
// State passed between scripts lives in `<network tmpDir>/alstranet-state.json`; measurements
// are printed as `# measured: ...` lines and appended to $ALSTRANET_MEASUREMENTS if set.
const fs = require('node:fs');
const path = require('node:path');
const council = require('../../governance/council.cjs');

const apis = new Map();

/** A connected ApiPromise to node `name` of the network (one per node, reused). */
async function api(networkInfo, name) {
  if (!apis.has(name)) apis.set(name, await council.connect(networkInfo.nodesByName[name].wsUri));
  return apis.get(name);
}

async function disconnectAll() {
  for (const a of apis.values()) await a.disconnect();
  apis.clear();
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` every `everyMs` until it returns a truthy value; throws `what` after `ms`. */
async function waitFor(fn, ms, what, everyMs = 1000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const v = await fn();
    if (v) return v;
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
}

/** `{ best, finalized }` block numbers seen by a node. */
async function heads(a) {
  const [best, fin] = await Promise.all([a.rpc.chain.getHeader(), a.rpc.chain.getFinalizedHead()]);
  const finalized = (await a.rpc.chain.getHeader(fin)).number.toNumber();
  return { best: best.number.toNumber(), finalized };
}

/** Number of peers of a node (`system_health`). */
async function peers(a) {
  return (await a.rpc.system.health()).peers.toNumber();
}

/** The SS58 account of the author of block `number` (Aura slot author among session validators). */
async function authorOf(a, number) {
  const hash = await a.rpc.chain.getBlockHash(number);
  const header = await a.derive.chain.getHeader(hash);
  return header.author ? header.author.toString() : null;
}

function statePath(networkInfo) {
  return path.join(networkInfo.tmpDir, 'alstranet-state.json');
}

function loadState(networkInfo) {
  try {
    return JSON.parse(fs.readFileSync(statePath(networkInfo), 'utf8'));
  } catch {
    return {};
  }
}

function saveState(networkInfo, update) {
  fs.writeFileSync(statePath(networkInfo), JSON.stringify({ ...loadState(networkInfo), ...update }, null, 2));
}

/** Prints and records a measurement. */
function measured(text) {
  const line = `# measured: ${text}`;
  console.log(line);
  if (process.env.ALSTRANET_MEASUREMENTS) fs.appendFileSync(process.env.ALSTRANET_MEASUREMENTS, `${line}\n`);
}

/** The council members of the `local` chain that vote in the tests (3 of 4 = the 2/3 threshold). */
function councilSigners() {
  return ['//Alice', '//Bob', '//Charlie'].map(council.signer);
}

const { ed25519PairFromSeed, sha256AsU8a } = require(
  require.resolve('@polkadot/util-crypto', { paths: [path.join(__dirname, '../../governance')] }),
);

/**
 * The PeerId (hex of its bytes, as pallet-node-authorization stores it) of the zombienet node
 * `name`: zombienet's node key is sha256(name); an ed25519 PeerId is the identity multihash
 * `0x00 0x24 0x08 0x01 0x12 0x20 ++ public key`.
 */
function nodePeerId(name) {
  const { publicKey } = ed25519PairFromSeed(sha256AsU8a(name));
  return `0x002408011220${Buffer.from(publicKey).toString('hex')}`;
}

const { scrape: scrapeUrl, metricValue, metricNames } = require('../../monitoring/scrape.cjs');

/** The Prometheus text exposition of node `name` (`alstranet_*` metrics: node/src/metrics.rs). */
async function scrape(networkInfo, name) {
  return scrapeUrl(networkInfo.nodesByName[name].prometheusUri);
}

module.exports = {
  council, api, disconnectAll, sleep, waitFor, heads, peers, authorOf,
  loadState, saveState, measured, councilSigners, nodePeerId, scrape, metricValue, metricNames,
};
