'use strict';
// MEMB_001, no member admits outsiders alone: Alice, owner of the well-known node alice, tries
// to admit the outsider mallory as an additional connection of her node
// (`nodeAuthorization.addConnections`). The runtime refuses it (`system.CallFiltered`,
// runtime/src/call_filter.rs `OnlyWellKnownConnections`) and alice's additional connections stay
// as they were; a well-known node (ferdie) is accepted, then removed again, so the refusal is
// the filter's and not a failing call. The zndsl's last step checks that mallory still has no
// peers.
const { council, api, disconnectAll, measured, nodePeerId } = require('./lib.cjs');

async function run(_nodeName, networkInfo) {
  try {
    const alice = await api(networkInfo, 'alice');
    const owner = council.signer('//Alice');
    const node = nodePeerId('alice');
    const mallory = nodePeerId('mallory');
    const ferdie = nodePeerId('ferdie');
    const connections = async () => [...(await alice.query.nodeAuthorization.additionalConnections(node))].map((p) => p.toHex()).sort();
    const before = await connections();
    if (before.includes(ferdie)) throw new Error(`ferdie is already an additional connection of alice: ${before}`);

    let refusal = null;
    try {
      await council.submit(alice, alice.tx.nodeAuthorization.addConnections(node, [mallory]), owner);
    } catch (e) {
      refusal = e.message;
    }
    if (refusal === null || !/system\.CallFiltered/.test(refusal)) {
      throw new Error(`addConnections(alice, [mallory]) by alice's owner was not refused by the call filter: ${refusal ?? 'it succeeded'}`);
    }
    const afterRefusal = await connections();
    if (JSON.stringify(afterRefusal) !== JSON.stringify(before)) throw new Error(`alice's additional connections changed: ${before} -> ${afterRefusal}`);

    const added = await council.submit(alice, alice.tx.nodeAuthorization.addConnections(node, [ferdie]), owner);
    if (!(await connections()).includes(ferdie)) throw new Error('addConnections(alice, [ferdie]) succeeded but ferdie is not an additional connection');
    await council.submit(alice, alice.tx.nodeAuthorization.removeConnections(node, [ferdie]), owner);
    const after = await connections();
    if (JSON.stringify(after) !== JSON.stringify(before)) throw new Error(`alice's additional connections were not restored: ${before} -> ${after}`);
    measured(`add_connections loophole closed: alice's owner admitting mallory refused (system.CallFiltered), ferdie (well known) accepted in #${added.blockNumber} and removed again`);
    return added.blockNumber;
  } finally {
    await disconnectAll();
  }
}

module.exports = { run };
