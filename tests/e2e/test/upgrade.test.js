// Runtime upgrades on a running chain (issue "chain operations", Alastria 7.6.2.8), on one dev
// node that keeps authoring and finalizing blocks throughout:
//
// 1. a chain started on the previous release (spec version 100: `fixtures/dev-spec-100.json.gz`
//    is `chain-specs/dev.json` as landed at commit cc47477) moves to this runtime. Version 100
//    has no path from the council to Root, so on `dev` its sudo key authorizes the code (a
//    `local` chain of version 100 cannot be upgraded at all: that is what this release fixes).
//    The storage migrations run (the validator set's liveness, storage version 1) and the state
//    is kept.
// 2. the council then upgrades it to the next version (this runtime with `spec_version + 1`, the
//    blob of `runtime-next/`) the way every upgrade now goes: a motion whitelists
//    `system.authorizeUpgrade(code_hash)`, a member dispatches it as Root, anyone applies the
//    code (governance/council-cli.cjs propose-upgrade / enact-upgrade). Outsiders, wrong code
//    and a not-yet-authorized code are refused.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { ROOT, startNode, tail, tempDir, until } from '../lib/node.js';

const require = createRequire(import.meta.url);
const council = require('../../../governance/council.cjs');

const TARGET = process.env.CARGO_TARGET_DIR || path.join(os.homedir(), '.cache/alstranet/target');
// The next release's blob, built by `cargo build --release -p alstranet-runtime-next`.
const NEXT_RUNTIME = process.env.ALSTRANET_NEXT_RUNTIME
  || path.join(TARGET, 'release/wbuild/alstranet-runtime/alstranet_runtime_next.compact.compressed.wasm');

/** This runtime's code, from the committed dev chain spec (tested to match the runtime). */
function currentCode() {
  const spec = JSON.parse(fs.readFileSync(path.join(ROOT, 'chain-specs/dev.json'), 'utf8'));
  return Buffer.from(spec.genesis.runtimeGenesis.code.slice(2), 'hex');
}

describe('runtime upgrades on a running chain', () => {
  let node;
  let api;
  const alice = council.signer('//Alice'); // dev: sudo key, only validator, only council member
  const bob = council.signer('//Bob'); // a funded account outside the council (pays the fees of refused calls)
  const charlie = council.signer('//Charlie'); // untouched: its balance must survive the upgrades

  const specVersion = async () => (await api.rpc.state.getRuntimeVersion()).specVersion.toNumber();
  const finalized = async () => (await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead())).number.toNumber();
  /** Finality goes on: a block after `block` gets finalized. */
  const finalizesPast = (block) => until(async () => (await finalized()) > block + 1, 60_000, `a finalized block after #${block + 1}`);
  /** What an upgrade must not lose. */
  const snapshot = async () => ({
    charlie: (await api.query.system.account(charlie.address)).data.free.toString(),
    validators: (await api.query.validatorSet.validators()).toJSON(),
    council: (await api.query.council.members()).toJSON(),
    wellKnownNodes: (await api.query.nodeAuthorization.wellKnownNodes()).toJSON(),
    chainId: (await api.query.evmChainId.chainId()).toString(),
  });

  before(async () => {
    const spec = path.join(tempDir('spec-100'), 'dev-spec-100.json');
    fs.writeFileSync(spec, zlib.gunzipSync(fs.readFileSync(path.join(ROOT, 'tests/e2e/fixtures/dev-spec-100.json.gz'))));
    // What `--dev` sets, for a chain from a file (a validator needs a node key of its own).
    node = await startNode(['--chain', spec, '--alice', '--validator', '--force-authoring', '--node-key', '0'.repeat(63) + '1'], { name: 'upgrade' });
    await node.waitForLog(/Running JSON-RPC server/);
    api = await council.connect(node.wsUrl);
    await until(async () => (await finalized()) >= 2, 60_000, 'finalized block #2');
  });

  after(async () => {
    if (api) await api.disconnect();
    if (node) await node.stop();
  });

  test('a chain of spec version 100 moves to this runtime: migrations run, state and finality go on', async () => {
    assert.equal(await specVersion(), 100);
    assert.equal(api.tx.whitelist, undefined, 'version 100 has no council path to Root');
    assert.equal((await api.query.validatorSet.palletVersion()).toNumber(), 0);
    const before = await snapshot();
    const code = currentCode();

    // The code must be authorized first.
    await assert.rejects(council.applyUpgrade(api, bob, code), /system\.NothingAuthorized/);
    const codeHash = api.registry.hash(code).toHex();
    const { events } = await council.submit(api, api.tx.sudo.sudo(api.tx.system.authorizeUpgrade(codeHash)), alice);
    const sudid = events.find(({ event }) => event.section === 'sudo' && event.method === 'Sudid');
    assert.ok(sudid && sudid.event.data.sudoResult.isOk, 'sudo.sudo(system.authorizeUpgrade) succeeded');
    const session = (await api.query.session.currentIndex()).toNumber();

    // Anyone may apply the authorized code; the node runs it from the next block.
    const applied = await council.applyUpgrade(api, bob, code);
    assert.equal(applied.specVersion, 101);
    await until(() => api.tx.whitelist !== undefined, 30_000, "polkadot.js's metadata of the new runtime");

    // The migrations ran once, in the first block on the new code.
    assert.equal((await api.query.validatorSet.palletVersion()).toNumber(), 1, 'validator set at storage version 1');
    const from = (await api.query.validatorSet.livenessFrom()).toNumber();
    assert.ok(from === session + 1 || from === session + 2, `liveness judged from the session after the upgrade (${session} + 1, or + 2 if the session turned meanwhile), got ${from}`);
    assert.equal((await api.query.preimage.palletVersion()).toNumber(), 1, 'the new preimage pallet got its storage version');
    assert.deepEqual(await snapshot(), before, 'the state survived the upgrade');
    await finalizesPast(applied.blockNumber);
  });

  test('the council upgrades it to the next release: a motion whitelists the authorization, a member dispatches it, anyone applies the code; outsiders and wrong code are refused', async () => {
    assert.equal(await specVersion(), 101, 'runs after the previous test');
    assert.ok(fs.existsSync(NEXT_RUNTIME), `${NEXT_RUNTIME} is missing: cargo build --release -p alstranet-runtime-next`);
    const next = fs.readFileSync(NEXT_RUNTIME);
    const current = currentCode();
    const before = await snapshot();
    const livenessFrom = (await api.query.validatorSet.livenessFrom()).toNumber();
    const { authorize, callHash } = council.runtimeUpgrade(api, next);

    // Only the council whitelists; an outsider can only relay a dispatch that a member deferred
    // (there is none); nothing runs before the motion.
    await assert.rejects(council.submit(api, api.tx.whitelist.whitelistCall(callHash), bob), /BadOrigin/);
    await assert.rejects(council.dispatchWhitelisted(api, bob, authorize), /whitelist\.DeferredDispatchNotFound/);
    await assert.rejects(council.applyUpgrade(api, bob, next), /system\.NothingAuthorized/);

    // Step 1, the motion, with the operators' CLI (one member on dev: it executes at once).
    const cli = (...args) => {
      const r = spawnSync(process.execPath, [path.join(ROOT, 'governance/council-cli.cjs'), '--url', node.wsUrl, '--suri', '//Alice', ...args], { encoding: 'utf8', timeout: 120_000 });
      assert.equal(r.status, 0, `council-cli ${args.join(' ')}:\n${r.stderr}\n${tail(node.log(), 20)}`);
      return JSON.parse(r.stdout);
    };
    const motion = cli('propose-upgrade', NEXT_RUNTIME);
    assert.equal(motion.whitelistedCallHash, callHash);
    assert.ok(motion.executed, 'the motion executed');
    assert.ok((await api.query.whitelist.whitelistedCall(callHash)).isSome, 'the call is whitelisted');

    // Step 2: a member dispatches it as Root. Then a code other than the authorized one is
    // refused.
    await council.dispatchWhitelisted(api, alice, authorize);
    assert.ok((await api.query.whitelist.whitelistedCall(callHash)).isNone, 'one approval, one dispatch');
    const authorized = await api.query.system.authorizedUpgrade();
    assert.equal(authorized.unwrap().codeHash.toHex(), api.registry.hash(next).toHex());
    await assert.rejects(council.applyUpgrade(api, bob, current), /system\.Unauthorized/);

    // Step 3 (what `enact-upgrade` does after its dispatch): anyone applies the code.
    const applied = await council.applyUpgrade(api, bob, next);
    assert.equal(applied.specVersion, 102);
    assert.deepEqual(await snapshot(), before, 'the state survived the upgrade');
    assert.equal((await api.query.validatorSet.livenessFrom()).toNumber(), livenessFrom, 'the v1 migration did not run again');
    await finalizesPast(applied.blockNumber);

    // The same code again is refused even when authorized: a chain only moves to a higher spec
    // version (the authorization is dropped).
    const again = council.runtimeUpgrade(api, next);
    await council.submit(api, api.tx.sudo.sudo(again.authorize), alice);
    await assert.rejects(council.applyUpgrade(api, bob, next), /system\.SpecVersionNeedsToIncrease/);
    assert.ok((await api.query.system.authorizedUpgrade()).isNone);
    assert.equal(await specVersion(), 102);
  });
});
