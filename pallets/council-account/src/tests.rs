//! Unit tests of the council account: only the council origin acts for it, the inner call runs
//! signed by the account (and so passes the runtime's call filter like any signed call), its
//! error is the motion's error and nothing of a failed inner call is kept, weights add up.

use crate::{mock::*, Error, Event};
use frame_support::{
	assert_noop, assert_ok,
	dispatch::{GetDispatchInfo, Pays},
	PalletId,
};
use polkadot_sdk::{
	frame_support, frame_system, pallet_balances,
	sp_runtime::{
		traits::{AccountIdConversion, BlakeTwo256, Convert, Hash},
		ArithmeticError, DispatchError,
	},
};

fn transfer_all_to(dest: u64) -> RuntimeCall {
	RuntimeCall::Balances(pallet_balances::Call::transfer_allow_death { dest, value: 400 })
}

#[test]
fn the_account_is_derived_from_the_pallet_id_and_is_no_member() {
	new_test_ext().execute_with(|| {
		let account = CouncilAccount::account_id();
		let derived: u64 = PalletId(*b"alstr/cl").into_account_truncating();
		assert_eq!(account, derived);
		assert_ne!(account, COUNCIL);
		assert_ne!(account, 1);
		assert_eq!(CouncilAccount::evm_address(), LowBytes::convert(account));
	});
}

#[test]
fn the_council_dispatches_as_its_account() {
	new_test_ext().execute_with(|| {
		let account = CouncilAccount::account_id();
		let call = transfer_all_to(7);
		let hash = BlakeTwo256::hash_of(&call);
		assert_ok!(CouncilAccount::dispatch(RuntimeOrigin::signed(COUNCIL), Box::new(call)));
		// The council account paid, not the member that stands for the council.
		assert_eq!(Balances::free_balance(account), COUNCIL_ACCOUNT_BALANCE - 400);
		assert_eq!(Balances::free_balance(7), 400);
		assert_eq!(Balances::free_balance(COUNCIL), 0);
		System::assert_last_event(Event::Dispatched { call_hash: hash }.into());
		// The inner call's own event names the council account as the sender.
		assert!(System::events().iter().any(|r| r.event ==
			RuntimeEvent::Balances(pallet_balances::Event::Transfer { from: account, to: 7, amount: 400 })));
	});
}

#[test]
fn anyone_else_is_refused() {
	new_test_ext().execute_with(|| {
		for origin in [RuntimeOrigin::signed(1), RuntimeOrigin::signed(CouncilAccount::account_id()), RuntimeOrigin::none()] {
			assert_noop!(
				CouncilAccount::dispatch(origin, Box::new(transfer_all_to(7))),
				DispatchError::BadOrigin
			);
		}
		assert_eq!(Balances::free_balance(7), 0);
	});
}

#[test]
fn the_inner_error_is_the_motions_error_and_nothing_is_kept() {
	new_test_ext().execute_with(|| {
		// More than the account has: the balances pallet's error comes through unchanged.
		let call = RuntimeCall::Balances(pallet_balances::Call::transfer_allow_death { dest: 7, value: 5_000 });
		let err = CouncilAccount::dispatch(RuntimeOrigin::signed(COUNCIL), Box::new(call)).unwrap_err();
		// pallet-balances' own error for a transfer above the free balance.
		assert_eq!(err.error, DispatchError::Arithmetic(ArithmeticError::Underflow));
		assert_eq!(Balances::free_balance(CouncilAccount::account_id()), COUNCIL_ACCOUNT_BALANCE);
		assert!(System::events().is_empty(), "no event of a failed dispatch: {:?}", System::events());
	});
}

#[test]
fn the_inner_call_passes_the_call_filter() {
	new_test_ext().execute_with(|| {
		let call = RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive { dest: 7, value: 10 });
		let err = CouncilAccount::dispatch(RuntimeOrigin::signed(COUNCIL), Box::new(call)).unwrap_err();
		assert_eq!(err.error, frame_system::Error::<Test>::CallFiltered.into());
		assert_eq!(Balances::free_balance(7), 0);
	});
}

#[test]
fn nesting_is_refused() {
	new_test_ext().execute_with(|| {
		let inner = RuntimeCall::CouncilAccount(crate::Call::dispatch { call: Box::new(transfer_all_to(7)) });
		assert_noop!(
			CouncilAccount::dispatch(RuntimeOrigin::signed(COUNCIL), Box::new(inner)),
			Error::<Test>::NestedDispatch
		);
	});
}

#[test]
fn the_weight_is_the_overhead_plus_the_inner_call() {
	use crate::WeightInfo;
	new_test_ext().execute_with(|| {
		let inner = transfer_all_to(7);
		let inner_weight = inner.get_dispatch_info().call_weight;
		let outer = RuntimeCall::CouncilAccount(crate::Call::dispatch { call: Box::new(inner.clone()) });
		let info = outer.get_dispatch_info();
		assert_eq!(info.call_weight, <() as WeightInfo>::dispatch() + inner_weight);
		assert_eq!(info.pays_fee, Pays::Yes);
		let post = CouncilAccount::dispatch(RuntimeOrigin::signed(COUNCIL), Box::new(inner)).unwrap();
		assert_eq!(post.actual_weight, Some(<() as WeightInfo>::dispatch() + inner_weight));
	});
}
