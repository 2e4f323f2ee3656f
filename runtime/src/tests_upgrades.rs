//! Runtime unit tests of council-approved Root calls and runtime upgrades (`upgrades`), of the
//! migrations of this version, and of the block authors reaching the validator set's liveness.
//! The upgrade itself, applied to a running chain, is the e2e test `upgrade.test.js`.

use super::*;
use crate::{
	genesis_config_presets::LOCAL_TESTNET_RUNTIME_PRESET,
	tests::{ext_from_preset, pass_council_motion},
};
use frame_support::{
	assert_noop, assert_ok,
	traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion},
};
use polkadot_sdk::sp_keyring::Sr25519Keyring;
use sp_runtime::traits::{Dispatchable, Hash as _};

fn signed(who: Sr25519Keyring) -> RuntimeOrigin {
	RuntimeOrigin::signed(who.to_account_id())
}

fn authorize(code_hash: Hash) -> RuntimeCall {
	RuntimeCall::System(frame_system::Call::authorize_upgrade { code_hash })
}

/// The code hashes authorized so far, from `system.UpgradeAuthorized` events (frame-system
/// keeps its `AuthorizedUpgrade` storage private).
fn upgrades_authorized() -> Vec<Hash> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::System(frame_system::Event::UpgradeAuthorized { code_hash, check_version: true }) => {
				Some(code_hash)
			},
			_ => None,
		})
		.collect()
}

#[test]
fn a_council_motion_whitelists_a_root_call_and_any_member_dispatches_it_once() {
	ext_from_preset(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		System::set_block_number(1);
		let code_hash = Hash::repeat_byte(7);
		let call = authorize(code_hash);
		let call_hash = <Runtime as frame_system::Config>::Hashing::hash_of(&call);

		// Nobody but the council whitelists, not even a member alone; nothing is Root before.
		for who in [Sr25519Keyring::Eve, Sr25519Keyring::Alice] {
			assert_noop!(Whitelist::whitelist_call(signed(who), call_hash), sp_runtime::DispatchError::BadOrigin);
		}
		assert_noop!(
			RuntimeCall::System(frame_system::Call::authorize_upgrade { code_hash })
				.dispatch(signed(Sr25519Keyring::Alice)),
			sp_runtime::DispatchError::BadOrigin
		);

		// A 2/3 motion (Alice, Bob, Charlie of 4) whitelists it.
		pass_council_motion(RuntimeCall::Whitelist(pallet_whitelist::Call::whitelist_call { call_hash }));
		assert!(pallet_whitelist::WhitelistedCall::<Runtime>::contains_key(call_hash));

		// An outsider cannot deliver it (it could only relay a dispatch a member deferred).
		assert_noop!(
			Whitelist::dispatch_whitelisted_call_with_preimage(signed(Sr25519Keyring::Eve), Box::new(call.clone())),
			pallet_whitelist::Error::<Runtime>::DeferredDispatchNotFound
		);
		// Dave, a member who did not vote, delivers it: it runs as Root, once.
		assert_ok!(Whitelist::dispatch_whitelisted_call_with_preimage(
			signed(Sr25519Keyring::Dave),
			Box::new(call.clone())
		));
		assert_eq!(upgrades_authorized(), vec![code_hash]);
		assert!(!pallet_whitelist::WhitelistedCall::<Runtime>::contains_key(call_hash));

		// Delivered again, it is not Root any more: it is only deferred until a new motion.
		assert_ok!(Whitelist::dispatch_whitelisted_call_with_preimage(signed(Sr25519Keyring::Dave), Box::new(call)));
		assert_eq!(upgrades_authorized(), vec![code_hash]);
		assert!(pallet_whitelist::DeferredDispatch::<Runtime>::contains_key(call_hash));
	});
}

#[test]
fn applying_code_needs_its_authorization() {
	ext_from_preset(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		System::set_block_number(1);
		let code = vec![1u8, 2, 3];
		let apply = |code: Vec<u8>| {
			RuntimeCall::System(frame_system::Call::apply_authorized_upgrade { code })
				.dispatch(signed(Sr25519Keyring::Eve))
				.map_err(|e| e.error)
		};
		assert_eq!(apply(code.clone()), Err(frame_system::Error::<Runtime>::NothingAuthorized.into()));
		let code_hash = <Runtime as frame_system::Config>::Hashing::hash(&code);
		let call = authorize(code_hash);
		let call_hash = <Runtime as frame_system::Config>::Hashing::hash_of(&call);
		pass_council_motion(RuntimeCall::Whitelist(pallet_whitelist::Call::whitelist_call { call_hash }));
		assert_ok!(Whitelist::dispatch_whitelisted_call_with_preimage(signed(Sr25519Keyring::Alice), Box::new(call)));
		assert_eq!(apply(vec![9u8]), Err(frame_system::Error::<Runtime>::Unauthorized.into()));
		// The authorized code itself (a real runtime) is applied to a running chain by the e2e
		// test: reading its version needs the node's executor.
		assert_eq!(upgrades_authorized(), vec![code_hash]);
	});
}

#[test]
fn the_migrations_of_this_version_run_once_on_a_chain_of_the_previous_one() {
	ext_from_preset(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		// Built at this version: already at the new storage versions, nothing to migrate.
		assert_eq!(ValidatorSet::on_chain_storage_version(), StorageVersion::new(1));
		assert_eq!(Preimage::on_chain_storage_version(), Preimage::in_code_storage_version());
		Migrations::on_runtime_upgrade();
		assert_eq!(pallet_validator_set::LivenessFrom::<Runtime>::get(), 0);

		// A chain of spec version 100: no liveness storage version, no preimage pallet.
		StorageVersion::new(0).put::<ValidatorSet>();
		StorageVersion::new(0).put::<Preimage>();
		pallet_session::CurrentIndex::<Runtime>::put(41);
		Migrations::on_runtime_upgrade();
		assert_eq!(ValidatorSet::on_chain_storage_version(), StorageVersion::new(1));
		assert_eq!(Preimage::on_chain_storage_version(), Preimage::in_code_storage_version());
		assert_eq!(pallet_validator_set::LivenessFrom::<Runtime>::get(), 42);

		// The next upgrade runs them again as no-ops.
		pallet_session::CurrentIndex::<Runtime>::put(50);
		Migrations::on_runtime_upgrade();
		assert_eq!(pallet_validator_set::LivenessFrom::<Runtime>::get(), 42);
	});
}

#[test]
fn each_block_counts_for_the_validator_of_its_aura_slot() {
	use codec::Encode;
	use frame_support::traits::Hooks;
	use polkadot_sdk::sp_consensus_aura::{Slot, AURA_ENGINE_ID};
	use sp_runtime::{generic::Digest, DigestItem};
	ext_from_preset(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		let validators = pallet_session::Validators::<Runtime>::get();
		assert_eq!(validators.len(), 4);
		for (number, slot) in [(1u32, 8u64), (2, 9), (3, 12), (4, 13)] {
			let digest = Digest { logs: vec![DigestItem::PreRuntime(AURA_ENGINE_ID, Slot::from(slot).encode())] };
			System::initialize(&number, &Default::default(), &digest);
			<Authorship as Hooks<BlockNumber>>::on_initialize(number);
			<Authorship as Hooks<BlockNumber>>::on_finalize(number);
		}
		// Slots 8 and 12 are validator 0's, 9 and 13 validator 1's (slot mod 4).
		let count = |i: usize| pallet_validator_set::AuthoredBlocks::<Runtime>::get(&validators[i]);
		assert_eq!((count(0), count(1), count(2), count(3)), (2, 2, 0, 0));
	});
}
