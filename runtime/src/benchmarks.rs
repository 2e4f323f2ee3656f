//! The pallets benchmarked in this runtime (`alstranet-node benchmark pallet`, built with the
//! `runtime-benchmarks` feature; `scripts/benchmark-weights.sh` runs them and writes each
//! pallet's `weights.rs`).
//!
//! AlstraNet's own pallets are listed, and `pallet_node_authorization`, which upstream ships
//! without benchmarks (`node_authorization_benchmarks.rs`). The other SDK pallets ship weights
//! measured on Parity's reference hardware (`pallet_*::weights::SubstrateWeight`, or GRANDPA's
//! formula in its `WeightInfo for ()`), which this runtime uses as they are.

polkadot_sdk::frame_benchmarking::define_benchmarks!(
	[pallet_validator_set, ValidatorSet]
	[pallet_issuance, Issuance]
	[pallet_council_account, CouncilAccount]
	[pallet_rollup, Rollup]
	[pallet_attestation, Attestation]
	[pallet_node_authorization, crate::node_authorization_benchmarks::Pallet::<Runtime>]
);
