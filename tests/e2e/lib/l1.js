// The L1 side of the rollup from ethers: what `RollupManager` (contracts/l1) knows of an accepted
// batch. L1 stores only the hash of each batch's record (`batchRecordHash`); the record is in the
// batch's `BatchAccepted` log, its L1 block number and timestamp are that log's block's.
import assert from 'node:assert/strict';

/**
 * The record of accepted batch `n`, rebuilt from its `BatchAccepted` log and checked against the
 * hash L1 stores. Fails when there is no such log, more than one, or the hash differs.
 * @param {import('ethers').Contract} manager RollupManager (full ABI, with a provider)
 * @param {number|bigint} n batch number
 * @returns {Promise<{oldRoot: bigint, newRoot: bigint, definitionsRoot: bigint, commitment: bigint,
 *   sealedAtHash: string, sealedAt: bigint, validatorSetId: bigint, relayer: string,
 *   l1BlockNumber: bigint, timestamp: bigint, transactionHash: string}>}
 */
export async function acceptedBatch(manager, n) {
  const logs = await manager.queryFilter(manager.filters.BatchAccepted(n));
  assert.equal(logs.length, 1, `one BatchAccepted log of batch ${n} on L1`);
  const [log] = logs;
  const block = await log.getBlock();
  const a = log.args;
  const record = {
    oldRoot: a.oldRoot,
    newRoot: a.newRoot,
    definitionsRoot: a.definitionsRoot,
    commitment: a.commitment,
    sealedAtHash: a.sealedAtHash,
    sealedAt: a.sealedAt,
    validatorSetId: a.validatorSetId,
    relayer: a.relayer,
    l1BlockNumber: BigInt(log.blockNumber),
    timestamp: BigInt(block.timestamp),
  };
  assert.equal(await manager.hashBatchRecord(record), await manager.batchRecordHash(n),
    `batch ${n}: the record of its BatchAccepted log is the one whose hash L1 stores`);
  return { ...record, transactionHash: log.transactionHash };
}
