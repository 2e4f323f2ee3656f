//! Unit tests of `pallet_issuance` against the mock runtime ([`crate::mock`]).

use crate::{mock::*, Error, Event};
use frame_support::{
	assert_noop, assert_ok,
	traits::{fungible::Inspect, ReservableCurrency},
};
use polkadot_sdk::{frame_support, frame_system, sp_runtime::DispatchError};

fn council() -> RuntimeOrigin {
	RuntimeOrigin::signed(COUNCIL)
}

fn total_issuance() -> u64 {
	<Balances as Inspect<u64>>::total_issuance()
}

#[test]
fn genesis_issuance_is_the_sum_of_balances() {
	new_test_ext().execute_with(|| assert_eq!(total_issuance(), 1_500));
}

#[test]
fn issue_mints_units_into_an_existing_account() {
	new_test_ext().execute_with(|| {
		assert_ok!(Issuance::issue(council(), 1, 500));
		assert_eq!(Balances::free_balance(1), 1_500);
		assert_eq!(total_issuance(), 2_000);
		System::assert_last_event(
			Event::Issued { beneficiary: 1, amount: 500, total_issuance: 2_000 }.into(),
		);
		// An amount below the existential deposit is fine for an account that exists.
		assert_ok!(Issuance::issue(council(), 2, 1));
		assert_eq!(Balances::free_balance(2), 501);
		assert_eq!(total_issuance(), 2_001);
	});
}

#[test]
fn issue_creates_the_beneficiary_account() {
	new_test_ext().execute_with(|| {
		assert!(!System::account_exists(&3));
		assert_ok!(Issuance::issue(council(), 3, ED));
		assert!(System::account_exists(&3));
		assert_eq!(Balances::free_balance(3), ED);
		System::assert_has_event(frame_system::Event::NewAccount { account: 3 }.into());
	});
}

#[test]
fn only_the_issue_origin_issues_and_burns() {
	new_test_ext().execute_with(|| {
		for origin in [RuntimeOrigin::signed(1), RuntimeOrigin::signed(2), RuntimeOrigin::root()] {
			assert_noop!(Issuance::issue(origin.clone(), 1, 100), DispatchError::BadOrigin);
			assert_noop!(Issuance::burn(origin, 1, 100), DispatchError::BadOrigin);
		}
		assert_eq!(total_issuance(), 1_500);
	});
}

#[test]
fn zero_amounts_are_refused() {
	new_test_ext().execute_with(|| {
		assert_noop!(Issuance::issue(council(), 1, 0), Error::<Test>::ZeroAmount);
		assert_noop!(Issuance::burn(council(), 1, 0), Error::<Test>::ZeroAmount);
	});
}

#[test]
fn issue_below_the_existential_deposit_to_a_new_account_is_refused() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			Issuance::issue(council(), 3, ED - 1),
			Error::<Test>::BelowExistentialDeposit
		);
		assert!(!System::account_exists(&3));
	});
}

#[test]
fn issue_that_overflows_is_refused() {
	new_test_ext().execute_with(|| {
		// Fits the account's balance but not the total issuance (1_500 already issued).
		assert_noop!(
			Issuance::issue(council(), 3, u64::MAX - 1_000),
			Error::<Test>::IssuanceOverflow
		);
		assert_noop!(Issuance::issue(council(), 1, u64::MAX), Error::<Test>::IssuanceOverflow);
		assert_eq!(total_issuance(), 1_500);
	});
}

#[test]
fn burn_takes_units_out_of_an_account() {
	new_test_ext().execute_with(|| {
		assert_ok!(Issuance::burn(council(), 1, 300));
		assert_eq!(Balances::free_balance(1), 700);
		assert_eq!(total_issuance(), 1_200);
		System::assert_last_event(
			Event::Burned { who: 1, amount: 300, total_issuance: 1_200 }.into(),
		);
	});
}

#[test]
fn burning_a_whole_balance_removes_the_account() {
	new_test_ext().execute_with(|| {
		assert_ok!(Issuance::burn(council(), 2, 500));
		assert!(!System::account_exists(&2));
		assert_eq!(total_issuance(), 1_000);
		System::assert_has_event(Event::Burned { who: 2, amount: 500, total_issuance: 1_000 }.into());
	});
}

#[test]
fn burn_refuses_more_than_the_free_balance() {
	new_test_ext().execute_with(|| {
		assert_noop!(Issuance::burn(council(), 2, 501), Error::<Test>::InsufficientBalance);
		// An account that does not exist has nothing to burn.
		assert_noop!(Issuance::burn(council(), 3, 1), Error::<Test>::InsufficientBalance);
	});
}

#[test]
fn burn_leaves_held_units_alone() {
	new_test_ext().execute_with(|| {
		// 800 of account 1's 1_000 are reserved (as a storage deposit would be held): the
		// account must keep the existential deposit too, so 200 - ED can be burnt.
		assert_ok!(Balances::reserve(&1, 800));
		assert_noop!(Issuance::burn(council(), 1, 200), Error::<Test>::InsufficientBalance);
		assert_ok!(Issuance::burn(council(), 1, 200 - ED));
		assert_eq!(Balances::free_balance(1), ED);
		assert_eq!(Balances::reserved_balance(1), 800);
		assert_eq!(total_issuance(), 1_500 - (200 - ED));
	});
}

#[test]
fn burn_refuses_to_leave_dust() {
	new_test_ext().execute_with(|| {
		// 500 - 495 = 5 < ED: the account would be removed and 5 units lost unreported.
		assert_noop!(Issuance::burn(council(), 2, 495), Error::<Test>::WouldLeaveDust);
		// Leaving exactly the existential deposit is fine.
		assert_ok!(Issuance::burn(council(), 2, 500 - ED));
		assert_eq!(Balances::free_balance(2), ED);
		assert_eq!(total_issuance(), 1_000 + ED);
	});
}
