//! Weights for `pallet_attestation`.
//!
//! HAND-ESTIMATED PLACEHOLDER WEIGHTS, to be replaced by `scripts/benchmark-weights.sh
//! pallet_attestation` (the benchmarks are in `benchmarking.rs`).

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use polkadot_sdk::frame_support::{traits::Get, weights::{Weight, constants::RocksDbWeight}};
use polkadot_sdk::frame_system;
use core::marker::PhantomData;

/// Weight functions needed for `pallet_attestation`.
pub trait WeightInfo {
	fn on_initialize(r: u32, p: u32, ) -> Weight;
	fn set_l1_target() -> Weight;
	fn attest() -> Weight;
}

/// Weights for `pallet_attestation` using the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn on_initialize(r: u32, p: u32, ) -> Weight {
		Weight::from_parts(5_000_000, 1_000)
			.saturating_add(Weight::from_parts(5_000_000, 600).saturating_mul(r.into()))
			.saturating_add(Weight::from_parts(5_000_000, 7_000).saturating_mul(p.into()))
			.saturating_add(T::DbWeight::get().reads(4 + r as u64))
			.saturating_add(T::DbWeight::get().writes(1 + r as u64 + 2 * p as u64))
	}
	fn set_l1_target() -> Weight {
		Weight::from_parts(10_000_000, 0).saturating_add(T::DbWeight::get().writes(1))
	}
	fn attest() -> Weight {
		Weight::from_parts(120_000_000, 12_000)
			.saturating_add(T::DbWeight::get().reads(8))
			.saturating_add(T::DbWeight::get().writes(1))
	}
}

// For the mock runtime and tests.
impl WeightInfo for () {
	fn on_initialize(r: u32, p: u32, ) -> Weight {
		Weight::from_parts(5_000_000, 1_000)
			.saturating_add(Weight::from_parts(5_000_000, 600).saturating_mul(r.into()))
			.saturating_add(Weight::from_parts(5_000_000, 7_000).saturating_mul(p.into()))
			.saturating_add(RocksDbWeight::get().reads(4 + r as u64))
			.saturating_add(RocksDbWeight::get().writes(1 + r as u64 + 2 * p as u64))
	}
	fn set_l1_target() -> Weight {
		Weight::from_parts(10_000_000, 0).saturating_add(RocksDbWeight::get().writes(1))
	}
	fn attest() -> Weight {
		Weight::from_parts(120_000_000, 12_000)
			.saturating_add(RocksDbWeight::get().reads(8))
			.saturating_add(RocksDbWeight::get().writes(1))
	}
}
