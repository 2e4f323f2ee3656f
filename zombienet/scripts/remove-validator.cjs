'use strict';
// The council removes a validator (args[0]): after the session change the node, still running,
// authors no more blocks, and finality continues with the remaining validators.
const { council, api, disconnectAll, heads, authorOf, waitFor, measured, councilSigners } = require('./lib.cjs');

async function run(_nodeName, networkInfo, args) {
  const name = args[0];
  try {
    const alice = await api(networkInfo, 'alice');
    const account = council.signer(`//${name[0].toUpperCase()}${name.slice(1)}`).address;
    const [proposer, ...others] = councilSigners();
    const motion = await council.passMotion(alice, proposer, [proposer, ...others], alice.tx.validatorSet.removeValidator(account));
    // Effect: the first block whose session validators no longer include the removed one.
    const effective = await waitFor(async () => {
      const { best } = await heads(alice);
      const at = await alice.at(await alice.rpc.chain.getBlockHash(best));
      const active = (await at.query.session.validators()).map((v) => v.toString());
      return active.includes(account) ? null : best;
    }, 360_000, `${name} to leave session.validators`);
    const finalizedBefore = (await heads(alice)).finalized;
    // Two rounds of the remaining validators (4 x 2 slots): none authored by the removed one.
    const until = effective + 8;
    await waitFor(async () => (await heads(alice)).best >= until, 120_000, `block #${until}`);
    for (let n = effective + 1; n <= until; n++) {
      const author = await authorOf(alice, n);
      if (author === account) throw new Error(`removed validator ${name} authored block #${n}`);
    }
    const finalizedAfter = await waitFor(async () => {
      const { finalized } = await heads(alice);
      return finalized >= effective + 4 ? finalized : null;
    }, 120_000, 'finality to continue after the removal');
    measured(`council motion -> validator ${name} removed: executed at #${motion.executedAt}, out of the active set from #${effective} (${effective - motion.executedAt} blocks); no block by ${name} in #${effective + 1}..#${until}; finalized #${finalizedBefore} -> #${finalizedAfter}`);
    return effective - motion.executedAt;
  } finally {
    await disconnectAll();
  }
}

module.exports = { run };
