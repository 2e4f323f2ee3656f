//! The rollup side of the runtime: the rollup pallet with the circuit's shape, the relayer
//! accounts the council authorizes (`RelayerMembership`) and the validators' attestations for L1.

use crate::*;

parameter_types! {
	/// Transitions per rollup batch: the slots of the prover's circuit (its verifying key).
	pub const RollupBatchSize: u32 = 16;
	/// A non-empty batch is sealed at the latest 10 blocks (one minute) after its first
	/// transition.
	pub const RollupSealPeriod: BlockNumber = 10;
	/// Depth of the proven instance tree and of the definitions tree (the circuit's, 16: 65,535
	/// instances, 65,536 rules).
	pub const RollupTreeDepth: u32 = 16;
}

parameter_types! {
	/// Relayer accounts at most.
	pub const MaxRelayers: u32 = 16;
}

/// The relayer accounts (`RelayerMembership`): added and removed by a 2/3 council motion (root
/// on `dev`). Several relayers may run at once; the rollup pallet accepts each report once.
impl pallet_membership::Config<pallet_membership::Instance2> for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type AddOrigin = EnsureRootOrTwoThirdsCouncil;
	type RemoveOrigin = EnsureRootOrTwoThirdsCouncil;
	type SwapOrigin = EnsureRootOrTwoThirdsCouncil;
	type ResetOrigin = EnsureRootOrTwoThirdsCouncil;
	type PrimeOrigin = EnsureRootOrTwoThirdsCouncil;
	type MembershipInitialized = ();
	type MembershipChanged = ();
	type MaxMembers = MaxRelayers;
	type WeightInfo = pallet_membership::weights::SubstrateWeight<Runtime>;
}

/// Who reports a rollup batch's progress to L1: an account of `RelayerMembership`, or governance.
pub type EnsureRelayer = frame_support::traits::EitherOfDiverse<
	EnsureRootOrTwoThirdsCouncil,
	frame_system::EnsureSignedBy<RelayerMembership, AccountId>,
>;

/// The rollup pallet with the production circuit shape; the relayers' life-cycle reports come
/// from the council's relayer accounts (or governance).
impl pallet_rollup::Config for Runtime {
	type BatchSize = RollupBatchSize;
	type SealPeriod = RollupSealPeriod;
	type StateDepth = RollupTreeDepth;
	type DefinitionsDepth = RollupTreeDepth;
	type RelayerOrigin = EnsureRelayer;
	/// The contracts that may call the rollup precompile: a 2/3 council motion (root on `dev`).
	type GovernanceOrigin = EnsureRootOrTwoThirdsCouncil;
	type WeightInfo = pallet_rollup::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// Attestations go before ordinary transactions in the pool.
	pub const AttestationPriority: sp_runtime::transaction_validity::TransactionPriority =
		sp_runtime::transaction_validity::TransactionPriority::MAX / 2;
}

/// The attestation pallet: committees as large as the validator set, the L1 target set by a
/// 2/3 council motion (root on `dev`).
impl pallet_attestation::Config for Runtime {
	type MaxCommittee = MaxAuthorities;
	type GovernanceOrigin = EnsureRootOrTwoThirdsCouncil;
	type UnsignedPriority = AttestationPriority;
	type WeightInfo = pallet_attestation::weights::SubstrateWeight<Runtime>;
}
