//! # Rollup pallet
//!
//! The chain side of AlstraNet's outbound bridge: every BPM firing the engine performs is
//! recorded as a transition of the **proven state machine** (`alstra_bpm_core::proof`, the rules
//! the Groth16 circuit of `prover/` enforces), in the same Poseidon state tree the prover
//! computes, and the transitions are sealed into **batches** that a relayer proves and anchors on
//! Ethereum L1 (`contracts/l1`: `RollupManager`, `Verifier`, `DataAvailability`).
//!
//! - [`Config`]
//! - [`Call`]
//! - [`Pallet`]
//!
//! ## What is stored
//!
//! | item | content | growth |
//! |---|---|---|
//! | [`StateNodes`] | the non-empty nodes of the instance tree (depth [`Config::StateDepth`]), 32-byte field elements | `depth + 1` nodes per instance, overwritten in place by its firings |
//! | [`InstanceRecords`], [`NextInstanceId`] | each instance's proven leaf: definition, marking, status, parent link; the counter | one record per instance |
//! | [`DefinitionNodes`], [`RuleRecords`], [`DefinitionRules`] | the definitions tree (depth [`Config::DefinitionsDepth`]) and its firing rules | per registered definition, one rule per firing rule |
//! | [`OpenBatch`] | the transition records of the batch being filled, its old root, commitment so far, first block | at most [`Config::BatchSize`] records |
//! | [`Batches`] | each sealed batch's header: number, old/new state root, definitions root, commitment, block range, status | one header per batch (kept: the L1 anchor history) |
//! | [`BatchRecords`] | each batch's transition records (the data the prover replays and L1 receives in rollup mode) | removed when the batch is finalized on L1 |
//!
//! Per million firings, with the production shape (depths 16, one instance per ~10 firings):
//! state nodes ~17 × 100,000 × ~70 bytes ≈ 120 MB of trie data once every instance exists (a
//! firing rewrites its instance's 17 nodes, it adds nothing), instance records ~100,000 × ~80
//! bytes ≈ 8 MB, batch headers ~300 bytes per batch, transition records 16 bytes per firing ≈
//! 16 MB until their batches are finalized and pruned. The instance tree holds at most
//! `2^StateDepth - 1` instances: beyond, starting an instance is refused
//! ([`Error::StateFull`]).
//!
//! ## How a firing gets here
//!
//! The engine's events of one action (`alstra_bpm_core::engine::EngineEvent`, the events of
//! `ProcessExecution.sol`) go to [`Pallet::record_action`], which maps them to rules of the
//! definitions tree and fires them on the stored state with the core's
//! `proof::replay::apply_events`, all or nothing: an action the proven state machine refuses
//! changes nothing and returns an error naming why. Definitions enter the definitions tree with
//! [`Pallet::register_definition`] when the registry publishes them, in publication order (so
//! definition ids are the registry's); a definition beyond the circuit's limits is refused
//! there, naming the limit. In AlstraNet's runtime (`Rollup`) both are called by the revive
//! precompile `runtime/src/rollup_precompile.rs` (`contracts/bpm/src/IRollup.sol`):
//! `ProcessDefinitionRegistry.publish` registers, `ProcessExecution` reports each event as it
//! emits it, and only the contracts governance put in [`AuthorizedContracts`] may call
//! ([`Pallet::authorize_contract`], [`Config::GovernanceOrigin`]). The runtime API
//! [`runtime_api::RollupApi`] gives a prover the headers, records and rules.
//!
//! ## Batches and their timing
//!
//! A batch is opened by the first transition after the previous seal, at the state root of that
//! moment. It is **sealed** when it holds [`Config::BatchSize`] transitions (the circuit's slots;
//! an action whose transitions overflow the batch continues in the next one), or in
//! `on_initialize` of the first block at least [`Config::SealPeriod`] blocks after the block of
//! its first transition, whichever comes first; an empty open batch is never sealed. So a
//! transition waits at most `SealPeriod` blocks (plus the block it is in) for its seal. Sealing
//! computes the new state root `Poseidon(tree_root, next_instance_id)` and the definitions root,
//! and stores the header with status [`BatchStatus::Sealed`].
//!
//! Weights: `weights.rs` holds hand estimates (it says so); the benchmarks that will generate it
//! are in `benchmarking.rs` (an action of up to 42 transitions made by the core's engine,
//! registration of up to 42 rules, the time seal, the finalization with pruning) and run once
//! each on the mock in `scripts/test.sh`.
//!
//! The relayer ([`Config::RelayerOrigin`]) then moves each batch to [`BatchStatus::Proven`] (a
//! proof exists), [`BatchStatus::Submitted`] (the L1 transaction carrying it) and
//! [`BatchStatus::Finalized`] (final on L1: its records are pruned), with an event each. A batch
//! moves only one step at a time and never ahead of its predecessor, so the L1 order is the
//! chain's order.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
pub mod runtime_api;
mod store;
#[cfg(test)]
mod tests;
pub mod weights;

pub use pallet::*;
pub use store::{StorageDefinitions, StorageState};
pub use weights::WeightInfo;

use alstra_bpm_core::proof::encoding::{Marking, Partner, RuleStep, TransitionRule};
use alstra_bpm_core::proof::state::Instance;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use polkadot_sdk::{frame_support, frame_system};
use scale_info::TypeInfo;

/// A 32-byte little-endian field element (a root, a commitment).
pub type Hash32 = [u8; 32];

/// An instance's proven leaf (`alstra_bpm_core::proof::state::Instance`) in storage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct InstanceRecord {
	/// Definition id (0 while called and not started).
	pub definition: u32,
	/// Marking: 4 scope words and the pending messages.
	pub marking: [u64; 5],
	/// Status (`alstra_bpm_core::proof::encoding::status`).
	pub status: u8,
	/// The instance whose call activity created this one (0: none).
	pub parent: u64,
	/// That call activity's element index.
	pub parent_element: u16,
}

impl From<Instance> for InstanceRecord {
	fn from(i: Instance) -> Self {
		InstanceRecord {
			definition: i.def_id,
			marking: i.marking.0,
			status: i.status as u8,
			parent: i.parent,
			parent_element: i.parent_element,
		}
	}
}

impl From<InstanceRecord> for Instance {
	fn from(r: InstanceRecord) -> Self {
		Instance {
			def_id: r.definition,
			marking: Marking(r.marking),
			status: r.status as u64,
			parent: r.parent,
			parent_element: r.parent_element,
		}
	}
}

/// A firing rule (a leaf of the definitions tree) in storage; the human-readable label is not
/// stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct RuleRecord {
	/// Definition id.
	pub definition: u32,
	/// Element index.
	pub element: u16,
	/// `ElementKind` ordinal.
	pub kind: u8,
	/// Scope of the element.
	pub scope: u8,
	/// Tokens consumed.
	pub pre: [u64; 5],
	/// Tokens produced.
	pub post: [u64; 5],
	/// Scope words cleared.
	pub clear: u8,
	/// Scope words that must be empty.
	pub empty: u8,
	/// Instance start.
	pub create: bool,
	/// Partner: 0 none, 1 call, 2 return.
	pub partner: u8,
	/// Engine step: 0 start, 1 fire, 2 enter, 3 complete, 4 call, 5 return, 6 deliver.
	pub step: u8,
	/// The message flow of a delivery.
	pub flow: u16,
}

impl From<&TransitionRule> for RuleRecord {
	fn from(r: &TransitionRule) -> Self {
		let (step, flow) = r.step.code();
		RuleRecord {
			definition: r.def_id,
			element: r.element,
			kind: r.kind,
			scope: r.scope,
			pre: r.pre.0,
			post: r.post.0,
			clear: r.clear,
			empty: r.empty,
			create: r.create,
			partner: r.partner.code(),
			step,
			flow,
		}
	}
}

impl From<RuleRecord> for TransitionRule {
	/// (A stored record always has valid codes: it was written from a rule.)
	fn from(r: RuleRecord) -> Self {
		TransitionRule {
			def_id: r.definition,
			element: r.element,
			kind: r.kind,
			scope: r.scope,
			pre: Marking(r.pre),
			post: Marking(r.post),
			clear: r.clear,
			empty: r.empty,
			create: r.create,
			partner: Partner::from_code(r.partner).unwrap_or_default(),
			step: RuleStep::from_code(r.step, r.flow).unwrap_or_default(),
			label: alloc::string::String::new(),
		}
	}
}

/// Where a sealed batch is on its way to L1.
#[derive(
	Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Encode, Decode, MaxEncodedLen, TypeInfo,
)]
pub enum BatchStatus {
	/// Sealed on the chain, not proven yet.
	Sealed,
	/// A validity proof exists (the relayer proved it).
	Proven,
	/// Sent to the L1 `RollupManager`.
	Submitted,
	/// Final on L1: its records are pruned here.
	Finalized,
}

/// A sealed batch: what the proof's public inputs and the L1 contracts refer to.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct BatchHeader<BlockNumber> {
	/// Batch number (from 1).
	pub number: u64,
	/// State root before the batch (`Poseidon(tree_root, next_instance_id)`).
	pub old_root: Hash32,
	/// State root after it.
	pub new_root: Hash32,
	/// Definitions root at the seal (every rule the batch used is in it: the tree only grows).
	pub defs_root: Hash32,
	/// Rules in the definitions tree at the seal (leaves `0..rules` make `defs_root`): the
	/// prover rebuilds the tree from the first `rules` rules of [`RuleRecords`].
	pub rules: u64,
	/// Commitment of the transition records (`c_0 = number`, `c_k = Poseidon(c_{k-1},
	/// record_k)`).
	pub commitment: Hash32,
	/// Number of transitions.
	pub transitions: u32,
	/// Block of the first transition.
	pub first_block: BlockNumber,
	/// Block of the seal.
	pub sealed_at: BlockNumber,
	/// Where the batch is.
	pub status: BatchStatus,
	/// The L1 transaction that carried it, once submitted.
	pub l1_transaction: Option<[u8; 32]>,
}

/// What a contract that governance authorized may ask of the rollup through the revive
/// precompile (`runtime/src/rollup_precompile.rs`, interface `contracts/bpm/src/IRollup.sol`).
#[derive(
	Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub enum ContractRole {
	/// The BPM registry (`ProcessDefinitionRegistry`): registers each definition it publishes.
	Registry,
	/// The BPM engine (`ProcessExecution`): records every instance start and firing.
	Engine,
}

/// The rollup at a glance (runtime API [`runtime_api::RollupApi::status`]).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct RollupStatus {
	/// Current state root `Poseidon(tree_root, next_instance_id)`.
	pub state_root: Hash32,
	/// Current definitions root.
	pub defs_root: Hash32,
	/// Rules in the definitions tree.
	pub rules: u64,
	/// Registered definitions.
	pub definitions: u32,
	/// The id the next instance gets.
	pub next_instance: u64,
	/// The number the next sealed batch gets.
	pub next_batch: u64,
	/// Transitions in the open batch.
	pub open_transitions: u32,
}

/// Why the pallet refused an engine action: the pallet error and the core's reason (which
/// instance, element or rule, and why; empty when the error says it all).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
	/// The pallet error.
	pub error: polkadot_sdk::sp_runtime::DispatchError,
	/// The core's reason.
	pub reason: alloc::string::String,
}

impl From<polkadot_sdk::sp_runtime::DispatchError> for Refusal {
	fn from(error: polkadot_sdk::sp_runtime::DispatchError) -> Self {
		Refusal { error, reason: alloc::string::String::new() }
	}
}

/// The batch being filled.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct OpenBatchInfo<BlockNumber> {
	/// State root when the batch was opened.
	pub old_root: Hash32,
	/// Commitment of the records so far.
	pub commitment: Hash32,
	/// Block of the first transition.
	pub first_block: BlockNumber,
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alstra_bpm_core::engine::EngineEvent;
	use alstra_bpm_core::proof::{
		replay::{apply_events, ReplayError},
		smt,
		state::{commit_step, compile_definition, fr_from_bytes, fr_to_bytes, FireError, RegisterError, State},
		Fr,
	};
	use alstra_bpm_core::CompiledModel;
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;
	use polkadot_sdk::sp_runtime::traits::{Saturating, Zero};

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	/// The rollup pallet.
	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Configuration of the pallet.
	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// Transitions per batch: the circuit's slots (`Params::batch_size` of the verifying key).
		#[pallet::constant]
		type BatchSize: Get<u32>;
		/// A non-empty open batch is sealed at the latest this many blocks after the block of its
		/// first transition. Not zero.
		#[pallet::constant]
		type SealPeriod: Get<BlockNumberFor<Self>>;
		/// Depth of the instance tree (the circuit's `state_depth`, 1..=32).
		#[pallet::constant]
		type StateDepth: Get<u32>;
		/// Depth of the definitions tree (the circuit's `defs_depth`, 1..=32).
		#[pallet::constant]
		type DefinitionsDepth: Get<u32>;
		/// Who reports a batch proven, submitted and finalized (the relayer's account, or
		/// governance).
		type RelayerOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// Who authorizes the contracts that may call the rollup precompile (a council motion;
		/// `sudo` on a dev chain).
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// Weights of this pallet.
		type WeightInfo: WeightInfo;
	}

	/// Non-empty nodes of the instance tree: `(level, index) -> field element` (level 0: leaves).
	#[pallet::storage]
	pub type StateNodes<T: Config> = StorageDoubleMap<_, Twox64Concat, u8, Twox64Concat, u64, Hash32>;

	/// The proven leaf of each instance.
	#[pallet::storage]
	pub type InstanceRecords<T: Config> = StorageMap<_, Twox64Concat, u64, InstanceRecord>;

	/// The default of [`NextInstanceId`]: instance ids start at 1.
	#[pallet::type_value]
	pub fn FirstInstanceId() -> u64 {
		1
	}

	/// The id the next started instance gets.
	#[pallet::storage]
	pub type NextInstanceId<T: Config> = StorageValue<_, u64, ValueQuery, FirstInstanceId>;

	/// Non-empty nodes of the definitions tree.
	#[pallet::storage]
	pub type DefinitionNodes<T: Config> = StorageDoubleMap<_, Twox64Concat, u8, Twox64Concat, u64, Hash32>;

	/// The firing rules, by leaf index.
	#[pallet::storage]
	pub type RuleRecords<T: Config> = StorageMap<_, Twox64Concat, u64, RuleRecord>;

	/// Number of rules (the next leaf index).
	#[pallet::storage]
	pub type RuleCount<T: Config> = StorageValue<_, u64, ValueQuery>;

	/// Each registered definition's rules: `(first leaf index, count)`.
	#[pallet::storage]
	pub type DefinitionRules<T: Config> = StorageMap<_, Twox64Concat, u32, (u64, u64)>;

	/// Number of registered definitions (their ids are the registry's, see [`DefinitionRules`]).
	#[pallet::storage]
	pub type DefinitionCount<T: Config> = StorageValue<_, u32, ValueQuery>;

	/// The transition records of the open batch (`instance | rule << 32 | partner << 64`).
	#[pallet::storage]
	pub type OpenBatch<T: Config> = StorageValue<_, BoundedVec<u128, T::BatchSize>, ValueQuery>;

	/// Roots and first block of the open batch (absent while no batch is open).
	#[pallet::storage]
	pub type OpenBatchState<T: Config> = StorageValue<_, OpenBatchInfo<BlockNumberFor<T>>>;

	/// Number of the next batch to seal (from 1).
	#[pallet::type_value]
	pub fn FirstBatch() -> u64 {
		1
	}

	/// The number the next sealed batch gets.
	#[pallet::storage]
	pub type NextBatch<T: Config> = StorageValue<_, u64, ValueQuery, FirstBatch>;

	/// Sealed batches' headers.
	#[pallet::storage]
	pub type Batches<T: Config> = StorageMap<_, Twox64Concat, u64, BatchHeader<BlockNumberFor<T>>>;

	/// Sealed batches' transition records, until the batch is finalized.
	#[pallet::storage]
	pub type BatchRecords<T: Config> = StorageMap<_, Twox64Concat, u64, BoundedVec<u128, T::BatchSize>>;

	/// The contracts governance authorized to call the rollup precompile, by EVM address.
	#[pallet::storage]
	pub type AuthorizedContracts<T: Config> = StorageMap<_, Blake2_128Concat, [u8; 20], ContractRole>;

	/// Events of this pallet.
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// Governance authorized a contract to call the rollup precompile in `role`.
		ContractAuthorized {
			/// Its EVM address.
			contract: [u8; 20],
			/// What it may do.
			role: ContractRole,
		},
		/// Governance withdrew a contract's authorization.
		ContractRevoked {
			/// Its EVM address.
			contract: [u8; 20],
		},
		/// A published definition entered the definitions tree.
		DefinitionRegistered {
			/// Its id (the registry's).
			definition: u32,
			/// Its firing rules (leaves).
			rules: u32,
			/// The new definitions root.
			defs_root: Hash32,
		},
		/// An engine action was recorded as `transitions` proven transitions.
		ActionRecorded {
			/// Transitions recorded.
			transitions: u32,
			/// The state root after them.
			state_root: Hash32,
		},
		/// A batch was sealed.
		BatchSealed {
			/// Its number.
			batch: u64,
			/// Transitions in it.
			transitions: u32,
			/// State root before.
			old_root: Hash32,
			/// State root after.
			new_root: Hash32,
			/// Commitment of its records.
			commitment: Hash32,
		},
		/// The relayer proved a batch.
		BatchProven {
			/// The batch.
			batch: u64,
		},
		/// The relayer sent a batch to L1.
		BatchSubmitted {
			/// The batch.
			batch: u64,
			/// The L1 transaction hash.
			l1_transaction: [u8; 32],
		},
		/// A batch is final on L1; its records were pruned.
		BatchFinalized {
			/// The batch.
			batch: u64,
		},
	}

	/// Errors of this pallet.
	#[pallet::error]
	pub enum Error<T> {
		/// The definition exceeds the circuit's encoding (4 scopes, 64 places per scope with the
		/// synthetic ones, 64 message flows): it cannot be published on a chain that proves.
		DefinitionBeyondProverLimits,
		/// The definitions tree has no room for the definition's rules.
		DefinitionsTreeFull,
		/// An event names an instance the proven state does not have.
		UnknownInstance,
		/// An event names a definition that is not registered.
		UnknownDefinition,
		/// No rule of the definition proves an event of the action.
		NoRule,
		/// The proven state machine refuses a firing of the action (not enabled, not running,
		/// wrong definition, an instance id out of order...).
		FiringRefused,
		/// A call activity returned without a completed child linked to it.
		NoCompletedChild,
		/// The instance tree is full (`2^StateDepth - 1` instances).
		StateFull,
		/// The child instance the engine started is not the one the call created.
		ChildMismatch,
		/// No such batch.
		UnknownBatch,
		/// A definition with this id is already registered (ids are the registry's, each once).
		DefinitionAlreadyRegistered,
		/// Definition id 0 (the registry's ids start at 1; 0 marks a called instance that has
		/// not started).
		InvalidDefinitionId,
		/// The calling contract is not authorized for this (see [`AuthorizedContracts`]).
		ContractNotAuthorized,
		/// The contract to revoke is not authorized.
		UnknownContract,
		/// The batch is not in the status this step starts from.
		WrongBatchStatus,
		/// The previous batch has not reached this status yet (batches go to L1 in order).
		PredecessorBehind,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Seals the open batch when its time is up (see the module docs, "Batches and their
		/// timing").
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			match OpenBatchState::<T>::get() {
				Some(open) if now.saturating_sub(open.first_block) >= T::SealPeriod::get() => {
					Self::seal(now);
					T::WeightInfo::seal_by_time()
				},
				_ => T::DbWeight::get().reads(1),
			}
		}

		fn integrity_test() {
			assert!(T::BatchSize::get() > 0, "BatchSize must not be zero");
			assert!(!T::SealPeriod::get().is_zero(), "SealPeriod must not be zero");
			assert!((1..=32).contains(&T::StateDepth::get()), "StateDepth in 1..=32");
			assert!((1..=32).contains(&T::DefinitionsDepth::get()), "DefinitionsDepth in 1..=32");
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Reports batch `batch` proven. Origin: [`Config::RelayerOrigin`]. The batch must be
		/// [`BatchStatus::Sealed`] and its predecessor at least proven.
		///
		/// Emits [`Event::BatchProven`].
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::advance_batch())]
		pub fn mark_proven(origin: OriginFor<T>, batch: u64) -> DispatchResult {
			T::RelayerOrigin::ensure_origin(origin)?;
			Self::advance(batch, BatchStatus::Sealed, None)?;
			Self::deposit_event(Event::BatchProven { batch });
			Ok(())
		}

		/// Reports batch `batch` sent to L1 in transaction `l1_transaction`. Origin:
		/// [`Config::RelayerOrigin`]. The batch must be [`BatchStatus::Proven`] and its
		/// predecessor at least submitted.
		///
		/// Emits [`Event::BatchSubmitted`].
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::advance_batch())]
		pub fn mark_submitted(origin: OriginFor<T>, batch: u64, l1_transaction: [u8; 32]) -> DispatchResult {
			T::RelayerOrigin::ensure_origin(origin)?;
			Self::advance(batch, BatchStatus::Proven, Some(l1_transaction))?;
			Self::deposit_event(Event::BatchSubmitted { batch, l1_transaction });
			Ok(())
		}

		/// Reports batch `batch` final on L1 and prunes its records. Origin:
		/// [`Config::RelayerOrigin`]. The batch must be [`BatchStatus::Submitted`] and its
		/// predecessor finalized.
		///
		/// Emits [`Event::BatchFinalized`].
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::advance_batch())]
		pub fn mark_finalized(origin: OriginFor<T>, batch: u64) -> DispatchResult {
			T::RelayerOrigin::ensure_origin(origin)?;
			Self::advance(batch, BatchStatus::Submitted, None)?;
			BatchRecords::<T>::remove(batch);
			Self::deposit_event(Event::BatchFinalized { batch });
			Ok(())
		}

		/// Authorizes the contract at EVM address `contract` to call the rollup precompile in
		/// `role` (replacing an earlier role). Origin: [`Config::GovernanceOrigin`].
		///
		/// Emits [`Event::ContractAuthorized`].
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::authorize_contract())]
		pub fn authorize_contract(origin: OriginFor<T>, contract: [u8; 20], role: ContractRole) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			AuthorizedContracts::<T>::insert(contract, role);
			Self::deposit_event(Event::ContractAuthorized { contract, role });
			Ok(())
		}

		/// Withdraws the authorization of `contract`. Origin: [`Config::GovernanceOrigin`].
		/// Errors: [`Error::UnknownContract`].
		///
		/// Emits [`Event::ContractRevoked`].
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::authorize_contract())]
		pub fn revoke_contract(origin: OriginFor<T>, contract: [u8; 20]) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			AuthorizedContracts::<T>::take(contract).ok_or(Error::<T>::UnknownContract)?;
			Self::deposit_event(Event::ContractRevoked { contract });
			Ok(())
		}
	}

	impl<T: Config> Pallet<T> {
		/// Checks that `contract` is authorized in `role`. Errors: [`Error::ContractNotAuthorized`].
		pub fn ensure_contract(contract: &[u8; 20], role: ContractRole) -> DispatchResult {
			ensure!(AuthorizedContracts::<T>::get(contract) == Some(role), Error::<T>::ContractNotAuthorized);
			Ok(())
		}

		/// The rollup at a glance.
		pub fn status() -> RollupStatus {
			RollupStatus {
				state_root: Self::state_root(),
				defs_root: Self::defs_root(),
				rules: RuleCount::<T>::get(),
				definitions: DefinitionCount::<T>::get(),
				next_instance: NextInstanceId::<T>::get(),
				next_batch: NextBatch::<T>::get(),
				open_transitions: OpenBatch::<T>::decode_len().unwrap_or(0) as u32,
			}
		}

		/// Rules `first..first + count` of the definitions tree (fewer past the end).
		pub fn rules(first: u64, count: u32) -> alloc::vec::Vec<RuleRecord> {
			(first..first.saturating_add(count as u64)).map_while(RuleRecords::<T>::get).collect()
		}

		fn state() -> State<StorageState<T>> {
			State::with_store(T::StateDepth::get() as usize, StorageState::default())
		}

		/// The current state root `Poseidon(tree_root, next_instance_id)`.
		pub fn state_root() -> Hash32 {
			fr_to_bytes(&Self::state().root())
		}

		/// The current definitions root.
		pub fn defs_root() -> Hash32 {
			use alstra_bpm_core::proof::state::Definitions;
			fr_to_bytes(&StorageDefinitions::<T>::default().defs_root())
		}

		/// Registers the definition the registry published as `id` in the definitions tree: its
		/// firing rules are computed here from the model (`compile_definition`), so no account
		/// chooses them. Returns the number of rules.
		///
		/// Errors: [`Error::InvalidDefinitionId`], [`Error::DefinitionAlreadyRegistered`],
		/// [`Error::DefinitionBeyondProverLimits`], [`Error::DefinitionsTreeFull`]; nothing is
		/// changed then.
		pub fn register_definition(id: u32, model: &CompiledModel) -> Result<u32, DispatchError> {
			ensure!(id != 0, Error::<T>::InvalidDefinitionId);
			ensure!(!DefinitionRules::<T>::contains_key(id), Error::<T>::DefinitionAlreadyRegistered);
			let first = RuleCount::<T>::get();
			let rules = compile_definition(id, model, first, T::DefinitionsDepth::get() as usize).map_err(|e| match e {
				RegisterError::Encode { .. } => Error::<T>::DefinitionBeyondProverLimits,
				RegisterError::TreeFull { .. } => Error::<T>::DefinitionsTreeFull,
			})?;
			let zero = smt::zero_hashes(T::DefinitionsDepth::get() as usize);
			let mut tree = StorageDefinitions::<T>::default();
			for (k, (rule, leaf)) in rules.iter().enumerate() {
				let index = first + k as u64;
				smt::set(&mut tree, &zero, index, *leaf);
				RuleRecords::<T>::insert(index, RuleRecord::from(rule));
			}
			let count = rules.len() as u64;
			RuleCount::<T>::put(first + count);
			DefinitionRules::<T>::insert(id, (first, count));
			DefinitionCount::<T>::mutate(|n| *n += 1);
			Self::deposit_event(Event::DefinitionRegistered {
				definition: id,
				rules: count as u32,
				defs_root: fr_to_bytes(&smt::root(&tree, &zero)),
			});
			Ok(count as u32)
		}

		/// Records the engine's events of one action (in emission order) as proven transitions:
		/// maps them to rules, fires them on the stored state, appends their records to the open
		/// batch (sealing it whenever it is full). All or nothing.
		///
		/// Errors (nothing is changed): [`Error::UnknownInstance`], [`Error::UnknownDefinition`],
		/// [`Error::NoRule`], [`Error::FiringRefused`], [`Error::NoCompletedChild`],
		/// [`Error::StateFull`], [`Error::ChildMismatch`].
		pub fn record_action(events: &[EngineEvent]) -> DispatchResult {
			Self::record_action_explained(events).map_err(|r| r.error)
		}

		/// [`Self::record_action`], with the refusal explained: the pallet error and the
		/// core's reason (which instance, element or rule, and why), for the precompile's revert
		/// message.
		pub fn record_action_explained(events: &[EngineEvent]) -> Result<(), Refusal> {
			frame_support::storage::with_storage_layer(|| {
				let now = frame_system::Pallet::<T>::block_number();
				let before = Self::state_root();
				let mut state = Self::state();
				let defs = StorageDefinitions::<T>::default();
				let steps = apply_events(&mut state, &defs, events)
					.map_err(|e| Refusal { error: Self::replay_error(e.clone()), reason: alloc::format!("{e}") })?;
				// in order; a full batch is sealed at the root after its last transition
				let mut root_before_step = before;
				for step in &steps {
					Self::append(step.record(), root_before_step, now);
					root_before_step = fr_to_bytes(&step.new_root);
					if OpenBatch::<T>::decode_len().unwrap_or(0) as u32 >= T::BatchSize::get() {
						Self::seal_at(now, root_before_step);
					}
				}
				Self::deposit_event(Event::ActionRecorded {
					transitions: steps.len() as u32,
					state_root: Self::state_root(),
				});
				Ok(())
			})
		}

		fn append(record: u128, root_before: Hash32, now: BlockNumberFor<T>) {
			let mut open = OpenBatchState::<T>::get().unwrap_or(OpenBatchInfo {
				old_root: root_before,
				// the chain starts at the batch number (the proof's fifth public input)
				commitment: fr_to_bytes(&Fr::from(NextBatch::<T>::get())),
				first_block: now,
			});
			let c = fr_from_bytes(&open.commitment).expect("stored canonical");
			open.commitment = fr_to_bytes(&commit_step(c, record));
			OpenBatchState::<T>::put(open);
			OpenBatch::<T>::mutate(|records| {
				// never full here: a full batch is sealed right after its last append
				let _ = records.try_push(record);
			});
		}

		/// Seals the open batch at the current state root (time-based seal).
		fn seal(now: BlockNumberFor<T>) {
			let root = Self::state_root();
			Self::seal_at(now, root);
		}

		fn seal_at(now: BlockNumberFor<T>, new_root: Hash32) {
			let Some(open) = OpenBatchState::<T>::take() else { return };
			let records = OpenBatch::<T>::take();
			let number = NextBatch::<T>::get();
			NextBatch::<T>::put(number + 1);
			let header = BatchHeader {
				number,
				old_root: open.old_root,
				new_root,
				defs_root: Self::defs_root(),
				rules: RuleCount::<T>::get(),
				commitment: open.commitment,
				transitions: records.len() as u32,
				first_block: open.first_block,
				sealed_at: now,
				status: BatchStatus::Sealed,
				l1_transaction: None,
			};
			Self::deposit_event(Event::BatchSealed {
				batch: number,
				transitions: header.transitions,
				old_root: header.old_root,
				new_root,
				commitment: header.commitment,
			});
			Batches::<T>::insert(number, header);
			BatchRecords::<T>::insert(number, records);
		}

		fn advance(batch: u64, from: BatchStatus, l1_transaction: Option<[u8; 32]>) -> DispatchResult {
			let mut header = Batches::<T>::get(batch).ok_or(Error::<T>::UnknownBatch)?;
			ensure!(header.status == from, Error::<T>::WrongBatchStatus);
			let to = match from {
				BatchStatus::Sealed => BatchStatus::Proven,
				BatchStatus::Proven => BatchStatus::Submitted,
				_ => BatchStatus::Finalized,
			};
			if batch > 1 {
				let previous = Batches::<T>::get(batch - 1).ok_or(Error::<T>::UnknownBatch)?;
				ensure!(previous.status >= to, Error::<T>::PredecessorBehind);
			}
			header.status = to;
			if l1_transaction.is_some() {
				header.l1_transaction = l1_transaction;
			}
			Batches::<T>::insert(batch, header);
			Ok(())
		}

		fn replay_error(e: ReplayError) -> DispatchError {
			match e {
				ReplayError::UnknownInstance(_) => Error::<T>::UnknownInstance,
				ReplayError::UnknownDefinition(_) => Error::<T>::UnknownDefinition,
				ReplayError::NoRule { .. } => Error::<T>::NoRule,
				ReplayError::Refused { error: FireError::NoCompletedChild { .. }, .. } => Error::<T>::NoCompletedChild,
				ReplayError::Refused { error: FireError::StateFull, .. } => Error::<T>::StateFull,
				ReplayError::Refused { .. } => Error::<T>::FiringRefused,
				ReplayError::ChildMismatch { .. } => Error::<T>::ChildMismatch,
			}
			.into()
		}
	}
}
