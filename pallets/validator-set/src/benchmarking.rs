//! Benchmarks of `pallet_validator_set` (frame-benchmarking v2).
//!
//! Each benchmark writes its own state (it does not rely on the chain's genesis), so it runs
//! with `frame-omni-bencher ... --genesis-builder-policy none` as well as on a `dev` genesis.
//! `n` is the number of validators in the set before the call (for `new_session`: in the set
//! being planned, all of them without session keys, which is the worst case).
//!
//! `new_session` is not a call: it is the cost of planning a set in
//! `SessionManager::new_session`, which runs inside `pallet-session`'s `on_initialize`. That hook
//! already charges a rotation block as full (`BlockWeights::max_block`), so this weight is
//! informational (it tells how much of that block the planning takes).
//!
//! `scripts/benchmark-weights.sh` runs these benchmarks in the runtime and writes `weights.rs`.

use super::*;
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{EnsureOrigin, Get},
	BoundedVec,
};
use pallet_session::SessionManager;
use polkadot_sdk::frame_benchmarking;

const SEED: u32 = 0;

/// Replaces the validator set by `n` generated accounts (sorted), sets the minimum to
/// `Config::MinAuthorities`, clears the planning state and returns the set.
fn set_validators<T: Config>(n: u32) -> Vec<T::AccountId> {
	let mut validators: Vec<T::AccountId> = (0..n).map(|i| account("validator", i, SEED)).collect();
	validators.sort();
	validators.dedup();
	assert_eq!(validators.len(), n as usize, "generated accounts must be distinct");
	let bounded: BoundedVec<_, T::MaxAuthorities> =
		validators.clone().try_into().expect("n <= MaxAuthorities; qed");
	Validators::<T>::put(bounded);
	MinValidators::<T>::put(T::MinAuthorities::get());
	SetChanged::<T>::kill();
	PlannedWithoutKeys::<T>::kill();
	validators
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// Adds one validator to a set of `n`.
	#[benchmark]
	fn add_validator(n: Linear<0, { T::MaxAuthorities::get() - 1 }>) -> Result<(), BenchmarkError> {
		let origin =
			T::AddRemoveOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		set_validators::<T>(n);
		let who: T::AccountId = account("new-validator", 0, SEED);

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, who.clone());

		assert_eq!(Validators::<T>::get().len(), n as usize + 1);
		assert!(SetChanged::<T>::get());
		frame_system::Pallet::<T>::assert_last_event(Event::ValidatorAdded { who }.into());
		Ok(())
	}

	/// Removes the first (lowest) validator of a set of `n`, the one that shifts the most.
	#[benchmark]
	fn remove_validator(
		n: Linear<{ T::MinAuthorities::get() + 1 }, { T::MaxAuthorities::get() }>,
	) -> Result<(), BenchmarkError> {
		let origin =
			T::AddRemoveOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let validators = set_validators::<T>(n);
		let who = validators[0].clone();

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, who.clone());

		assert_eq!(Validators::<T>::get().len(), n as usize - 1);
		assert!(SetChanged::<T>::get());
		frame_system::Pallet::<T>::assert_last_event(Event::ValidatorRemoved { who }.into());
		Ok(())
	}

	/// Plans a changed set of `n` validators, none of which has session keys: the worst case
	/// (every validator is looked up in `pallet-session` and recorded as missing keys). `n`
	/// starts at the minimum, below which `new_session` plans nothing.
	#[benchmark]
	fn new_session(n: Linear<{ T::MinAuthorities::get().max(1) }, { T::MaxAuthorities::get() }>) {
		let validators = set_validators::<T>(n);
		SetChanged::<T>::put(true);
		let planned;

		#[block]
		{
			planned = <Pallet<T> as SessionManager<T::AccountId>>::new_session(2);
		}

		assert_eq!(planned, Some(validators));
		assert!(!SetChanged::<T>::get());
		assert_eq!(PlannedWithoutKeys::<T>::get().len(), n as usize);
	}

	impl_benchmark_test_suite!(
		Pallet,
		crate::mock::ExtBuilder::default().build(),
		crate::mock::Test
	);
}
