'use strict';
// GRANDPA finality as seen by alice, over args = [mode, label, seconds]:
//   progresses  finality advances; reports the finality lag (best - finalized) with `label`;
//   stalls      finality does not advance (too few validators online: 2 of 4 < 2/3) while
//               blocks are still authored; a transaction is submitted meanwhile;
//   resumes     finality advances again and the transaction submitted during the stall is in
//               the finalized chain (no submitted transaction is lost).
const { council, api, disconnectAll, heads, sleep, waitFor, measured, loadState, saveState } = require('./lib.cjs');

async function sample(alice, seconds) {
  const lags = [];
  const first = await heads(alice);
  for (let i = 0; i < seconds; i++) {
    await sleep(1000);
    const h = await heads(alice);
    lags.push(h.best - h.finalized);
  }
  const last = await heads(alice);
  return { first, last, lags };
}

async function findExtrinsic(alice, fromNumber, toNumber, extrinsicHash) {
  for (let n = fromNumber; n <= toNumber; n++) {
    const block = await alice.rpc.chain.getBlock(await alice.rpc.chain.getBlockHash(n));
    if (block.block.extrinsics.some((x) => x.hash.toHex() === extrinsicHash)) return n;
  }
  return null;
}

async function run(_nodeName, networkInfo, args) {
  const [mode, label, secondsArg] = args;
  const seconds = Number(secondsArg || 30);
  try {
    const alice = await api(networkInfo, 'alice');
    if (mode === 'progresses') {
      const { first, last, lags } = await sample(alice, seconds);
      if (last.finalized < first.finalized + 2) {
        throw new Error(`finality did not progress with ${label}: #${first.finalized} -> #${last.finalized} in ${seconds} s`);
      }
      const avg = lags.reduce((a, b) => a + b, 0) / lags.length;
      measured(`finality lag with ${label}: mean ${avg.toFixed(2)} blocks, max ${Math.max(...lags)} (best - finalized sampled every 1 s for ${seconds} s; finalized #${first.finalized} -> #${last.finalized})`);
      return Math.max(...lags);
    }
    if (mode === 'stalls') {
      // Votes already cast may still finalize a little: let them settle first.
      await sleep(12_000);
      const before = await heads(alice);
      const ferdie = council.signer('//Ferdie');
      const tx = alice.tx.system.remarkWithEvent('alstranet: submitted while finality stalls');
      const extrinsicHash = tx.hash.toHex();
      const included = await council.submit(alice, tx, ferdie);
      const { last } = await sample(alice, seconds);
      if (last.finalized !== before.finalized) {
        throw new Error(`finality advanced with ${label} online: #${before.finalized} -> #${last.finalized}`);
      }
      if (last.best <= before.best) throw new Error(`no blocks authored with ${label} online`);
      saveState(networkInfo, { stalledAt: before.finalized, stallTx: extrinsicHash, stallTxBlock: included.blockNumber, stallStarted: Date.now() });
      measured(`finality with ${label} online: stalled at #${before.finalized} for ${seconds + 12} s while blocks went on to #${last.best}; a transaction was included in #${included.blockNumber}`);
      return last.best - last.finalized;
    }
    if (mode === 'resumes') {
      const state = loadState(networkInfo);
      if (!state.stallTx) throw new Error('no transaction recorded by the `stalls` step');
      const started = Date.now();
      const finalized = await waitFor(async () => {
        const h = await heads(alice);
        return h.finalized > state.stallTxBlock ? h.finalized : null;
      }, seconds * 1000, `finality to pass #${state.stallTxBlock} again`);
      const seconds_ = ((Date.now() - started) / 1000).toFixed(1);
      const foundAt = await findExtrinsic(alice, state.stalledAt + 1, finalized, state.stallTx);
      if (foundAt === null) throw new Error(`transaction ${state.stallTx} is not in the finalized chain #${state.stalledAt + 1}..#${finalized}`);
      measured(`finality with ${label}: resumed ${seconds_} s after the restart step (finalized #${state.stalledAt} -> #${finalized}); the transaction submitted during the stall is finalized in #${foundAt}`);
      return finalized;
    }
    throw new Error(`unknown mode ${mode}`);
  } finally {
    await disconnectAll();
  }
}

module.exports = { run };
