//! The pallets benchmarked in this runtime (`alstranet-node benchmark pallet`, built with the
//! `runtime-benchmarks` feature; `scripts/benchmark-weights.sh` runs them and writes each
//! pallet's `weights.rs`).
//!
//! AlstraNet's own pallets are listed, and `pallet-node-authorization`, which upstream ships
//! without benchmarks (its benchmarks are `pallet-node-authorization-benchmarking`'s); the other
//! SDK pallets ship weights measured on Parity's reference hardware
//! (`pallet_*::weights::SubstrateWeight`), which this runtime uses as they are.

/// `pallet-node-authorization` wrapped for its benchmarks (see
/// `pallet-node-authorization-benchmarking`).
pub type NodeAuthorizationBench = pallet_node_authorization_benchmarking::Pallet<crate::Runtime>;

polkadot_sdk::frame_benchmarking::define_benchmarks!(
	[pallet_validator_set, ValidatorSet]
	[pallet_issuance, Issuance]
	[pallet_council_account, CouncilAccount]
	[pallet_rollup, Rollup]
	[pallet_attestation, Attestation]
	[pallet_node_authorization, NodeAuthorizationBench]
);
