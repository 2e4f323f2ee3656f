'use strict';
// Validator liveness (pallet-validator-set, "Liveness"): the validator args[0], paused by the
// zndsl just before, authors nothing for a whole session; at that session's end the chain
// emits validatorSet.ValidatorSilent for it (and only for it) and validatorSet.silentSessions
// counts it, which is what the council sees in polkadot.js.
const { council, api, disconnectAll, heads, waitFor, measured } = require('./lib.cjs');

/** The ValidatorSilent events of block `number` as `{ validator, session, consecutive }`. */
async function silentIn(alice, number) {
  const at = await alice.at(await alice.rpc.chain.getBlockHash(number));
  return (await at.query.system.events())
    .filter(({ event }) => event.section === 'validatorSet' && event.method === 'ValidatorSilent')
    .map(({ event }) => ({
      validator: event.data.validator.toString(),
      session: event.data.session.toNumber(),
      consecutive: event.data.consecutive.toNumber(),
    }));
}

async function run(_nodeName, networkInfo, args) {
  const name = args[0];
  try {
    const alice = await api(networkInfo, 'alice');
    const account = council.signer(`//${name[0].toUpperCase()}${name.slice(1)}`).address;
    const active = (await alice.query.session.validators()).map((v) => v.toString());
    if (!active.includes(account)) throw new Error(`${name} is not an active validator: nothing to judge`);
    const start = (await heads(alice)).best;
    const sessionAtStart = (await alice.query.session.currentIndex()).toNumber();
    // Scan the chain from here until the event: the session of the pause is only partly
    // silent, the next one wholly (10-block sessions; with 3 of 4 validators about 80 s each).
    let next = start;
    const found = await waitFor(async () => {
      const { finalized } = await heads(alice);
      for (; next <= finalized; next++) {
        const events = await silentIn(alice, next);
        const others = events.filter((e) => e.validator !== account);
        if (others.length > 0) throw new Error(`validators that authored were reported silent in #${next}: ${JSON.stringify(others)}`);
        const mine = events.find((e) => e.validator === account);
        if (mine) return { block: next, ...mine };
      }
      return null;
    }, 300_000, `validatorSet.ValidatorSilent for ${name}`);
    if (found.session < sessionAtStart) throw new Error(`${name} was reported silent for session ${found.session}, before it was paused (session ${sessionAtStart})`);
    const count = (await alice.query.validatorSet.silentSessions(account)).toNumber();
    if (count < 1) throw new Error(`validatorSet.silentSessions(${name}) is ${count} after the event`);
    measured(`liveness: ${name} paused, chain scanned from #${start} (session ${sessionAtStart}); validatorSet.ValidatorSilent for session ${found.session} (consecutive ${found.consecutive}) in finalized #${found.block}, ${found.block - start} blocks later`);
    return found.block - start;
  } finally {
    await disconnectAll();
  }
}

module.exports = { run };
