'use strict';
// The node that is not among the well-known nodes gets no peers and no blocks, while the
// permissioned regular node (ferdie) syncs from the validators.
const { api, disconnectAll, heads, peers, waitFor, measured } = require('./lib.cjs');

async function run(nodeName, networkInfo) {
  try {
    const alice = await api(networkInfo, 'alice');
    const ferdie = await api(networkInfo, 'ferdie');
    const outsider = await api(networkInfo, nodeName);
    await waitFor(async () => (await heads(alice)).best >= 10, 180_000, 'alice at block 10');
    // The well-known nodes' offchain workers put them in reserved-only mode from their first
    // imported block on: the outsider is refused from then on.
    await waitFor(async () => (await peers(outsider)) === 0, 60_000, `${nodeName} to have no peers`);
    const a = await heads(alice);
    const o = await heads(outsider);
    if (o.best > 1) throw new Error(`${nodeName} imported ${o.best} blocks (alice is at ${a.best})`);
    const f = await heads(ferdie);
    if (f.best < a.best - 2) throw new Error(`ferdie (regular node) is at ${f.best}, alice at ${a.best}`);
    // (when run after validators restarted, they reconnect to ferdie within seconds)
    let ferdiePeers = 0;
    await waitFor(async () => (ferdiePeers = await peers(ferdie)) >= 4, 60_000, 'ferdie to have the other permissioned nodes as peers')
      .catch(() => { throw new Error(`ferdie has ${ferdiePeers} peers, expected the other permissioned nodes (at least 4)`); });
    measured(`unauthorised node: 0 peers, best block ${o.best} while alice is at ${a.best}; ferdie ${ferdiePeers} peers, best ${f.best}`);
    return o.best;
  } finally {
    await disconnectAll();
  }
}

module.exports = { run };
