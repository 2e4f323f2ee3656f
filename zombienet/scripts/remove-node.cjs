'use strict';
// The council removes a well-known node (args[0]): every permissioned node drops it and it ends
// with no peers, without any restart (Alastria MEMB_002).
const { council, api, disconnectAll, heads, peers, waitFor, measured, councilSigners, nodePeerId } = require('./lib.cjs');

async function run(_nodeName, networkInfo, args) {
  const name = args[0];
  try {
    const alice = await api(networkInfo, 'alice');
    const removed = await api(networkInfo, name);
    const peerId = nodePeerId(name);
    const wellKnown = Array.from(await alice.query.nodeAuthorization.wellKnownNodes(), (p) => p.toHex());
    if (!wellKnown.includes(peerId)) throw new Error(`${name}'s PeerId ${peerId} is not a well-known node`);
    const peersBefore = await peers(removed);
    if (peersBefore === 0) throw new Error(`${name} has no peers before its removal`);
    const [proposer, ...others] = councilSigners();
    const started = Date.now();
    const motion = await council.passMotion(alice, proposer, [proposer, ...others], alice.tx.nodeAuthorization.removeWellKnownNode(peerId));
    await waitFor(async () => (await peers(removed)) === 0, 120_000, `${name} to lose its peers`);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const { best } = await heads(alice);
    // It stays disconnected: it imports no more blocks.
    const stuckAt = (await heads(removed)).best;
    await waitFor(async () => (await heads(alice)).best >= best + 3, 60_000, 'three more blocks');
    const later = (await heads(removed)).best;
    if (later > stuckAt + 1) throw new Error(`${name} kept importing blocks (#${stuckAt} -> #${later}) after its removal`);
    measured(`council motion -> node ${name} removed: executed at #${motion.executedAt}; ${name} went from ${peersBefore} peers to 0 by #${best} (${best - motion.executedAt} blocks, ${seconds} s from the proposal) and stopped at #${later}`);
    return best - motion.executedAt;
  } finally {
    await disconnectAll();
  }
}

module.exports = { run };
