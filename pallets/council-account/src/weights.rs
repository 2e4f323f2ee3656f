//! Weights for `pallet_council_account`.
//!
//! NOT YET MEASURED IN THIS RUNTIME: `scripts/benchmark-weights.sh pallet_council_account` runs
//! this pallet's benchmark (`benchmarking.rs`) and overwrites this file; that needs the node built
//! with `runtime-benchmarks` (about an hour on the 2-core build machine), which has not been done
//! since the pallet was written. Until then the overhead of [`WeightInfo::dispatch`] is twice
//! `pallet_utility::dispatch_as` of polkadot-sdk stable2609 (`pallet-utility` 50.0.0,
//! `SubstrateWeight`: 5.72 µs, no storage), which does the same work (box a call, dispatch it with
//! another origin); the factor two covers hashing the call for the event and this machine being
//! slower than Parity's reference hardware. The inner call is charged its own weight on top.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use polkadot_sdk::frame_support::{traits::Get, weights::{Weight, constants::RocksDbWeight}};
use polkadot_sdk::frame_system;
use core::marker::PhantomData;

/// Weight functions needed for `pallet_council_account`: one per benchmark of `benchmarking.rs`.
pub trait WeightInfo {
	/// Benchmark `dispatch`: the overhead of dispatching a call as the council account (the inner
	/// call's weight is added by the call).
	fn dispatch() -> Weight;
}

/// Weights for `pallet_council_account` using the runtime's `DbWeight`.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn dispatch() -> Weight {
		Weight::from_parts(11_440_000, 0)
	}
}

/// The same weights, for mock runtimes and tests.
impl WeightInfo for () {
	fn dispatch() -> Weight {
		Weight::from_parts(11_440_000, 0)
	}
}
