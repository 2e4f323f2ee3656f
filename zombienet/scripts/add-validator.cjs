'use strict';
// The council adds a validator (args[0], a standby node run with --validator): the node's
// operator generates session keys on the node (author_rotateKeysWithOwner) and registers them
// (session.setKeys); a council motion (3 of 4 ayes) calls validatorSet.addValidator; the node
// authors blocks after the session change, without any restart.
const { council, api, disconnectAll, heads, authorOf, waitFor, measured, councilSigners, saveState } = require('./lib.cjs');

async function run(_nodeName, networkInfo, args) {
  const name = args[0];
  try {
    const alice = await api(networkInfo, 'alice');
    const operator = council.signer(`//${name[0].toUpperCase()}${name.slice(1)}`);
    const generated = await council.rotateKeysWithOwner(networkInfo.nodesByName[name].wsUri, operator.address);
    await council.submit(alice, alice.tx.session.setKeys(generated.keys, generated.proof), operator);
    const [proposer, ...others] = councilSigners();
    const motion = await council.passMotion(alice, proposer, [proposer, ...others], alice.tx.validatorSet.addValidator(operator.address));
    const planned = (await alice.query.validatorSet.validators()).map((v) => v.toString());
    if (!planned.includes(operator.address)) throw new Error(`${name} is not in validatorSet.validators after the motion`);
    // Effect: the first block authored by the new validator.
    let next = motion.executedAt + 1;
    const first = await waitFor(async () => {
      const { best } = await heads(alice);
      for (; next <= best; next++) {
        if ((await authorOf(alice, next)) === operator.address) return next;
      }
      return null;
    }, 360_000, `${name} to author a block`);
    measured(`council motion -> validator ${name} added: motion proposed at #${motion.proposedAt}, executed at #${motion.executedAt}, first block authored at #${first} (${first - motion.executedAt} blocks after execution; sessions of 10 blocks, effect at session s+2)`);
    saveState(networkInfo, { [`${name}AuthoredFirst`]: first });
    return first - motion.executedAt;
  } finally {
    await disconnectAll();
  }
}

module.exports = { run };
