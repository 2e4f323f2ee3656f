'use strict';
// A runtime upgrade decided by the council on the running 4-validator network (runtime/src/
// upgrades.rs): a motion (3 of 4 ayes) whitelists system.authorizeUpgrade(hash of the next
// release, $ALSTRANET_NEXT_RUNTIME, spec_version + 1), a member dispatches it as Root, a
// non-member applies the code. Every node then runs the new version, blocks keep being
// finalized across the upgrade, and the state is kept (validators, council, well-known nodes,
// an account's balance).
const fs = require('node:fs');
const { council, api, disconnectAll, heads, waitFor, measured, councilSigners } = require('./lib.cjs');

async function snapshot(a) {
  return JSON.stringify({
    validators: (await a.query.validatorSet.validators()).toJSON(),
    council: (await a.query.council.members()).toJSON(),
    wellKnownNodes: (await a.query.nodeAuthorization.wellKnownNodes()).toJSON(),
    ferdie: (await a.query.system.account(council.signer('//Ferdie').address)).data.free.toString(),
  });
}

async function run(_nodeName, networkInfo) {
  const file = process.env.ALSTRANET_NEXT_RUNTIME;
  if (!file || !fs.existsSync(file)) throw new Error(`ALSTRANET_NEXT_RUNTIME (${file}) is not a file: cargo build --release -p alstranet-runtime-next`);
  const code = fs.readFileSync(file);
  try {
    const alice = await api(networkInfo, 'alice');
    const before = (await alice.rpc.state.getRuntimeVersion()).specVersion.toNumber();
    const state = await snapshot(alice);
    const { authorize, callHash, motion } = council.runtimeUpgrade(alice, code);
    const [proposer, ...others] = councilSigners();
    const passed = await council.passMotion(alice, proposer, [proposer, ...others], motion);
    await council.dispatchWhitelisted(alice, proposer, authorize);
    const ferdie = council.signer('//Ferdie');
    const applied = await council.applyUpgrade(alice, ferdie, code, 120_000);
    if (applied.specVersion !== before + 1) throw new Error(`spec version ${before} -> ${applied.specVersion}, expected ${before + 1}`);
    // Every running node follows the new code (they execute the on-chain wasm).
    for (const name of ['bob', 'charlie', 'eve', 'ferdie']) {
      const a = await api(networkInfo, name);
      await waitFor(async () => (await a.rpc.state.getRuntimeVersion()).specVersion.toNumber() === applied.specVersion, 120_000, `${name} to run spec version ${applied.specVersion}`);
    }
    const finalized = await waitFor(async () => {
      const { finalized: f } = await heads(alice);
      return f >= applied.blockNumber + 3 ? f : null;
    }, 180_000, `finality past the upgrade block #${applied.blockNumber}`);
    const after = await snapshot(alice);
    if (after !== state) throw new Error(`the state changed across the upgrade:\nbefore ${state}\nafter  ${after}`);
    measured(`council runtime upgrade ${before} -> ${applied.specVersion} (whitelisted call ${callHash.slice(0, 10)}…): motion #${passed.proposedAt} -> #${passed.executedAt}, code set in #${applied.blockNumber}, finalized #${finalized} on the new code; every node runs it`);
    return applied.specVersion;
  } finally {
    await disconnectAll();
  }
}

module.exports = { run };
