'use strict';
// Validator liveness (pallet-validator-set, "Liveness"), args = [mode, name]:
//   silent    the validator `name`, paused by the zndsl just before, authors nothing for a whole
//             session; at that session's end the chain emits validatorSet.ValidatorSilent for it
//             (and only for it) and validatorSet.silentSessions counts it, which is what the
//             council sees in polkadot.js;
//   recovers  `name` was killed hard (zombienet's native `restart` is `kill -9`, then the same
//             command on the same base path: its database is reused): its node catches up with
//             alice, it authors again and its count of silent sessions is cleared. (That it votes
//             in GRANDPA again is shown by the zndsl: finality then progresses without eve.)
const { council, api, disconnectAll, heads, authorOf, waitFor, measured } = require('./lib.cjs');

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

async function silent(alice, name, account) {
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
}

async function recovers(networkInfo, alice, name, account) {
  const started = Date.now();
  const start = await heads(alice);
  const silentBefore = (await alice.query.validatorSet.silentSessions(account)).toNumber();
  if (silentBefore < 1) throw new Error(`validatorSet.silentSessions(${name}) is ${silentBefore} before its recovery: the pause was not recorded`);
  const own = await api(networkInfo, name);
  // Caught up: its own node has alice's finalized block of the start.
  const caughtUp = await waitFor(async () => {
    const h = await heads(own);
    return h.finalized >= start.finalized ? h : null;
  }, 120_000, `${name}'s node to catch up with alice's finalized #${start.finalized}`);
  // Authors again.
  let next = start.best + 1;
  const authored = await waitFor(async () => {
    const { best } = await heads(alice);
    for (; next <= best; next++) {
      if ((await authorOf(alice, next)) === account) return next;
    }
    return null;
  }, 180_000, `${name} to author a block`);
  // Its silent sessions are forgotten once a session with its blocks ends.
  await waitFor(async () => (await alice.query.validatorSet.silentSessions(account)).toNumber() === 0, 240_000, `validatorSet.silentSessions(${name}) to be cleared`);
  measured(`recovery after kill -9: ${name}'s node at finalized #${caughtUp.finalized} (alice's #${start.finalized} at the start), authored #${authored}, its ${silentBefore} silent sessions cleared ${((Date.now() - started) / 1000).toFixed(0)} s after the step began`);
  return authored - start.best;
}

async function run(_nodeName, networkInfo, args) {
  const [mode, name] = args;
  try {
    const alice = await api(networkInfo, 'alice');
    const account = council.signer(`//${name[0].toUpperCase()}${name.slice(1)}`).address;
    const active = (await alice.query.session.validators()).map((v) => v.toString());
    if (!active.includes(account)) throw new Error(`${name} is not an active validator: nothing to judge`);
    if (mode === 'silent') return await silent(alice, name, account);
    if (mode === 'recovers') return await recovers(networkInfo, alice, name, account);
    throw new Error(`unknown mode ${mode}`);
  } finally {
    await disconnectAll();
  }
}

module.exports = { run };
