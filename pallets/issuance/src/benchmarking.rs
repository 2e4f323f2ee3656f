//! Benchmarks of `pallet_issuance` (frame-benchmarking v2), each for the worst case of its
//! call: `issue` creates the beneficiary's account, `burn` burns a whole balance and so removes
//! the account. Each benchmark writes its own state, so it runs with `frame-omni-bencher ...
//! --genesis-builder-policy none` as well as on a `dev` genesis.

use super::*;
use frame_benchmarking::v2::*;
use frame_support::traits::EnsureOrigin;
use polkadot_sdk::{frame_benchmarking, sp_runtime::traits::Saturating};

const SEED: u32 = 0;

/// An amount well above the existential deposit (1000 times it, or 1000 if it is zero).
fn amount<T: Config>() -> BalanceOf<T> {
	let ed = T::Currency::minimum_balance();
	let unit: BalanceOf<T> = if ed == 0u32.into() { 1u32.into() } else { ed };
	unit.saturating_mul(1000u32.into())
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// Issues to an account that does not exist yet.
	#[benchmark]
	fn issue() -> Result<(), BenchmarkError> {
		let origin =
			T::IssueOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let beneficiary: T::AccountId = account("beneficiary", 0, SEED);
		let amount = amount::<T>();
		let before = T::Currency::total_issuance();

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, T::Lookup::unlookup(beneficiary.clone()), amount);

		assert_eq!(T::Currency::balance(&beneficiary), amount);
		assert_eq!(T::Currency::total_issuance(), before.saturating_add(amount));
		Ok(())
	}

	/// Burns the whole balance of an account, which removes it.
	#[benchmark]
	fn burn() -> Result<(), BenchmarkError> {
		let origin =
			T::IssueOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let who: T::AccountId = account("member", 0, SEED);
		let amount = amount::<T>();
		T::Currency::mint_into(&who, amount).map_err(|_| BenchmarkError::Stop("mint failed"))?;
		let before = T::Currency::total_issuance();

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, T::Lookup::unlookup(who.clone()), amount);

		assert_eq!(T::Currency::balance(&who), 0u32.into());
		assert_eq!(T::Currency::total_issuance(), before.saturating_sub(amount));
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
