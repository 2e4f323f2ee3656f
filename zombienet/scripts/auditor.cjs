'use strict';
// The read-only auditor node (`--auditor`, node/src/auditor.rs), run as ferdie: a well-known
// node that syncs and follows finality, serves reads over RPC, has the Full role (never
// authors or votes), serves no unsafe RPC method and refuses every transaction submitted to it.
const { council, api, disconnectAll, heads, waitFor, measured, scrape, metricValue } = require('./lib.cjs');

async function run(nodeName, networkInfo) {
  try {
    const alice = await api(networkInfo, 'alice');
    const auditor = await api(networkInfo, nodeName);
    const roles = (await auditor.rpc.system.nodeRoles()).map((r) => r.toString());
    if (roles.join() !== 'Full') throw new Error(`${nodeName}'s roles are ${roles}, expected Full`);

    // Follows finality: alice's finalized block of now, with the same hash and the same state.
    const target = (await heads(alice)).finalized;
    await waitFor(async () => (await heads(auditor)).finalized >= target, 60_000, `${nodeName} to finalize #${target}`);
    const hash = await alice.rpc.chain.getBlockHash(target);
    const ownHash = await auditor.rpc.chain.getBlockHash(target);
    if (!hash.eq(ownHash)) throw new Error(`#${target}: alice has ${hash}, ${nodeName} ${ownHash}`);
    const read = async (a) => JSON.stringify((await (await a.at(hash)).query.validatorSet.validators()).toJSON());
    if ((await read(alice)) !== (await read(auditor))) throw new Error(`${nodeName} reads another validator set at #${target}`);

    // No unsafe RPC method.
    const refusal = async (what, p, pattern) => {
      try {
        await p;
      } catch (e) {
        if (!pattern.test(e.message)) throw new Error(`${what} refused with an unexpected error: ${e.message}`);
        return e.message;
      }
      throw new Error(`${what} was accepted by the auditor node`);
    };
    await refusal('author_rotateKeys', auditor.rpc.author.rotateKeys(), /unsafe/);
    await refusal('system_addReservedPeer', auditor.rpc.system.addReservedPeer('/ip4/127.0.0.1/tcp/1/p2p/12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp'), /unsafe/);

    // No transaction: a correctly signed one is refused at submission; the chain never sees it.
    const ferdie = council.signer('//Ferdie');
    const nonce = await alice.rpc.system.accountNextIndex(ferdie.address);
    const tx = await auditor.tx.system.remark('0x61756469746f72').signAsync(ferdie, { nonce });
    const why = await refusal('author_submitExtrinsic', auditor.rpc.author.submitExtrinsic(tx), /read-only auditor node/);
    const { best } = await heads(alice);
    await waitFor(async () => (await heads(alice)).best >= best + 2, 60_000, 'two more blocks');
    const after = await alice.rpc.system.accountNextIndex(ferdie.address);
    if (!after.eq(nonce)) throw new Error(`ferdie's nonce moved from ${nonce} to ${after}: the refused transaction was included`);

    // Its own metrics: authorised, peers only among the well-known nodes.
    const text = await scrape(networkInfo, nodeName);
    const m = (name) => metricValue(text, name);
    if (m('alstranet_node_authorized') !== 1) throw new Error(`alstranet_node_authorized of ${nodeName} is ${m('alstranet_node_authorized')}`);
    if (m('alstranet_unauthorized_peers_connected') !== 0) throw new Error(`${nodeName} has unauthorised peers: ${m('alstranet_unauthorized_peers_connected')}`);
    measured(`auditor node ${nodeName}: role Full, finalized #${target} with alice's hash, unsafe RPC refused, a signed remark refused ("${why}"), ${m('alstranet_authorized_peers')} authorised peers`);
    return target;
  } finally {
    await disconnectAll();
  }
}

module.exports = { run };
