//! Liveness (see the [crate documentation](crate#liveness)) and the storage migration that
//! introduced it, on the mock runtime: sessions of `PERIOD = 5` blocks; the blocks counted for
//! session 0 are 2-5 (the test starts at block 1), for session `k ≥ 1` blocks `5k+1..=5k+5` (the
//! block that starts a session was authored in a slot of the ending one), genesis validators
//! 1-3 ([`three`]), authors chosen per block by Aura's round robin (`mock::round_robin`: block
//! `b` is validator `SET[b mod 3]`'s slot) with some validators down. With one of three down a
//! 5-block session has 3 or 4 blocks, enough to be judged.

use crate::{
	migrations::v1::MigrateV0ToV1, mock::*, AuthoredBlocks, Event, LivenessFrom, SilentSessions,
};
use frame_support::{
	assert_ok,
	traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion},
};
use polkadot_sdk::{frame_support, pallet_session};

const SET: &[u64] = &[1, 2, 3];

/// Genesis validators 1, 2 and 3 with a minimum of 2.
fn three() -> ExtBuilder {
	ExtBuilder::default().validators(vec![1, 2, 3]).min_validators(2)
}

/// The `ValidatorSilent` events so far, as `(validator, session, consecutive)`.
fn silent() -> Vec<(u64, u32, u32)> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::ValidatorSet(Event::ValidatorSilent { validator, session, consecutive }) => {
				Some((validator, session, consecutive))
			},
			_ => None,
		})
		.collect()
}

#[test]
fn a_validator_that_authors_nothing_for_a_whole_session_is_reported_each_session() {
	three().build().execute_with(|| {
		// Validator 3 is down from the start. Session 0 (blocks 2-5) has 2 blocks: fewer than
		// the 3 validators, not judged.
		run_authoring_to_block(PERIOD, round_robin(SET, &[3]));
		assert_eq!(silent(), vec![]);
		assert_eq!(SilentSessions::<Test>::get(3), 0);

		// Session 1 (blocks 6-10): 4 blocks, 3 authored none.
		run_authoring_to_block(2 * PERIOD, round_robin(SET, &[3]));
		assert_eq!(silent(), vec![(3, 1, 1)]);
		assert_eq!(SilentSessions::<Test>::get(3), 1);
		// The others authored: no entry.
		for v in [1, 2] {
			assert!(!SilentSessions::<Test>::contains_key(v));
		}

		// Session 2: silent again, the count goes on.
		run_authoring_to_block(3 * PERIOD, round_robin(SET, &[3]));
		assert_eq!(silent(), vec![(3, 1, 1), (3, 2, 2)]);
		assert_eq!(SilentSessions::<Test>::get(3), 2);

		// Session 3: 3 is back and authors its slot: the count is cleared, no new event.
		run_authoring_to_block(4 * PERIOD, round_robin(SET, &[]));
		assert_eq!(silent().len(), 2);
		assert!(!SilentSessions::<Test>::contains_key(3));
	});
}

#[test]
fn blocks_are_counted_per_session_and_emptied_at_its_end() {
	three().build().execute_with(|| {
		run_authoring_to_block(PERIOD + 3, round_robin(SET, &[]));
		// Session 1 so far: blocks 6, 7, 8 by 1, 2, 3.
		assert_eq!(
			AuthoredBlocks::<Test>::iter().collect::<std::collections::BTreeMap<_, _>>(),
			[(1, 1), (2, 1), (3, 1)].into()
		);
		run_authoring_to_block(PERIOD + 4, |_| Some(2));
		assert_eq!(AuthoredBlocks::<Test>::get(2), 2);
		// Block 10 starts session 2 but was authored in a slot of session 1: it counts there,
		// then session 1 is judged (everyone authored) and emptied.
		run_authoring_to_block(2 * PERIOD, |_| Some(3));
		assert_eq!(AuthoredBlocks::<Test>::iter().count(), 0);
		assert_eq!(silent(), vec![]);
		// Block 11 is the first of session 2.
		run_authoring_to_block(2 * PERIOD + 1, |_| Some(1));
		assert_eq!(AuthoredBlocks::<Test>::iter().collect::<Vec<_>>(), vec![(1, 1)]);
	});
}

#[test]
fn a_session_with_fewer_blocks_than_validators_is_not_judged() {
	three().build().execute_with(|| {
		// Only validator 1 authors: 1 or 2 blocks per session for 3 validators. Nothing tells
		// that 2 and 3 had a slot, so nobody is reported.
		run_authoring_to_block(4 * PERIOD, round_robin(SET, &[2, 3]));
		assert_eq!(silent(), vec![]);
		assert_eq!(SilentSessions::<Test>::iter().count(), 0);
	});
}

#[test]
fn a_removed_validator_is_no_longer_judged_and_its_count_is_dropped() {
	three().build().execute_with(|| {
		run_authoring_to_block(2 * PERIOD, round_robin(SET, &[3]));
		assert_eq!(silent(), vec![(3, 1, 1)]);

		// The council removes 3 during session 2: still active in session 3, gone in 4.
		assert_ok!(ValidatorSet::remove_validator(RuntimeOrigin::signed(COUNCIL), 3));
		run_authoring_to_block(4 * PERIOD, round_robin(SET, &[3]));
		assert_eq!(silent(), vec![(3, 1, 1), (3, 2, 2), (3, 3, 3)]);
		assert_eq!(pallet_session::Validators::<Test>::get(), vec![1, 2]);

		// Session 4 is judged with the set of 2: 3 is not reported and its count is dropped.
		run_authoring_to_block(5 * PERIOD, round_robin(&[1, 2], &[]));
		assert_eq!(silent().len(), 3);
		assert!(!SilentSessions::<Test>::contains_key(3));
	});
}

#[test]
fn sessions_before_liveness_from_are_not_judged() {
	three().build().execute_with(|| {
		LivenessFrom::<Test>::put(2);
		run_authoring_to_block(2 * PERIOD, round_robin(SET, &[3]));
		assert_eq!(silent(), vec![]);
		// Emptied at each session end even when not judged.
		assert_eq!(AuthoredBlocks::<Test>::iter().count(), 0);
		run_authoring_to_block(3 * PERIOD, round_robin(SET, &[3]));
		assert_eq!(silent(), vec![(3, 2, 1)]);
	});
}

#[test]
fn the_v1_migration_judges_liveness_from_the_session_after_the_upgrade() {
	three().build().execute_with(|| {
		// A chain at storage version 0 (before liveness): nothing counted blocks until now.
		StorageVersion::new(0).put::<ValidatorSet>();
		run_to_block(2 * PERIOD + 2);
		assert_eq!(pallet_session::CurrentIndex::<Test>::get(), 2);

		// The upgrade lands in block 12 (session 2), whose earlier blocks nobody counted.
		MigrateV0ToV1::<Test>::on_runtime_upgrade();
		assert_eq!(LivenessFrom::<Test>::get(), 3);
		assert_eq!(ValidatorSet::on_chain_storage_version(), StorageVersion::new(1));

		// Session 2 (partly counted) is not judged, although 1 authors nothing after the
		// upgrade; session 3 is.
		run_authoring_to_block(3 * PERIOD, round_robin(SET, &[1]));
		assert_eq!(silent(), vec![]);
		run_authoring_to_block(4 * PERIOD, round_robin(SET, &[1]));
		assert_eq!(silent(), vec![(1, 3, 1)]);

		// Versioned: a second run (the next upgrade) changes nothing.
		MigrateV0ToV1::<Test>::on_runtime_upgrade();
		assert_eq!(LivenessFrom::<Test>::get(), 3);
	});
}

#[test]
fn a_chain_built_at_version_1_judges_from_session_0_and_skips_the_migration() {
	three().build().execute_with(|| {
		assert_eq!(ValidatorSet::on_chain_storage_version(), StorageVersion::new(1));
		assert_eq!(LivenessFrom::<Test>::get(), 0);
		run_to_block(PERIOD + 1);
		MigrateV0ToV1::<Test>::on_runtime_upgrade();
		assert_eq!(LivenessFrom::<Test>::get(), 0, "the migration is a no-op at version 1");
	});
}
