//! The pallets benchmarked in this runtime (`alstranet-node benchmark pallet`, built with the
//! `runtime-benchmarks` feature; `scripts/benchmark-weights.sh` runs them and writes each
//! pallet's `weights.rs`).
//!
//! Only AlstraNet's own pallets are listed: the SDK's pallets ship weights measured on Parity's
//! reference hardware (`pallet_*::weights::SubstrateWeight`), which this runtime uses as they are.

polkadot_sdk::frame_benchmarking::define_benchmarks!(
	[pallet_validator_set, ValidatorSet]
	[pallet_issuance, Issuance]
	[pallet_council_account, CouncilAccount]
	[pallet_rollup, Rollup]
	[pallet_attestation, Attestation]
);
