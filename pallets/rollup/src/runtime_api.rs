//! The rollup's runtime API: what a prover or relayer reads to prove a sealed batch from chain
//! data (`alstra prover prove --node URL --batch N` calls it through the node's `state_call`; the
//! node also serves it as JSON, `rollup_*` in `node/src/rollup_rpc.rs`).
//!
//! A batch is proven from: its header ([`RollupApi::batch`]), the transition records of it and of
//! every earlier batch ([`RollupApi::batch_records`]; a prover replays them from the empty state
//! to get the batch's pre-state, checking each earlier header's new root on the way), and the
//! first `header.rules` rules of the definitions tree ([`RollupApi::rules`]). Records of batches
//! finalized on L1 are pruned on chain; they stay in L1's `DataAvailability` (rollup mode).

use crate::{BatchHeader, RollupStatus, RuleRecord};
use alloc::vec::Vec;
use codec::Codec;

polkadot_sdk::sp_api::decl_runtime_apis! {
	/// Batches, records and definitions of the rollup pallet.
	pub trait RollupApi<BlockNumber: Codec> {
		/// The state and definitions roots, counters and the open batch's size.
		fn status() -> RollupStatus;
		/// Batch `number`'s header, if sealed.
		fn batch(number: u64) -> Option<BatchHeader<BlockNumber>>;
		/// Batch `number`'s transition records (`instance | rule << 32 | partner << 64`), until
		/// the batch is finalized (then `None`, as for a batch not sealed yet).
		fn batch_records(number: u64) -> Option<Vec<u128>>;
		/// Rules `first..first + count` of the definitions tree (fewer past the end).
		fn rules(first: u64, count: u32) -> Vec<RuleRecord>;
	}
}
