'use strict';
/**
 * Consortium council governance for AlstraNet, with @polkadot/api.
 *
 * The runtime's governance origin is `EnsureRootOrTwoThirdsCouncil`: root (the sudo key, `dev`
 * chain only) or a motion of the `Council` (pallet-collective, instance 1) approved by at least
 * 2/3 of its members (`EnsureProportionAtLeast<_, _, 2, 3>`). Seats are managed by
 * `CouncilMembership` (pallet-membership), itself governed by the council. A motion goes:
 *
 *   1. `council.propose(threshold, call, lengthBound)` by a member: event `Council.Proposed`
 *      with the proposal's index and hash;
 *   2. `council.vote(hash, index, approve)` by members: events `Council.Voted`;
 *   3. `council.close(hash, index, weightBound, lengthBound)` by anyone once the ayes reach the
 *      threshold: events `Council.Closed`, `Council.Approved` and `Council.Executed` (whose
 *      `result` is the dispatch result of the call under the council origin).
 *
 * Every function takes a connected `ApiPromise`; signers are sr25519 key pairs (`signer(suri)`).
 * Failed extrinsics reject with the module error's `section.name: docs`.
 */
const { ApiPromise, WsProvider, Keyring } = require('@polkadot/api');

/** Connects to a node's Substrate JSON-RPC endpoint (`ws://host:port`). */
async function connect(url) {
  return ApiPromise.create({ provider: new WsProvider(url), noInitWarn: true, throwOnConnect: true });
}

/** An sr25519 key pair from a secret URI (`//Alice`, a mnemonic, `0x<seed>`). */
function signer(suri) {
  return new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri(suri);
}

/** Ayes needed for a 2/3 majority of `members` seats: ceil(2 * members / 3). */
function twoThirdsThreshold(members) {
  return Math.ceil((2 * members) / 3);
}

/**
 * A dispatch error as `section.name: docs` (module errors), else its kind and detail
 * (`BadOrigin`, `Token: FundsUnavailable`).
 */
function describeDispatchError(api, dispatchError) {
  if (dispatchError.isModule) {
    const { section, name, docs } = api.registry.findMetaError(dispatchError.asModule);
    return `${section}.${name}: ${docs.join(' ')}`;
  }
  const detail = dispatchError.value && !dispatchError.value.isEmpty ? `: ${dispatchError.value.toString()}` : '';
  return `${dispatchError.type}${detail}`;
}

/**
 * Signs and submits `tx` with `pair`; resolves once it is in a block with
 * `{ txHash, blockHash, blockNumber, events }` (the extrinsic's events), rejects if it failed.
 */
async function submit(api, tx, pair) {
  return new Promise((resolve, reject) => {
    let unsub;
    tx.signAndSend(pair, { nonce: -1 }, (result) => {
      const { status, events, dispatchError, txHash } = result;
      if (dispatchError) {
        if (unsub) unsub();
        reject(new Error(`${tx.method.section}.${tx.method.method} failed: ${describeDispatchError(api, dispatchError)}`));
        return;
      }
      if (status.isInBlock) {
        if (unsub) unsub();
        const blockHash = status.asInBlock;
        api.rpc.chain.getHeader(blockHash).then(
          (h) => resolve({ txHash: txHash.toHex(), blockHash: blockHash.toHex(), blockNumber: h.number.toNumber(), events }),
          reject,
        );
      } else if (status.isDropped || status.isInvalid || status.isUsurped) {
        if (unsub) unsub();
        reject(new Error(`${tx.method.section}.${tx.method.method}: transaction ${status.type}`));
      }
    }).then((u) => { unsub = u; }, reject);
  });
}

function findEvent(events, section, method) {
  const found = events.find(({ event }) => event.section === section && event.method === method);
  return found && found.event;
}

/**
 * Proposes `call` (a submittable, e.g. `api.tx.validatorSet.addValidator(who)`) to the council
 * as `pair` (a member), with the 2/3 threshold. Resolves `{ hash, index, threshold, blockNumber,
 * executed }`; with a threshold of 1 (a one-member council) the call executes at once and
 * `executed` is the block number.
 */
async function propose(api, pair, call) {
  const members = await api.query.council.members();
  const threshold = twoThirdsThreshold(members.length);
  const lengthBound = call.method.encodedLength;
  const { blockNumber, events } = await submit(api, api.tx.council.propose(threshold, call, lengthBound), pair);
  const proposed = findEvent(events, 'council', 'Proposed');
  if (proposed) {
    const { proposalIndex, proposalHash } = proposed.data;
    return { hash: proposalHash.toHex(), index: proposalIndex.toNumber(), threshold, blockNumber, executed: null };
  }
  const executed = findEvent(events, 'council', 'Executed');
  if (!executed) throw new Error('council.propose: neither Proposed nor Executed was emitted');
  checkExecuted(api, executed);
  return { hash: executed.data.proposalHash.toHex(), index: null, threshold, blockNumber, executed: blockNumber };
}

function checkExecuted(api, executed) {
  const result = executed.data.result;
  if (result.isErr) {
    throw new Error(`the motion was approved but its call failed: ${describeDispatchError(api, result.asErr)}`);
  }
}

/**
 * Generates new session keys in the keystore of the node at `url` for validator account
 * `account` (SS58), with the proof of possession `session.setKeys` checks:
 * `author_rotateKeysWithOwner` (an unsafe RPC: call it on the validator's own node only).
 * Resolves `{ keys, proof }` (hex).
 */
async function rotateKeysWithOwner(url, account) {
  const provider = new WsProvider(url);
  try {
    await provider.isReady;
    const owner = new Keyring({ type: 'sr25519' }).decodeAddress(account);
    return await provider.send('author_rotateKeysWithOwner', [`0x${Buffer.from(owner).toString('hex')}`]);
  } finally {
    await provider.disconnect();
  }
}

/** Votes aye (`approve = true`) or nay on motion `(hash, index)` as member `pair`. */
async function vote(api, pair, hash, index, approve) {
  const { blockNumber } = await submit(api, api.tx.council.vote(hash, index, approve), pair);
  return { blockNumber };
}

/**
 * Closes motion `(hash, index)` as `pair` (anyone). Resolves `{ approved, blockNumber }`; rejects
 * if the motion was approved but its call failed (e.g. `validatorSet.TooFewValidators`).
 */
async function close(api, pair, hash, index) {
  const proposal = await api.query.council.proposalOf(hash);
  if (proposal.isNone) throw new Error(`no open council motion with hash ${hash}`);
  const lengthBound = proposal.unwrap().encodedLength;
  // The runtime caps a motion's call at `MaxCouncilProposalWeight` (half a block).
  const max = api.consts.system.blockWeights.maxBlock;
  const weightBound = { refTime: max.refTime.toBigInt() / 2n, proofSize: max.proofSize.toBigInt() / 2n };
  const { blockNumber, events } = await submit(api, api.tx.council.close(hash, index, weightBound, lengthBound), pair);
  const executed = findEvent(events, 'council', 'Executed');
  if (executed) checkExecuted(api, executed);
  return { approved: Boolean(findEvent(events, 'council', 'Approved')), blockNumber };
}

/** Open motions: `[{ hash, index, call, threshold, ayes, nays, end }]` (voters as SS58). */
async function motions(api) {
  const hashes = await api.query.council.proposals();
  const out = [];
  for (const hash of hashes) {
    const [proposal, voting] = await Promise.all([api.query.council.proposalOf(hash), api.query.council.voting(hash)]);
    if (proposal.isNone || voting.isNone) continue;
    const call = proposal.unwrap();
    const v = voting.unwrap();
    out.push({
      hash: hash.toHex(),
      index: v.index.toNumber(),
      call: `${call.section}.${call.method}(${JSON.stringify(call.toHuman().args)})`,
      threshold: v.threshold.toNumber(),
      ayes: v.ayes.map((a) => a.toString()),
      nays: v.nays.map((a) => a.toString()),
      end: v.end.toNumber(),
    });
  }
  return out;
}

/**
 * Runs a whole motion: `proposer` proposes `call`, every pair of `voters` votes aye, then the
 * proposer closes it. For tests and local networks where one operator holds several members'
 * keys. Resolves `{ hash, proposedAt, executedAt }` (block numbers).
 */
async function passMotion(api, proposer, voters, call) {
  const p = await propose(api, proposer, call);
  if (p.executed !== null) return { hash: p.hash, proposedAt: p.blockNumber, executedAt: p.executed };
  for (const v of voters) await vote(api, v, p.hash, p.index, true);
  const c = await close(api, proposer, p.hash, p.index);
  if (!c.approved) throw new Error(`motion ${p.hash} was not approved`);
  return { hash: p.hash, proposedAt: p.blockNumber, executedAt: c.blockNumber };
}

/**
 * The call a council motion makes to act in the EVM as the council account:
 * `councilAccount.dispatch(revive.call(dest, 0, weightLimit, storageDepositLimit, data))`, whose
 * `msg.sender` is the council account's EVM address (`api.consts.councilAccount.evmAddress`),
 * the holder of the BPM contracts' admin roles.
 *
 * The call is first dry-run as the council account (`ReviveApi_call` on the best block): a
 * call that reverts now is refused here, with the revert data, rather than proposed. The
 * limits are the dry run's weight and storage deposit with a margin of 50% (state may change
 * before the motion closes), capped by the motion's own weight bound.
 * `dest`: contract address (0x, 20 bytes); `data`: ABI-encoded calldata (0x), e.g. from
 * `cast calldata "setRewardUnits(address)" 0x...` or ethers' `Interface.encodeFunctionData`.
 * Resolves the call and the dry run's `{ weight, deposit }`.
 */
async function contractCall(api, dest, data) {
  if (!/^0x[0-9a-fA-F]{40}$/.test(dest)) throw new Error(`the contract address must be 0x and 20 bytes, got ${dest}`);
  if (!/^0x([0-9a-fA-F]{2})*$/.test(data)) throw new Error(`the calldata must be 0x-prefixed hex bytes, got ${data}`);
  const account = api.consts.councilAccount.accountId;
  const dry = await api.call.reviveApi.call(account, dest, 0, null, null, data);
  if (dry.result.isErr) {
    throw new Error(`the contract call fails for the council account (${api.consts.councilAccount.evmAddress.toHex()}): ${describeDispatchError(api, dry.result.asErr)}`);
  }
  // pallet-revive's ReturnFlags (bit 0: REVERT), a bitflags struct `{ bits }` in the metadata.
  const REVERT = 1;
  const flags = dry.result.asOk.flags.toJSON();
  const bits = typeof flags === 'object' && flags !== null ? Number(flags.bits) : Number(flags);
  if ((bits & REVERT) !== 0) {
    throw new Error(`the contract reverts for the council account (${api.consts.councilAccount.evmAddress.toHex()}): revert data ${dry.result.asOk.data.toHex()}`);
  }
  const margin = (x) => (BigInt(x.toString()) * 3n) / 2n;
  const weight = { refTime: margin(dry.weightRequired.refTime), proofSize: margin(dry.weightRequired.proofSize) };
  const deposit = dry.storageDeposit.isCharge ? margin(dry.storageDeposit.asCharge) : 0n;
  const call = api.tx.councilAccount.dispatch(api.tx.revive.call(dest, 0, weight, deposit, data));
  return { call, weight, deposit };
}

/**
 * A runtime upgrade decided by the council (runtime/src/upgrades.rs): Root calls reach the
 * runtime only through `pallet-whitelist`, whose calls are approved by hash by a 2/3 motion.
 * For the wasm blob `code` (a Buffer or Uint8Array, e.g. a `*.compact.compressed.wasm`) returns
 * `{ codeHash, authorize, callHash, motion }`:
 * - `codeHash`: blake2-256 of the code (what frame-system checks `applyAuthorizedUpgrade` against);
 * - `authorize`: the Root call `system.authorizeUpgrade(codeHash)`;
 * - `callHash`: blake2-256 of its SCALE encoding (the hash pallet-whitelist keys it by);
 * - `motion`: the call to propose to the council, `whitelist.whitelistCall(callHash)`.
 */
function runtimeUpgrade(api, code) {
  if (!api.tx.whitelist) throw new Error('this runtime has no whitelist pallet: the council cannot reach Root (spec version < 101; use sudo on dev)');
  // The registry's hasher is the runtime's (BlakeTwo256).
  const codeHash = api.registry.hash(code).toHex();
  const authorize = api.tx.system.authorizeUpgrade(codeHash);
  const callHash = api.registry.hash(authorize.method.toU8a()).toHex();
  return { codeHash, authorize, callHash, motion: api.tx.whitelist.whitelistCall(callHash) };
}

/**
 * Delivers a whitelisted Root call as council member `pair`:
 * `whitelist.dispatchWhitelistedCallWithPreimage(call)`. Rejects if the call is not whitelisted
 * (`whitelist.CallIsNotWhitelisted`; a member's dispatch of a hash not yet approved is only
 * deferred, and reported as such) or if the call itself failed as Root. Resolves
 * `{ blockNumber, events }`.
 */
async function dispatchWhitelisted(api, pair, call) {
  const { blockNumber, events } = await submit(api, api.tx.whitelist.dispatchWhitelistedCallWithPreimage(call), pair);
  const dispatched = findEvent(events, 'whitelist', 'WhitelistedCallDispatched');
  if (!dispatched) {
    const deferred = findEvent(events, 'whitelist', 'DispatchDeferred');
    throw new Error(deferred
      ? `${call.method.section}.${call.method.method} is not whitelisted yet: its dispatch was deferred (close the council motion first)`
      : 'whitelist.dispatchWhitelistedCallWithPreimage: no WhitelistedCallDispatched event');
  }
  const result = dispatched.data.result;
  if (result.isErr) {
    throw new Error(`the whitelisted call failed as Root: ${describeDispatchError(api, result.asErr.error)}`);
  }
  return { blockNumber, events };
}

/**
 * Applies authorized runtime code `code` as `pair` (anyone; free when the code matches the
 * authorized hash): `system.applyAuthorizedUpgrade(code)`, then waits until a block has run it
 * (the next one, with the release's migrations). Resolves `{ blockNumber, specVersion }` (the new spec version); rejects with
 * frame-system's reason: `system.NothingAuthorized`, `system.Unauthorized` (another code was
 * authorized), or, for the authorized code, `system.SpecVersionNeedsToIncrease` or
 * `system.InvalidSpecName` (frame-system then drops the authorization:
 * `system.RejectedInvalidAuthorizedUpgrade`).
 */
async function applyUpgrade(api, pair, code, timeoutMs = 60_000) {
  const before = (await api.rpc.state.getRuntimeVersion()).specVersion.toNumber();
  // As hex: polkadot.js reads a Uint8Array given for `Bytes` as already SCALE-encoded (length
  // prefix first), a hex string as the raw bytes.
  const { blockNumber, events } = await submit(api, api.tx.system.applyAuthorizedUpgrade(`0x${Buffer.from(code).toString('hex')}`), pair);
  // A code that matches the authorization but fails frame-system's version checks is not a
  // dispatch error: the authorization is dropped and an event says why.
  const rejected = findEvent(events, 'system', 'RejectedInvalidAuthorizedUpgrade');
  if (rejected) throw new Error(`the authorized code was rejected and its authorization dropped: ${describeDispatchError(api, rejected.data.error)}`);
  if (!findEvent(events, 'system', 'CodeUpdated')) throw new Error(`system.applyAuthorizedUpgrade in block ${blockNumber}: no system.CodeUpdated event`);
  // The state after that block already holds the new code (and reports its version); the next
  // block is the first to execute it: frame-executive runs the migrations there and records
  // the version in `system.lastRuntimeUpgrade`.
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const specVersion = (await api.rpc.state.getRuntimeVersion()).specVersion.toNumber();
    const last = await api.query.system.lastRuntimeUpgrade();
    if (specVersion !== before && last.isSome && last.unwrap().specVersion.toNumber() === specVersion) return { blockNumber, specVersion };
    if (Date.now() > deadline) throw new Error(`the code was set in block ${blockNumber}, but no block has run spec version ${specVersion} (was ${before}) after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

module.exports = {
  connect, signer, twoThirdsThreshold, describeDispatchError, submit,
  rotateKeysWithOwner, propose, vote, close, motions, passMotion, contractCall,
  runtimeUpgrade, dispatchWhitelisted, applyUpgrade,
};
