//! Benchmarks of `pallet_attestation` (frame-benchmarking v2). Keys are generated in the
//! benchmark's keystore (`sp_io::crypto::ecdsa_generate`), the committee is the largest one
//! ([`Config::MaxCommittee`]), and sealed batches are written into the rollup's storage, so the
//! benchmarks run on any genesis.

use super::*;
use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{EnsureOrigin, Get, Hooks},
	BoundedVec,
};
use frame_system::RawOrigin;
use polkadot_sdk::{frame_benchmarking, sp_core::ecdsa};

const TARGET: L1TargetInfo = L1TargetInfo { chain_id: 1, rollup_manager: [0x42; 20] };

/// `n` fresh attestation keys, as a committee (recorded as the genesis committee).
fn committee<T: Config>(n: u32) -> Vec<ecdsa::Public> {
	let keys: Vec<ecdsa::Public> = (0..n).map(|_| sp_io::crypto::ecdsa_generate(crypto::KEY_TYPE, None)).collect();
	let ids: Vec<AttestationId> = keys.iter().map(|k| AttestationId::from(*k)).collect();
	Pallet::<T>::new_committee(ids.iter());
	keys
}

fn seal<T: Config>(n: u64, sealed_at: BlockNumberFor<T>) {
	pallet_rollup::Batches::<T>::insert(
		n,
		pallet_rollup::BatchHeader {
			number: n,
			old_root: [1; 32],
			new_root: [2; 32],
			defs_root: [3; 32],
			rules: 1,
			commitment: [4; 32],
			transitions: 1,
			first_block: sealed_at,
			sealed_at,
			status: pallet_rollup::BatchStatus::Sealed,
			l1_transaction: None,
		},
	);
	pallet_rollup::NextBatch::<T>::put(n + 1);
}

use frame_system::pallet_prelude::BlockNumberFor;

#[benchmarks]
mod benchmarks {
	use super::*;

	/// `on_initialize` recording the seal hashes of `r` batches sealed in the previous block and
	/// pruning the signatures (a full committee's) of `p` finalized batch.
	#[benchmark]
	fn on_initialize(r: Linear<0, 8>, p: Linear<0, 1>) {
		let max = T::MaxCommittee::get();
		let now: BlockNumberFor<T> = 10u32.into();
		frame_system::Pallet::<T>::set_block_number(now);
		let mut next = 1u64;
		if p == 1 {
			seal::<T>(1, 1u32.into());
			pallet_rollup::Batches::<T>::mutate(1, |h| {
				if let Some(h) = h {
					h.status = pallet_rollup::BatchStatus::Finalized
				}
			});
			let signatures = (0..max).map(|i| ([i as u8; 20], [0u8; 65])).collect::<Vec<_>>();
			BatchSignatures::<T>::insert(
				1,
				Signatures::<T> { target: TARGET, committee: 0, signatures: BoundedVec::truncate_from(signatures) },
			);
			next = 2;
		}
		NextSealHash::<T>::put(next);
		for k in 0..r as u64 {
			seal::<T>(next + k, 9u32.into());
		}

		#[block]
		{
			Pallet::<T>::on_initialize(now);
		}

		assert_eq!(NextSealHash::<T>::get(), next + r as u64);
		if p == 1 {
			assert!(BatchSignatures::<T>::get(1).is_none());
		}
	}

	#[benchmark]
	fn set_l1_target() -> Result<(), BenchmarkError> {
		let origin = <T as Config>::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, TARGET);

		assert_eq!(L1Target::<T>::get(), Some(TARGET));
		Ok(())
	}

	/// The last signature of a full committee on a batch: the largest signature list read,
	/// searched and written, one secp256k1 recovery.
	#[benchmark]
	fn attest() {
		let max = T::MaxCommittee::get();
		let keys = committee::<T>(max);
		L1Target::<T>::put(TARGET);
		seal::<T>(1, frame_system::Pallet::<T>::block_number());
		SealHashes::<T>::insert(1, T::Hash::default());
		NextSealHash::<T>::put(2);
		let (digest, _) = Pallet::<T>::digest(Subject::Batch(1)).expect("signable");
		let sign = |k: &ecdsa::Public| {
			let mut s = sp_io::crypto::ecdsa_sign_prehashed(crypto::KEY_TYPE, k, &digest).expect("key in keystore").0;
			s[64] += 27;
			s
		};
		// everyone but the last key has signed
		let (last, others) = keys.split_last().expect("MaxCommittee > 0");
		let mut signatures: Vec<(Address, EthSignature)> =
			others.iter().map(|k| (address_of(&AttestationId::from(*k)).expect("valid"), sign(k))).collect();
		signatures.sort_by(|a, b| a.0.cmp(&b.0));
		BatchSignatures::<T>::insert(
			1,
			Signatures::<T> { target: TARGET, committee: 0, signatures: BoundedVec::truncate_from(signatures) },
		);
		let signature = sign(last);

		#[extrinsic_call]
		_(RawOrigin::None, Subject::Batch(1), signature);

		assert_eq!(BatchSignatures::<T>::get(1).expect("stored").signatures.len() as u32, max);
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
