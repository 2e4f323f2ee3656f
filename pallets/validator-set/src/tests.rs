//! Unit tests of `pallet_validator_set` on the mock runtime (see `mock.rs`): sessions of
//! `PERIOD = 5` blocks, session `k ≥ 1` starting at block `5·k`; genesis validators 1-4 with
//! a minimum of 4; accounts 1-5 with session keys; `COUNCIL` the only authorised origin.

use crate::{mock::*, Error, Event, MinValidators, PlannedWithoutKeys, SetChanged};
use frame_support::{assert_noop, assert_ok, traits::Get};
use pallet_session::SessionManager;
use polkadot_sdk::{
	frame_support, frame_system, pallet_balances, pallet_session,
	sp_runtime::{traits::BadOrigin, BuildStorage},
	sp_staking::SessionIndex,
};

/// This pallet's events so far, in order.
fn events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::ValidatorSet(event) => Some(event),
			_ => None,
		})
		.collect()
}

/// The `NewValidatorSetPlanned` events so far, as `(session, validators, missing_keys)`.
fn planned() -> Vec<(SessionIndex, Vec<u64>, Vec<u64>)> {
	events()
		.into_iter()
		.filter_map(|event| match event {
			Event::NewValidatorSetPlanned { session, validators, missing_keys } => {
				Some((session, validators, missing_keys))
			},
			_ => None,
		})
		.collect()
}

/// The validators active in pallet-session.
fn active() -> Vec<u64> {
	pallet_session::Validators::<Test>::get()
}

/// The validators queued in pallet-session for the next session.
fn queued() -> Vec<u64> {
	pallet_session::QueuedKeys::<Test>::get().into_iter().map(|(who, _)| who).collect()
}

fn current_session() -> SessionIndex {
	pallet_session::CurrentIndex::<Test>::get()
}

fn council() -> RuntimeOrigin {
	RuntimeOrigin::signed(COUNCIL)
}

/// Checks the pallet's invariants after a test's changes.
fn try_state() {
	ValidatorSet::do_try_state().expect("invariants hold");
}

// ---------------------------------------------------------------------------------------------
// Genesis
// ---------------------------------------------------------------------------------------------

#[test]
fn genesis_stores_the_sorted_set_and_the_minimum() {
	ExtBuilder::default().build().execute_with(|| {
		assert_eq!(ValidatorSet::validators(), vec![1, 2, 3, 4]);
		assert_eq!(MinValidators::<Test>::get(), 4);
		assert_eq!(ValidatorSet::min_validators(), 4);
		assert!(!SetChanged::<Test>::get());
		assert!(PlannedWithoutKeys::<Test>::get().is_empty());
		try_state();
	});
}

#[test]
fn genesis_set_is_active_in_session_0_and_queued_for_session_1() {
	ExtBuilder::default().build().execute_with(|| {
		assert_eq!(current_session(), 0);
		assert_eq!(active(), vec![1, 2, 3, 4]);
		assert_eq!(queued(), vec![1, 2, 3, 4]);
		// What pallet-session handed to the consensus pallets at genesis.
		assert_eq!(ActiveValidators::get(), vec![1, 2, 3, 4]);
		// Events are not recorded at genesis.
		assert!(events().is_empty());
	});
}

#[test]
fn default_genesis_minimum_is_the_runtime_floor() {
	let config = crate::GenesisConfig::<Test>::default();
	assert_eq!(config.min_validators, MIN_AUTHORITIES);
	assert!(config.validators.is_empty());
	// Before genesis the storage default is the floor as well.
	sp_io_ext().execute_with(|| {
		assert_eq!(MinValidators::<Test>::get(), MIN_AUTHORITIES);
	});
}

/// Empty externalities (no genesis at all).
fn sp_io_ext() -> polkadot_sdk::sp_io::TestExternalities {
	polkadot_sdk::sp_io::TestExternalities::new(Default::default())
}

#[test]
fn genesis_config_json_uses_the_chain_spec_field_names() {
	// Chain specs use camelCase: `validatorSet.validators` and `validatorSet.minValidators`.
	let config = crate::GenesisConfig::<Test> { validators: vec![1, 2, 3, 4], min_validators: 4 };
	assert_eq!(
		serde_json::to_value(&config).unwrap(),
		serde_json::json!({ "validators": [1, 2, 3, 4], "minValidators": 4 })
	);
	let parsed: crate::GenesisConfig<Test> =
		serde_json::from_str(r#"{ "validators": [4, 3, 2, 1], "minValidators": 4 }"#).unwrap();
	assert_eq!((parsed.validators, parsed.min_validators), (vec![4, 3, 2, 1], 4));
}

#[test]
#[should_panic(expected = "validatorSet.minValidators is 1, but must be within [2, 6]")]
fn genesis_refuses_a_minimum_below_the_runtime_floor() {
	let _ = ExtBuilder::default().min_validators(1).build_storage();
}

#[test]
#[should_panic(expected = "validatorSet.minValidators is 7, but must be within [2, 6]")]
fn genesis_refuses_a_minimum_above_max_authorities() {
	let _ = ExtBuilder::default().min_validators(7).build_storage();
}

#[test]
#[should_panic(expected = "validatorSet.validators has 3 validators, but must have between \
                           minValidators = 4 and MaxAuthorities = 6")]
fn genesis_refuses_fewer_validators_than_the_minimum() {
	let _ = ExtBuilder::default().validators(vec![1, 2, 3]).build_storage();
}

#[test]
#[should_panic(expected = "validatorSet.validators has 7 validators")]
fn genesis_refuses_more_validators_than_max_authorities() {
	let _ = ExtBuilder::default()
		.validators(vec![1, 2, 3, 4, 5, 6, 7])
		.keyed(vec![1, 2, 3, 4, 5, 6, 7])
		.build_storage();
}

#[test]
#[should_panic(expected = "validatorSet.validators contains duplicate accounts")]
fn genesis_refuses_duplicate_validators() {
	let _ = ExtBuilder::default().validators(vec![1, 2, 3, 3]).build_storage();
}

#[test]
#[should_panic(expected = "validatorSet.validators without session keys in session.keys: [6]")]
fn genesis_refuses_validators_without_session_keys() {
	let _ = ExtBuilder::default().validators(vec![1, 2, 3, 6]).build_storage();
}

#[test]
fn a_chain_spec_can_use_the_runtime_floor_as_its_minimum() {
	// The mock's floor is 2 (AlstraNet's runtime: 1, for single-validator dev chains).
	ExtBuilder::default().validators(vec![2, 1]).min_validators(2).build().execute_with(|| {
		assert_eq!(ValidatorSet::validators(), vec![1, 2]);
		assert_eq!(ValidatorSet::min_validators(), 2);
		assert_noop!(ValidatorSet::remove_validator(council(), 1), Error::<Test>::TooFewValidators);
	});
}

#[test]
fn integrity_test_passes() {
	use frame_support::traits::IntegrityTest;
	ExtBuilder::default().build().execute_with(|| {
		<AllPalletsWithSystem as IntegrityTest>::integrity_test();
	});
}

// ---------------------------------------------------------------------------------------------
// Origins
// ---------------------------------------------------------------------------------------------

#[test]
fn only_the_add_remove_origin_can_add() {
	ExtBuilder::default().build().execute_with(|| {
		for origin in [
			RuntimeOrigin::signed(1),
			RuntimeOrigin::signed(5),
			RuntimeOrigin::root(),
			RuntimeOrigin::none(),
		] {
			// `assert_noop!` also checks that no storage changed.
			assert_noop!(ValidatorSet::add_validator(origin, 5), BadOrigin);
		}
		assert_eq!(ValidatorSet::validators(), vec![1, 2, 3, 4]);
		assert!(events().is_empty());

		assert_ok!(ValidatorSet::add_validator(council(), 5));
		assert_eq!(ValidatorSet::validators(), vec![1, 2, 3, 4, 5]);
	});
}

#[test]
fn only_the_add_remove_origin_can_remove() {
	ExtBuilder::default().validators(vec![1, 2, 3, 4, 5]).build().execute_with(|| {
		for origin in [
			RuntimeOrigin::signed(1),
			RuntimeOrigin::signed(5),
			RuntimeOrigin::root(),
			RuntimeOrigin::none(),
		] {
			assert_noop!(ValidatorSet::remove_validator(origin, 5), BadOrigin);
		}
		assert_eq!(ValidatorSet::validators(), vec![1, 2, 3, 4, 5]);
		assert!(events().is_empty());

		assert_ok!(ValidatorSet::remove_validator(council(), 5));
		assert_eq!(ValidatorSet::validators(), vec![1, 2, 3, 4]);
	});
}

#[test]
fn origin_is_checked_before_the_arguments() {
	ExtBuilder::default().build().execute_with(|| {
		// Bad arguments from a bad origin report the origin, not the arguments.
		assert_noop!(ValidatorSet::add_validator(RuntimeOrigin::signed(1), 1), BadOrigin);
		assert_noop!(ValidatorSet::remove_validator(RuntimeOrigin::signed(1), 9), BadOrigin);
	});
}

// ---------------------------------------------------------------------------------------------
// Calls, errors and events
// ---------------------------------------------------------------------------------------------

#[test]
fn add_validator_inserts_in_order_flags_the_change_and_emits_an_event() {
	ExtBuilder::default()
		.validators(vec![2, 4, 6, 8])
		.keyed(vec![2, 4, 6, 8])
		.build()
		.execute_with(|| {
			assert_ok!(ValidatorSet::add_validator(council(), 5));
			assert_ok!(ValidatorSet::add_validator(council(), 1));
			assert_eq!(ValidatorSet::validators(), vec![1, 2, 4, 5, 6, 8]);
			assert!(SetChanged::<Test>::get());
			assert_eq!(
				events(),
				vec![Event::ValidatorAdded { who: 5 }, Event::ValidatorAdded { who: 1 }]
			);
			System::assert_last_event(Event::ValidatorAdded { who: 1 }.into());
			try_state();
		});
}

#[test]
fn remove_validator_removes_flags_the_change_and_emits_an_event() {
	ExtBuilder::default().validators(vec![1, 2, 3, 4, 5]).build().execute_with(|| {
		assert_ok!(ValidatorSet::remove_validator(council(), 3));
		assert_eq!(ValidatorSet::validators(), vec![1, 2, 4, 5]);
		assert!(SetChanged::<Test>::get());
		assert_eq!(events(), vec![Event::ValidatorRemoved { who: 3 }]);
		try_state();
	});
}

#[test]
fn adding_an_existing_validator_fails() {
	ExtBuilder::default().build().execute_with(|| {
		assert_noop!(ValidatorSet::add_validator(council(), 3), Error::<Test>::AlreadyValidator);
	});
}

#[test]
fn adding_beyond_max_authorities_fails() {
	ExtBuilder::default().build().execute_with(|| {
		assert_ok!(ValidatorSet::add_validator(council(), 5));
		assert_ok!(ValidatorSet::add_validator(council(), 6));
		assert_eq!(ValidatorSet::validators().len() as u32, MAX_AUTHORITIES);
		assert_noop!(ValidatorSet::add_validator(council(), 7), Error::<Test>::TooManyValidators);
		// A duplicate in a full set is reported as a duplicate.
		assert_noop!(ValidatorSet::add_validator(council(), 6), Error::<Test>::AlreadyValidator);
		try_state();
	});
}

#[test]
fn removing_a_non_validator_fails() {
	ExtBuilder::default().validators(vec![1, 2, 3, 4, 5]).build().execute_with(|| {
		assert_noop!(ValidatorSet::remove_validator(council(), 6), Error::<Test>::NotValidator);
		assert_noop!(
			ValidatorSet::remove_validator(council(), COUNCIL),
			Error::<Test>::NotValidator
		);
	});
}

#[test]
fn removing_below_the_chain_minimum_fails() {
	ExtBuilder::default().build().execute_with(|| {
		// 4 validators, minimum 4.
		assert_noop!(ValidatorSet::remove_validator(council(), 1), Error::<Test>::TooFewValidators);
		// After an addition one removal is possible, and no second one.
		assert_ok!(ValidatorSet::add_validator(council(), 5));
		assert_ok!(ValidatorSet::remove_validator(council(), 1));
		assert_noop!(ValidatorSet::remove_validator(council(), 2), Error::<Test>::TooFewValidators);
		assert_eq!(ValidatorSet::validators(), vec![2, 3, 4, 5]);
		// A non-validator is reported as such even when the set is at its minimum.
		assert_noop!(ValidatorSet::remove_validator(council(), 1), Error::<Test>::NotValidator);
		try_state();
	});
}

#[test]
fn the_runtime_floor_applies_even_if_storage_says_less() {
	ExtBuilder::default().validators(vec![1, 2, 3]).min_validators(2).build().execute_with(|| {
		// Only reachable by a broken migration or a raw storage write.
		MinValidators::<Test>::put(0);
		assert_eq!(ValidatorSet::min_validators(), MIN_AUTHORITIES);
		assert_ok!(ValidatorSet::remove_validator(council(), 3));
		assert_noop!(ValidatorSet::remove_validator(council(), 2), Error::<Test>::TooFewValidators);
	});
}

#[test]
fn call_weights_fit_in_a_block() {
	use crate::WeightInfo;
	let max_block = <<Test as frame_system::Config>::BlockWeights as Get<
		frame_system::limits::BlockWeights,
	>>::get()
	.max_block;
	let max: u32 = <Test as crate::Config>::MaxAuthorities::get();
	for weight in [
		<() as WeightInfo>::add_validator(max - 1),
		<() as WeightInfo>::remove_validator(max),
		<() as WeightInfo>::new_session(max),
	] {
		assert!(weight.all_lt(max_block), "{weight:?}");
		assert!(weight.ref_time() > 0);
	}
}

// ---------------------------------------------------------------------------------------------
// Session rotation
// ---------------------------------------------------------------------------------------------

#[test]
fn an_added_validator_is_active_from_the_session_after_next() {
	ExtBuilder::default().build().execute_with(|| {
		// Block 2, session 0.
		run_to_block(2);
		assert_ok!(ValidatorSet::add_validator(council(), 5));

		// Nothing changes in pallet-session during session 0.
		run_to_block(4);
		assert_eq!(
			(current_session(), active(), queued()),
			(0, vec![1, 2, 3, 4], vec![1, 2, 3, 4])
		);
		assert!(planned().is_empty());

		// Block 5 starts session 1 and plans the new set for session 2.
		run_to_block(5);
		assert_eq!(current_session(), 1);
		assert_eq!(active(), vec![1, 2, 3, 4]);
		assert_eq!(queued(), vec![1, 2, 3, 4, 5]);
		assert_eq!(planned(), vec![(2, vec![1, 2, 3, 4, 5], vec![])]);
		assert!(!SetChanged::<Test>::get());
		assert_eq!(ActiveValidators::get(), vec![1, 2, 3, 4]);

		// Still the old set until the last block of session 1.
		run_to_block(9);
		assert_eq!(active(), vec![1, 2, 3, 4]);

		// Block 10 starts session 2 with the new set.
		run_to_block(10);
		assert_eq!(current_session(), 2);
		assert_eq!(active(), vec![1, 2, 3, 4, 5]);
		// ... which is what the consensus pallets are told, flagged as a change.
		assert_eq!(ActiveValidators::get(), vec![1, 2, 3, 4, 5]);
		assert!(LastChanged::get());
		// No further plan: the set did not change again.
		assert_eq!(planned().len(), 1);

		run_to_block(20);
		assert_eq!(active(), vec![1, 2, 3, 4, 5]);
		assert_eq!(planned().len(), 1);
		assert!(!LastChanged::get());
	});
}

#[test]
fn a_removed_validator_stays_active_until_the_session_after_next() {
	ExtBuilder::default().validators(vec![1, 2, 3, 4, 5]).build().execute_with(|| {
		// Block 5 is the first block of session 1: a change made in it belongs to session 1
		// (dispatchables run after pallet-session's `on_initialize`).
		run_to_block(5);
		assert_eq!(current_session(), 1);
		assert_ok!(ValidatorSet::remove_validator(council(), 2));

		// Session 2 (blocks 10-14) still has validator 2; the new set is planned at block 10.
		run_to_block(14);
		assert_eq!(current_session(), 2);
		assert_eq!(active(), vec![1, 2, 3, 4, 5]);
		assert_eq!(queued(), vec![1, 3, 4, 5]);
		assert_eq!(planned(), vec![(3, vec![1, 3, 4, 5], vec![])]);

		// Session 3 starts at block 15 = 10 blocks (2 periods) after the change.
		run_to_block(15);
		assert_eq!(current_session(), 3);
		assert_eq!(active(), vec![1, 3, 4, 5]);
		assert_eq!(ActiveValidators::get(), vec![1, 3, 4, 5]);
	});
}

#[test]
fn a_change_in_the_last_block_of_a_session_takes_one_period_plus_one_block() {
	ExtBuilder::default().build().execute_with(|| {
		// Block 9 is the last block of session 1.
		run_to_block(9);
		assert_ok!(ValidatorSet::add_validator(council(), 5));
		run_to_block(14);
		assert_eq!(active(), vec![1, 2, 3, 4]);
		// Active from block 15 (session 3): 6 blocks = PERIOD + 1 after the change.
		run_to_block(15);
		assert_eq!(active(), vec![1, 2, 3, 4, 5]);
	});
}

#[test]
fn a_set_returned_by_new_session_n_is_active_in_session_n() {
	ExtBuilder::default().build().execute_with(|| {
		assert_ok!(ValidatorSet::add_validator(council(), 5));

		// Rotating 0 -> 1 calls `new_session(2)`.
		pallet_session::Pallet::<Test>::rotate_session();
		assert_eq!(current_session(), 1);
		assert_eq!(planned(), vec![(2, vec![1, 2, 3, 4, 5], vec![])]);
		assert_eq!(active(), vec![1, 2, 3, 4]);

		// Rotating 1 -> 2 enacts it.
		pallet_session::Pallet::<Test>::rotate_session();
		assert_eq!(current_session(), 2);
		assert_eq!(active(), vec![1, 2, 3, 4, 5]);
	});
}

#[test]
fn several_changes_in_one_session_are_planned_together() {
	ExtBuilder::default().build().execute_with(|| {
		run_to_block(6);
		assert_ok!(ValidatorSet::add_validator(council(), 5));
		assert_ok!(ValidatorSet::remove_validator(council(), 1));
		assert_ok!(ValidatorSet::add_validator(council(), 8));
		run_to_session(2);
		assert_eq!(planned(), vec![(3, vec![2, 3, 4, 5, 8], vec![8])]);
		run_to_session(3);
		// 8 has no session keys: skipped by pallet-session.
		assert_eq!(active(), vec![2, 3, 4, 5]);
		assert_eq!(
			events(),
			vec![
				Event::ValidatorAdded { who: 5 },
				Event::ValidatorRemoved { who: 1 },
				Event::ValidatorAdded { who: 8 },
				Event::NewValidatorSetPlanned {
					session: 3,
					validators: vec![2, 3, 4, 5, 8],
					missing_keys: vec![8]
				},
			]
		);
	});
}

#[test]
fn new_session_returns_none_while_nothing_changes() {
	ExtBuilder::default().build().execute_with(|| {
		run_to_session(4);
		assert!(planned().is_empty());
		assert_eq!(Rotations::get(), 4);
		assert!(!LastChanged::get());
		assert_eq!(active(), vec![1, 2, 3, 4]);
		assert_eq!(<ValidatorSet as SessionManager<u64>>::new_session(6), None);

		// A change makes the next call return the set, once.
		assert_ok!(ValidatorSet::add_validator(council(), 5));
		assert_eq!(
			<ValidatorSet as SessionManager<u64>>::new_session(6),
			Some(vec![1, 2, 3, 4, 5])
		);
		assert_eq!(<ValidatorSet as SessionManager<u64>>::new_session(7), None);
	});
}

// ---------------------------------------------------------------------------------------------
// Session keys
// ---------------------------------------------------------------------------------------------

#[test]
fn a_validator_without_session_keys_is_skipped_until_it_registers_them() {
	ExtBuilder::default().build().execute_with(|| {
		// Session 0: the council adds 6, which has not registered session keys.
		assert_ok!(ValidatorSet::add_validator(council(), 6));

		// Planned for session 2, but pallet-session skips 6.
		run_to_session(1);
		assert_eq!(planned(), vec![(2, vec![1, 2, 3, 4, 6], vec![6])]);
		assert_eq!(queued(), vec![1, 2, 3, 4]);
		assert_eq!(PlannedWithoutKeys::<Test>::get().into_inner(), vec![6]);
		run_to_session(2);
		assert_eq!(active(), vec![1, 2, 3, 4]);
		assert_eq!(ValidatorSet::validators(), vec![1, 2, 3, 4, 6]);

		// Nothing changes while 6 has no keys: no new plan.
		run_to_session(3);
		assert_eq!(planned().len(), 1);
		assert_eq!(active(), vec![1, 2, 3, 4]);

		// During session 3, 6 registers its keys: planned at the start of session 4 ...
		run_to_block(17);
		assert_ok!(pallet_session::Pallet::<Test>::set_keys(
			RuntimeOrigin::signed(6),
			keys_of(6),
			set_keys_proof(6)
		));
		run_to_session(4);
		assert_eq!(planned().last(), Some(&(5, vec![1, 2, 3, 4, 6], vec![])));
		assert_eq!(queued(), vec![1, 2, 3, 4, 6]);
		assert_eq!(active(), vec![1, 2, 3, 4]);
		assert!(PlannedWithoutKeys::<Test>::get().is_empty());

		// ... and active from session 5, as if it had been added in session 3.
		run_to_session(5);
		assert_eq!(active(), vec![1, 2, 3, 4, 6]);
		assert_eq!(ActiveValidators::get(), vec![1, 2, 3, 4, 6]);
		assert_eq!(planned().len(), 2);
	});
}

#[test]
fn a_validator_that_purges_its_keys_is_dropped_by_pallet_session() {
	ExtBuilder::default().validators(vec![1, 2, 3, 4, 5]).build().execute_with(|| {
		run_to_block(3);
		assert_ok!(pallet_session::Pallet::<Test>::purge_keys(RuntimeOrigin::signed(5)));

		// The set of this pallet is unchanged (the minimum counts it), but the next plan lists
		// 5 as missing keys and pallet-session leaves it out from session 2.
		run_to_session(1);
		assert_eq!(planned(), vec![(2, vec![1, 2, 3, 4, 5], vec![5])]);
		run_to_session(2);
		assert_eq!(active(), vec![1, 2, 3, 4]);
		assert_eq!(ValidatorSet::validators(), vec![1, 2, 3, 4, 5]);
	});
}

#[test]
fn genesis_session_planning_uses_this_pallets_set_not_session_keys() {
	// Account 5 has session keys at genesis but is not a validator.
	ExtBuilder::default().build().execute_with(|| {
		assert!(pallet_session::NextKeys::<Test>::contains_key(5));
		assert_eq!(active(), vec![1, 2, 3, 4]);
		run_to_session(3);
		assert_eq!(active(), vec![1, 2, 3, 4]);
	});
}

#[test]
#[should_panic(expected = "pallet-session's genesis ran before validatorSet's")]
fn genesis_panics_if_pallet_session_is_built_before_this_pallet() {
	// What a runtime listing this pallet after `Session` in `construct_runtime!` would do.
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: ENDOWED.iter().map(|&who| (who, 100 * KEY_DEPOSIT)).collect(),
		dev_accounts: None,
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	pallet_session::GenesisConfig::<Test> {
		keys: vec![(1, 1, keys_of(1)), (2, 2, keys_of(2))],
		non_authority_keys: vec![],
	}
	.assimilate_storage(&mut storage)
	.unwrap();
}

// ---------------------------------------------------------------------------------------------
// Unconfigured (empty) genesis set
// ---------------------------------------------------------------------------------------------

#[test]
fn the_default_genesis_config_builds_and_leaves_the_pallet_unconfigured() {
	let mut ext: polkadot_sdk::sp_io::TestExternalities =
		RuntimeGenesisConfig::default().build_storage().unwrap().into();
	ext.execute_with(|| {
		assert!(ValidatorSet::validators().is_empty());
		assert_eq!(MinValidators::<Test>::get(), MIN_AUTHORITIES);
		assert!(active().is_empty());
	});
}

#[test]
fn an_unconfigured_pallet_takes_over_once_it_has_the_minimum() {
	// Empty genesis set, minimum 2: pallet-session uses its own `session.keys` (1 and 2).
	let storage = RuntimeGenesisConfig {
		system: Default::default(),
		balances: pallet_balances::GenesisConfig {
			balances: ENDOWED.iter().map(|&who| (who, 100 * KEY_DEPOSIT)).collect(),
			dev_accounts: None,
		},
		validator_set: crate::GenesisConfig { validators: vec![], min_validators: 2 },
		session: pallet_session::GenesisConfig {
			keys: vec![(1, 1, keys_of(1)), (2, 2, keys_of(2))],
			non_authority_keys: vec![(3, 3, keys_of(3))],
		},
	}
	.build_storage()
	.unwrap();
	let mut ext = polkadot_sdk::sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		assert_eq!(active(), vec![1, 2]);
		assert_eq!(<ValidatorSet as SessionManager<u64>>::new_session(2), None);

		// One validator is below the minimum of 2: pallet-session's set stays.
		assert_ok!(ValidatorSet::add_validator(council(), 3));
		run_to_session(2);
		assert!(planned().is_empty());
		assert_eq!(active(), vec![1, 2]);
		assert_noop!(ValidatorSet::remove_validator(council(), 3), Error::<Test>::TooFewValidators);

		// Once it has two (added in session 2), its set is planned at the start of session 3
		// for session 4.
		assert_ok!(ValidatorSet::add_validator(council(), 1));
		run_to_session(3);
		assert_eq!(planned(), vec![(4, vec![1, 3], vec![])]);
		run_to_session(4);
		assert_eq!(active(), vec![1, 3]);
		try_state();
	});
}
