//! Benchmark of `pallet_council_account` (frame-benchmarking v2): the overhead of
//! [`Call::dispatch`](crate::Call::dispatch) with an inner `system.remark` of one byte (its own
//! weight is charged on top by the call).

use super::*;
use alloc::vec;
use frame_benchmarking::v2::*;
use frame_support::traits::EnsureOrigin;
use polkadot_sdk::frame_benchmarking;

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn dispatch() -> Result<(), BenchmarkError> {
		let origin =
			T::CouncilOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let call: <T as Config>::RuntimeCall = frame_system::Call::<T>::remark { remark: vec![0] }.into();

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, Box::new(call));

		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
