//! The `rollup_*` JSON-RPC methods: the rollup pallet's batches, records and definitions as JSON,
//! for relayers, provers, explorers and operators (the same data as the runtime API
//! `pallet_rollup::runtime_api::RollupApi`, which `alstra prover prove --node` reads through
//! `state_call`).
//!
//! | method | params | result |
//! |---|---|---|
//! | `rollup_status` | `[at?]` | [`Status`] |
//! | `rollup_batch` | `[number, at?]` | [`Batch`] or `null` (not sealed yet) |
//! | `rollup_batchRecords` | `[number, at?]` | hex `u128` records or `null` (not sealed, or pruned once finalized on L1) |
//! | `rollup_rules` | `[first, count, at?]` | [`Rule`]s `first..first + min(count, 4096)` |
//!
//! `at` is a block hash (default: the best block). Roots and commitments are BN254 scalars given
//! as hex numbers (`0x…`, the integer value: what L1's `uint256` fields take; the pallet stores
//! them little-endian); `sealedAtHash` is the hash of the block that sealed the batch, the one
//! the validators sign for L1 (`RollupManager.BatchHeader.sealedAtHash`), `null` if this node
//! does not have that block.

use std::sync::Arc;

use alstranet_runtime::{opaque::Block, BlockNumber};
use jsonrpsee::{
	core::{async_trait, RpcResult},
	proc_macros::rpc,
	types::ErrorObjectOwned,
};
use pallet_rollup::runtime_api::RollupApi as RollupRuntimeApi;
use polkadot_sdk::{
	sp_api::ProvideRuntimeApi,
	sp_blockchain::HeaderBackend,
	sp_core::{H256, U256},
	sp_runtime::traits::Block as BlockT,
};
use serde::Serialize;

/// Most rules one `rollup_rules` call returns (the runtime API caps it the same way).
pub const MAX_RULES_PER_CALL: u32 = 4096;

/// The rollup at a glance.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Status {
	/// Current state root.
	pub state_root: U256,
	/// Current definitions root.
	pub definitions_root: U256,
	/// Rules in the definitions tree.
	pub rules: u64,
	/// Registered definitions.
	pub definitions: u32,
	/// The id the next instance gets.
	pub next_instance: u64,
	/// The number the next sealed batch gets (so `nextBatch - 1` batches are sealed).
	pub next_batch: u64,
	/// Transitions in the open batch.
	pub open_transitions: u32,
}

/// A sealed batch's header.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Batch {
	/// Batch number (from 1).
	pub number: u64,
	/// State root before the batch.
	pub old_root: U256,
	/// State root after it.
	pub new_root: U256,
	/// Definitions root at the seal.
	pub definitions_root: U256,
	/// Rules in the definitions tree at the seal.
	pub rules: u64,
	/// Commitment of the transition records.
	pub commitment: U256,
	/// Number of transitions.
	pub transitions: u32,
	/// Block of the first transition.
	pub first_block: BlockNumber,
	/// Block that sealed the batch.
	pub sealed_at: BlockNumber,
	/// Hash of that block (`null` if this node does not have it).
	pub sealed_at_hash: Option<H256>,
	/// `sealed`, `proven`, `submitted` or `finalized`.
	pub status: &'static str,
	/// The L1 transaction that carried it, once submitted.
	pub l1_transaction: Option<H256>,
}

/// A firing rule of the definitions tree.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
	/// Its leaf index in the definitions tree.
	pub index: u64,
	/// Definition id (the registry's).
	pub definition: u32,
	/// Element index in the compiled model.
	pub element: u16,
	/// `ElementKind` ordinal.
	pub kind: u8,
	/// Scope of the element.
	pub scope: u8,
	/// Tokens consumed (320-bit set, 5 little-endian words).
	pub pre: [u64; 5],
	/// Tokens produced.
	pub post: [u64; 5],
	/// Scope words cleared (bit mask).
	pub clear: u8,
	/// Scope words that must be empty (bit mask).
	pub empty: u8,
	/// Starts an instance.
	pub create: bool,
	/// Partner leaf: 0 none, 1 call, 2 return.
	pub partner: u8,
	/// Engine step: 0 start, 1 fire, 2 enter, 3 complete, 4 call, 5 return, 6 deliver.
	pub step: u8,
	/// The message flow of a delivery.
	pub flow: u16,
}

/// The `rollup_*` methods.
#[rpc(server, namespace = "rollup")]
pub trait RollupRpcApi<BlockHash> {
	/// The state and definitions roots, counters and the open batch's size.
	#[method(name = "status")]
	fn status(&self, at: Option<BlockHash>) -> RpcResult<Status>;
	/// Batch `number`'s header, `null` if not sealed.
	#[method(name = "batch")]
	fn batch(&self, number: u64, at: Option<BlockHash>) -> RpcResult<Option<Batch>>;
	/// Batch `number`'s transition records (`instance | rule << 32 | partner << 64`) as hex.
	#[method(name = "batchRecords")]
	fn batch_records(&self, number: u64, at: Option<BlockHash>) -> RpcResult<Option<Vec<U256>>>;
	/// Rules `first..first + min(count, 4096)`.
	#[method(name = "rules")]
	fn rules(&self, first: u64, count: u32, at: Option<BlockHash>) -> RpcResult<Vec<Rule>>;
}

/// Serves `rollup_*` from a client with the `RollupApi` runtime API.
pub struct Rollup<C> {
	client: Arc<C>,
}

impl<C> Rollup<C> {
	/// Over `client`.
	pub fn new(client: Arc<C>) -> Self {
		Self { client }
	}
}

/// A field element stored little-endian (`pallet_rollup::Hash32`) as its integer value.
fn scalar(le: &pallet_rollup::Hash32) -> U256 {
	U256::from_little_endian(le)
}

/// A runtime API call that failed (an `at` the node does not have, or a runtime without the
/// rollup API): JSON-RPC error 1 with the cause.
fn runtime_error(e: impl std::fmt::Debug) -> ErrorObjectOwned {
	ErrorObjectOwned::owned(1, "the rollup runtime API call failed", Some(format!("{e:?}")))
}

#[async_trait]
impl<C> RollupRpcApiServer<<Block as BlockT>::Hash> for Rollup<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: RollupRuntimeApi<Block, BlockNumber>,
{
	fn status(&self, at: Option<<Block as BlockT>::Hash>) -> RpcResult<Status> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let s = self.client.runtime_api().status(at).map_err(runtime_error)?;
		Ok(Status {
			state_root: scalar(&s.state_root),
			definitions_root: scalar(&s.defs_root),
			rules: s.rules,
			definitions: s.definitions,
			next_instance: s.next_instance,
			next_batch: s.next_batch,
			open_transitions: s.open_transitions,
		})
	}

	fn batch(&self, number: u64, at: Option<<Block as BlockT>::Hash>) -> RpcResult<Option<Batch>> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let Some(h) = self.client.runtime_api().batch(at, number).map_err(runtime_error)? else {
			return Ok(None);
		};
		let sealed_at_hash = self.client.hash(h.sealed_at).ok().flatten();
		Ok(Some(Batch {
			number: h.number,
			old_root: scalar(&h.old_root),
			new_root: scalar(&h.new_root),
			definitions_root: scalar(&h.defs_root),
			rules: h.rules,
			commitment: scalar(&h.commitment),
			transitions: h.transitions,
			first_block: h.first_block,
			sealed_at: h.sealed_at,
			sealed_at_hash,
			status: match h.status {
				pallet_rollup::BatchStatus::Sealed => "sealed",
				pallet_rollup::BatchStatus::Proven => "proven",
				pallet_rollup::BatchStatus::Submitted => "submitted",
				pallet_rollup::BatchStatus::Finalized => "finalized",
			},
			l1_transaction: h.l1_transaction.map(H256),
		}))
	}

	fn batch_records(
		&self,
		number: u64,
		at: Option<<Block as BlockT>::Hash>,
	) -> RpcResult<Option<Vec<U256>>> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let records = self.client.runtime_api().batch_records(at, number).map_err(runtime_error)?;
		Ok(records.map(|r| r.into_iter().map(U256::from).collect()))
	}

	fn rules(&self, first: u64, count: u32, at: Option<<Block as BlockT>::Hash>) -> RpcResult<Vec<Rule>> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let rules = self
			.client
			.runtime_api()
			.rules(at, first, count.min(MAX_RULES_PER_CALL))
			.map_err(runtime_error)?;
		Ok(rules
			.into_iter()
			.enumerate()
			.map(|(i, r)| Rule {
				index: first + i as u64,
				definition: r.definition,
				element: r.element,
				kind: r.kind,
				scope: r.scope,
				pre: r.pre,
				post: r.post,
				clear: r.clear,
				empty: r.empty,
				create: r.create,
				partner: r.partner,
				step: r.step,
				flow: r.flow,
			})
			.collect())
	}
}
