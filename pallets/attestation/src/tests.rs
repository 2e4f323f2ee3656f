//! Unit tests: committees from session keys, the seal hashes, attestations checked against the
//! right committee and refused with the right error, quorum, target changes and pruning.
// (`ValidateUnsigned` is deprecated, see the pallet's docs; its validation is tested here.)
#![allow(deprecated)]

use crate::{mock::*, *};
use alstra_bpm_core::proof::l1 as messages;
use frame_support::{
	assert_noop, assert_ok,
	traits::OneSessionHandler,
	unsigned::{TransactionSource, TransactionValidityError, ValidateUnsigned},
};
use polkadot_sdk::{
	frame_support,
	sp_core::Pair,
	sp_runtime::{transaction_validity::InvalidTransaction, DispatchError, DispatchResult},
};

const TARGET: L1TargetInfo = L1TargetInfo { chain_id: 31337, rollup_manager: [0x42; 20] };
const VALIDATORS: [&str; 4] = ["Alice", "Bob", "Charlie", "Dave"];

fn key(name: &str) -> AttestationId {
	AttestationId::from(pair(name).public())
}

fn addr(name: &str) -> Address {
	address_of(&key(name)).expect("a valid key")
}

fn session_keys(names: &[&str]) -> Vec<(u64, AttestationId)> {
	names.iter().enumerate().map(|(i, n)| (i as u64, key(n))).collect()
}

fn as_session(entry: &(u64, AttestationId)) -> (&u64, AttestationId) {
	(&entry.0, entry.1.clone())
}

fn genesis(names: &[&str]) {
	let keys = session_keys(names);
	Attestation::on_genesis_session(keys.iter().map(as_session));
}

fn new_session(names: &[&str]) {
	let keys = session_keys(names);
	Attestation::on_new_session(true, keys.iter().map(as_session), keys.iter().map(as_session));
}

/// Puts sealed batch `n` (sealed at `sealed_at`) into the rollup's storage.
fn seal_batch(n: u64, sealed_at: u64) {
	let root = |k: u8| {
		let mut r = [0u8; 32];
		r[0] = k;
		r[1] = n as u8;
		r
	};
	pallet_rollup::Batches::<Test>::insert(
		n,
		pallet_rollup::BatchHeader {
			number: n,
			old_root: root(1),
			new_root: root(2),
			defs_root: root(3),
			rules: 5,
			commitment: root(4),
			transitions: 2,
			first_block: sealed_at,
			sealed_at,
			status: pallet_rollup::BatchStatus::Sealed,
			l1_transaction: None,
		},
	);
	pallet_rollup::NextBatch::<Test>::put(n + 1);
}

fn set_status(n: u64, status: pallet_rollup::BatchStatus) {
	pallet_rollup::Batches::<Test>::mutate(n, |h| h.as_mut().unwrap().status = status);
}

/// `name`'s Ethereum signature (`v` 27/28) of `digest`.
fn sign(name: &str, digest: &[u8; 32]) -> EthSignature {
	let mut sig: EthSignature = pair(name).sign_prehashed(digest).0;
	sig[64] += 27;
	sig
}

fn digest_of(subject: Subject) -> [u8; 32] {
	Attestation::digest(subject).expect("a signable subject").0
}

fn attest(name: &str, subject: Subject) -> DispatchResult {
	Attestation::attest(RuntimeOrigin::none(), subject, sign(name, &digest_of(subject)))
}

/// Genesis committee of the four validators, the target set, batch 1 sealed at block 2 and its
/// hash recorded (now at block 3).
fn setup() {
	genesis(&VALIDATORS);
	assert_ok!(Attestation::set_l1_target(RuntimeOrigin::root(), TARGET));
	run_to_block(2);
	seal_batch(1, 2);
	run_to_block(3);
}

fn events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| if let RuntimeEvent::Attestation(e) = r.event { Some(e) } else { None })
		.collect()
}

#[test]
fn genesis_committee_is_the_validators_addresses_ascending() {
	new_test_ext().execute_with(|| {
		genesis(&VALIDATORS);
		let c = Committees::<Test>::get(0).unwrap();
		let mut expected: Vec<Address> = VALIDATORS.iter().map(|n| addr(n)).collect();
		expected.sort();
		assert_eq!(c.members.to_vec(), expected);
		assert_eq!(CurrentCommittee::<Test>::get(), 0);
		// the address is Ethereum's: keccak of the uncompressed key, as ecrecover gives it
		let msg = [7u8; 32];
		assert_eq!(recover(&sign("Alice", &msg), &msg), Some(addr("Alice")));
	});
}

#[test]
fn a_session_with_other_keys_starts_a_committee_and_the_same_keys_do_not() {
	new_test_ext().execute_with(|| {
		genesis(&VALIDATORS);
		run_to_block(5);
		System::reset_events();
		new_session(&["Dave", "Charlie", "Bob", "Alice"]);
		assert_eq!(CurrentCommittee::<Test>::get(), 0, "same keys in another order: same committee");
		assert!(events().is_empty());
		new_session(&["Alice", "Bob", "Charlie", "Eve"]);
		assert_eq!(CurrentCommittee::<Test>::get(), 1);
		let c = Committees::<Test>::get(1).unwrap();
		assert_eq!(c.since, 5);
		assert!(c.members.contains(&addr("Eve")) && !c.members.contains(&addr("Dave")));
		assert_eq!(events(), vec![Event::CommitteeChanged { id: 1, members: c.members.to_vec() }]);
	});
}

#[test]
fn the_seal_hash_is_recorded_in_the_next_block() {
	new_test_ext().execute_with(|| {
		genesis(&VALIDATORS);
		run_to_block(4);
		seal_batch(1, 4);
		assert_ok!(Attestation::set_l1_target(RuntimeOrigin::root(), TARGET));
		assert!(matches!(Attestation::digest(Subject::Batch(1)), Err(Error::<Test>::SealHashNotRecorded)));
		run_to_block(5);
		assert_eq!(SealHashes::<Test>::get(1), Some(block_hash(4)));
		assert_eq!(NextSealHash::<Test>::get(), 2);
		// the digest is the L1 message of the header with that hash
		let message = Attestation::batch_message(1).unwrap();
		assert_eq!(message.sealed_at, 4);
		assert_eq!(message.sealed_at_hash, block_hash(4).0);
		assert_eq!(message.old_root, pallet_rollup::Batches::<Test>::get(1).unwrap().old_root);
		assert_eq!(digest_of(Subject::Batch(1)), message.digest(&TARGET.into()));
	});
}

#[test]
fn a_batch_sealed_in_this_blocks_on_initialize_waits_for_the_next_block() {
	new_test_ext().execute_with(|| {
		genesis(&VALIDATORS);
		run_to_block(4);
		// the rollup sealed batch 1 in block 4's on_initialize, before this pallet's
		seal_batch(1, 4);
		use frame_support::traits::Hooks;
		Attestation::on_initialize(4);
		assert_eq!(SealHashes::<Test>::get(1), None);
		assert_eq!(NextSealHash::<Test>::get(), 1);
	});
}

#[test]
fn a_supermajority_of_the_committee_reaches_quorum_once_with_signatures_sorted() {
	new_test_ext().execute_with(|| {
		setup();
		let subject = Subject::Batch(1);
		for name in ["Dave", "Alice"] {
			assert_ok!(attest(name, subject));
		}
		assert!(!events().iter().any(|e| matches!(e, Event::QuorumReached { .. })));
		assert_ok!(attest("Charlie", subject));
		assert_ok!(attest("Bob", subject));
		let quorum: Vec<_> = events().into_iter().filter(|e| matches!(e, Event::QuorumReached { .. })).collect();
		assert_eq!(quorum, vec![Event::QuorumReached { subject, committee: 0 }], "3 of 4, once");
		let a = Attestation::attestation(subject).unwrap();
		assert_eq!((a.committee, a.threshold, a.signatures.len()), (0, 3, 4));
		let signers: Vec<Address> = a.signatures.iter().map(|(s, _)| *s).collect();
		let mut sorted = signers.clone();
		sorted.sort();
		assert_eq!(signers, sorted, "ascending, as RollupManager requires");
		for (signer, sig) in &a.signatures {
			assert_eq!(recover(sig, &a.digest), Some(*signer));
		}
	});
}

#[test]
fn refusals_name_what_is_wrong() {
	new_test_ext().execute_with(|| {
		genesis(&VALIDATORS);
		run_to_block(2);
		seal_batch(1, 2);
		run_to_block(3);
		let any = [0u8; 65];
		assert_noop!(
			Attestation::attest(RuntimeOrigin::none(), Subject::Batch(1), any),
			Error::<Test>::NoL1Target
		);
		assert_ok!(Attestation::set_l1_target(RuntimeOrigin::root(), TARGET));
		assert_noop!(
			Attestation::attest(RuntimeOrigin::none(), Subject::Batch(2), any),
			Error::<Test>::UnknownBatch
		);
		assert_noop!(
			Attestation::attest(RuntimeOrigin::none(), Subject::Handover(1), any),
			Error::<Test>::UnknownCommittee
		);
		// not a validator
		assert_noop!(attest("Eve", Subject::Batch(1)), Error::<Test>::NotCommitteeMember);
		// a member's signature of something else recovers another address
		let other = sign("Alice", &[9u8; 32]);
		assert_noop!(
			Attestation::attest(RuntimeOrigin::none(), Subject::Batch(1), other),
			Error::<Test>::NotCommitteeMember
		);
		let digest = digest_of(Subject::Batch(1));
		// v as 0/1 (what ecrecover on L1 refuses)
		let mut raw = sign("Alice", &digest);
		raw[64] -= 27;
		assert_noop!(
			Attestation::attest(RuntimeOrigin::none(), Subject::Batch(1), raw),
			Error::<Test>::InvalidSignature
		);
		// the malleable twin (n - s, v flipped) recovers the same key, but OpenZeppelin refuses it
		let high = malleable_twin(&sign("Alice", &digest));
		assert_eq!(polkadot_sdk::sp_io::crypto::secp256k1_ecdsa_recover(&high, &digest).ok().map(|k| messages::address_of(&k)), Some(addr("Alice")));
		assert_noop!(
			Attestation::attest(RuntimeOrigin::none(), Subject::Batch(1), high),
			Error::<Test>::InvalidSignature
		);
		assert_ok!(attest("Alice", Subject::Batch(1)));
		assert_noop!(attest("Alice", Subject::Batch(1)), Error::<Test>::AlreadyAttested);
		// signed, not unsigned
		assert_noop!(
			Attestation::attest(RuntimeOrigin::signed(1), Subject::Batch(1), sign("Bob", &digest)),
			DispatchError::BadOrigin
		);
		assert_noop!(Attestation::set_l1_target(RuntimeOrigin::signed(1), TARGET), DispatchError::BadOrigin);
	});
}

/// `(r, n - s, v ^ 1)`: the other valid signature of the same key and message (EIP-2).
fn malleable_twin(sig: &EthSignature) -> EthSignature {
	const N: [u8; 32] = [
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 0xba, 0xae,
		0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41,
	];
	let mut out = *sig;
	let mut borrow = 0i16;
	for i in (0..32).rev() {
		let d = N[i] as i16 - sig[32 + i] as i16 - borrow;
		out[32 + i] = d.rem_euclid(256) as u8;
		borrow = (d < 0) as i16;
	}
	out[64] = if sig[64] == 27 { 28 } else { 27 };
	out
}

#[test]
fn a_batch_is_signed_by_the_committee_of_its_sealing_block() {
	new_test_ext().execute_with(|| {
		setup(); // batch 1 sealed at block 2 under committee 0
		run_to_block(6);
		new_session(&["Alice", "Bob", "Charlie", "Eve"]); // committee 1 from block 6
		seal_batch(2, 6);
		run_to_block(7);
		assert_eq!(Attestation::digest(Subject::Batch(1)).unwrap().1, 0);
		assert_eq!(Attestation::digest(Subject::Batch(2)).unwrap().1, 1);
		// Dave (left) still signs batch 1, not batch 2; Eve (joined) the other way round
		assert_ok!(attest("Dave", Subject::Batch(1)));
		assert_noop!(attest("Dave", Subject::Batch(2)), Error::<Test>::NotCommitteeMember);
		assert_ok!(attest("Eve", Subject::Batch(2)));
		assert_noop!(attest("Eve", Subject::Batch(1)), Error::<Test>::NotCommitteeMember);
		// the handover to committee 1 is signed by committee 0, over committee 1's members
		let members = Committees::<Test>::get(1).unwrap().members;
		assert_eq!(
			digest_of(Subject::Handover(1)),
			messages::validator_set_change_digest(&TARGET.into(), 1, &members)
		);
		assert_ok!(attest("Dave", Subject::Handover(1)));
		assert_noop!(attest("Eve", Subject::Handover(1)), Error::<Test>::NotCommitteeMember);
		assert_eq!(Attestation::attestation(Subject::Handover(1)).unwrap().committee, 0);
	});
}

#[test]
fn a_new_l1_target_starts_the_signatures_afresh() {
	new_test_ext().execute_with(|| {
		setup();
		assert_ok!(attest("Alice", Subject::Batch(1)));
		assert_ok!(attest("Bob", Subject::Batch(1)));
		let new_target = L1TargetInfo { chain_id: 1, rollup_manager: [0x43; 20] };
		assert_ok!(Attestation::set_l1_target(RuntimeOrigin::root(), new_target));
		let a = Attestation::attestation(Subject::Batch(1)).unwrap();
		assert!(a.signatures.is_empty(), "signed for the old contract");
		assert_eq!(a.digest, Attestation::batch_message(1).unwrap().digest(&new_target.into()));
		// Alice signs again for the new target
		assert_ok!(attest("Alice", Subject::Batch(1)));
		assert_eq!(Attestation::attestation(Subject::Batch(1)).unwrap().signatures.len(), 1);
		assert_eq!(BatchSignatures::<Test>::get(1).unwrap().target, new_target);
	});
}

#[test]
fn finalized_batches_are_stale_and_their_signatures_pruned_in_order() {
	new_test_ext().execute_with(|| {
		setup();
		seal_batch(2, 3);
		run_to_block(4);
		for n in [1, 2] {
			assert_ok!(attest("Alice", Subject::Batch(n)));
		}
		// batch 2 finalized before batch 1 is impossible in the rollup; pruning goes in order
		set_status(1, pallet_rollup::BatchStatus::Finalized);
		assert_noop!(
			Attestation::attest(RuntimeOrigin::none(), Subject::Batch(1), [0; 65]),
			Error::<Test>::BatchFinalized
		);
		assert_eq!(Attestation::attestation(Subject::Batch(1)), None);
		run_to_block(5);
		assert_eq!(BatchSignatures::<Test>::get(1), None);
		assert!(BatchSignatures::<Test>::get(2).is_some());
		assert_eq!(PrunedBatches::<Test>::get(), 2);
		run_to_block(6);
		assert_eq!(PrunedBatches::<Test>::get(), 2, "batch 2 is not finalized");
		set_status(2, pallet_rollup::BatchStatus::Finalized);
		run_to_block(7);
		assert_eq!(BatchSignatures::<Test>::get(2), None);
	});
}

#[test]
fn the_pool_takes_a_valid_attestation_once_and_refuses_the_rest() {
	new_test_ext().execute_with(|| {
		setup();
		let digest = digest_of(Subject::Batch(1));
		let call = |name: &str| Call::<Test>::attest { subject: Subject::Batch(1), signature: sign(name, &digest) };
		let valid = Attestation::validate_unsigned(TransactionSource::External, &call("Alice")).unwrap();
		assert_eq!(valid.provides, vec![("AlstraAttestation", (Subject::Batch(1), addr("Alice"))).encode()]);
		assert_eq!(valid.priority, 1 << 20);
		let refused = |c: Call<Test>| Attestation::validate_unsigned(TransactionSource::External, &c).unwrap_err();
		assert_eq!(refused(call("Eve")), TransactionValidityError::Invalid(InvalidTransaction::BadProof));
		assert_ok!(attest("Alice", Subject::Batch(1)));
		assert_eq!(refused(call("Alice")), TransactionValidityError::Invalid(InvalidTransaction::Stale));
		let future = Call::<Test>::attest { subject: Subject::Batch(2), signature: [0; 65] };
		assert_eq!(refused(future), TransactionValidityError::Invalid(InvalidTransaction::Custom(Error::<Test>::UnknownBatch.encode()[0])));
	});
}

#[test]
fn pending_lists_what_a_member_still_owes() {
	new_test_ext().execute_with(|| {
		setup();
		run_to_block(6);
		new_session(&["Alice", "Bob", "Charlie", "Eve"]);
		seal_batch(2, 6);
		run_to_block(7);
		let subjects = |name: &str| -> Vec<Subject> {
			Attestation::pending_for(addr(name), 10).into_iter().map(|(s, _)| s).collect()
		};
		assert_eq!(subjects("Dave"), vec![Subject::Handover(1), Subject::Batch(1)]);
		assert_eq!(subjects("Alice"), vec![Subject::Handover(1), Subject::Batch(1), Subject::Batch(2)]);
		assert_eq!(subjects("Eve"), vec![Subject::Batch(2)]);
		assert_eq!(Attestation::pending_for(addr("Alice"), 2).len(), 2, "limit");
		// the digests are the ones to sign
		for (subject, digest) in Attestation::pending_for(addr("Alice"), 10) {
			assert_eq!(digest, digest_of(subject));
		}
		assert_ok!(attest("Alice", Subject::Batch(1)));
		assert_ok!(attest("Alice", Subject::Handover(1)));
		assert_eq!(subjects("Alice"), vec![Subject::Batch(2)]);
	});
}
