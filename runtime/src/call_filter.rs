//! The runtime's `BaseCallFilter`: no plain transfers of the native unit.

use crate::RuntimeCall;
use polkadot_sdk::{frame_support, pallet_balances, pallet_revive};

/// No speculative currency (Alastria requirement): the native unit pays fees and storage
/// deposits but does not move between accounts. `frame_system::Config::BaseCallFilter` refuses
/// (error `frame_system::Error::CallFiltered`) for signed, council and Ethereum origins:
/// - `Balances::transfer_allow_death`, `transfer_keep_alive`, `transfer_all`;
/// - `Revive::call`, `instantiate`, `instantiate_with_code`, `eth_call` and
///   `eth_instantiate_with_code` with a non-zero `value` (an Ethereum transaction that sends
///   value, to an account or to a payable contract).
/// Everything else is allowed, including contract calls without value. New units are issued to
/// members by the council through `Issuance` (pallet-issuance). Root (the `dev` sudo key)
/// bypasses the filter, as in every FRAME runtime, and may `force_transfer`/`force_set_balance`.
/// Nested calls (`Revive::eth_substrate_call`, council motions) are filtered when they dispatch.
pub struct NoPlainTransfers;

impl frame_support::traits::Contains<RuntimeCall> for NoPlainTransfers {
	fn contains(call: &RuntimeCall) -> bool {
		use pallet_balances::Call as B;
		use pallet_revive::Call as R;
		match call {
			RuntimeCall::Balances(
				B::transfer_allow_death { .. } | B::transfer_keep_alive { .. } | B::transfer_all { .. },
			) => false,
			RuntimeCall::Revive(
				R::call { value, .. } |
				R::instantiate { value, .. } |
				R::instantiate_with_code { value, .. },
			) => *value == 0,
			RuntimeCall::Revive(
				R::eth_call { value, .. } | R::eth_instantiate_with_code { value, .. },
			) => value.is_zero(),
			_ => true,
		}
	}
}
