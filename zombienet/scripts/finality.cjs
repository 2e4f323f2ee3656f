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
      const included = await council.submit(alice, tx, ferdie);
      const { last } = await sample(alice, seconds);
      if (last.finalized !== before.finalized) {
        throw new Error(`finality advanced with ${label} online: #${before.finalized} -> #${last.finalized}`);
      }
      if (last.best <= before.best) throw new Error(`no blocks authored with ${label} online`);
      saveState(networkInfo, { stalledAt: before.finalized, stallTx: included.txHash, stallTxBlock: included.blockNumber });
      measured(`finality with ${label} online: stalled at #${before.finalized} for ${seconds + 12} s while blocks went on to #${last.best}; a transaction was included in #${included.blockNumber}`);
      return last.best - last.finalized;
    }
    if (mode === 'resumes') {
      const state = loadState(networkInfo);
      if (!state.stallTx) throw new Error('no transaction recorded by the `stalls` step');
      const started = Date.now();
      // The transaction may have been re-included in another block after a re-org: search the
      // finalized chain as it grows.
      let searched = state.stalledAt;
      let finalized = state.stalledAt;
      let resumedAfter = null;
      const foundAt = await waitFor(async () => {
        finalized = (await heads(alice)).finalized;
        if (finalized > state.stalledAt && resumedAfter === null) resumedAfter = ((Date.now() - started) / 1000).toFixed(1);
        const found = await findExtrinsic(alice, searched + 1, finalized, state.stallTx);
        searched = finalized;
        return found;
      }, seconds * 1000, `transaction ${state.stallTx} (included in #${state.stallTxBlock} during the stall) to be finalized`);
      measured(`finality with ${label}: advancing again ${resumedAfter} s after both restarts had returned (finalized #${state.stalledAt} -> #${finalized}); the transaction submitted during the stall is finalized in #${foundAt}`);
      return finalized;
    }
    throw new Error(`unknown mode ${mode}`);
  } finally {
    await disconnectAll();
  }
}

module.exports = { run };
