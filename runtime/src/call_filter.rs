//! The runtime's `BaseCallFilter`: no plain transfers of the native unit, refused at dispatch and
//! already at transaction validation ([`RefuseFilteredCalls`]); no additional connections to a
//! node from peers outside the well-known nodes ([`OnlyWellKnownConnections`]).

use crate::{RuntimeCall, RuntimeOrigin};
use codec::{Decode, DecodeWithMemTracking, Encode};
use polkadot_sdk::{
	frame_support::{
		pallet_prelude::TransactionSource,
		traits::{Contains, OriginTrait},
	},
	pallet_balances, pallet_node_authorization, pallet_revive,
	sp_runtime::{
		impl_tx_ext_default,
		traits::{DispatchInfoOf, TransactionExtension, ValidateResult},
		transaction_validity::InvalidTransaction,
	},
	sp_weights::Weight,
};
use scale_info::TypeInfo;

/// `InvalidTransaction::Custom` code of a transaction that [`NoPlainTransfers`] refuses: the
/// pool answers `Invalid Transaction` (1010) with `Custom error: 100`, and the node's Ethereum
/// endpoint turns it into [`VALUE_TRANSFER_REFUSED_MESSAGE`].
pub const VALUE_TRANSFER_REFUSED: u8 = 100;

/// What the Ethereum endpoint answers (JSON-RPC error -32003, "transaction rejected", EIP-1474)
/// for a transaction refused with [`VALUE_TRANSFER_REFUSED`].
pub const VALUE_TRANSFER_REFUSED_MESSAGE: &str =
	"value transfers are not allowed on AlstraNet: the native unit pays fees and deposits only (no speculative currency); send the transaction with value 0";

/// Refuses, at transaction validation, a signed transaction (Substrate-signed or Ethereum) whose
/// call [`NoPlainTransfers`] filters: it never enters the pool or a block, so it neither consumes
/// the sender's nonce and fee nor leaves an Ethereum transaction without a pallet-revive receipt
/// in a block (which made the Ethereum endpoint drop the whole block: issue "Ethereum tools").
/// The `BaseCallFilter` stays the rule at dispatch (nested calls, council motions); this
/// extension applies the same rule, [`NoPlainTransfers::contains`], earlier. Error:
/// `InvalidTransaction::Custom(`[`VALUE_TRANSFER_REFUSED`]`)`. No storage access: its weight is
/// a match on the call, counted as zero.
#[derive(Encode, Decode, DecodeWithMemTracking, Clone, Eq, PartialEq, Default, TypeInfo, Debug)]
pub struct RefuseFilteredCalls;

impl TransactionExtension<RuntimeCall> for RefuseFilteredCalls {
	const IDENTIFIER: &'static str = "RefuseFilteredCalls";
	type Implicit = ();
	type Val = ();
	type Pre = ();

	fn weight(&self, _: &RuntimeCall) -> Weight {
		Weight::zero()
	}

	fn validate(
		&self,
		origin: RuntimeOrigin,
		call: &RuntimeCall,
		_info: &DispatchInfoOf<RuntimeCall>,
		_len: usize,
		_self_implicit: Self::Implicit,
		_inherited_implication: &impl Encode,
		_source: TransactionSource,
	) -> ValidateResult<Self::Val, RuntimeCall> {
		if origin.as_signer().is_some() && !NoPlainTransfers::contains(call) {
			return Err(InvalidTransaction::Custom(VALUE_TRANSFER_REFUSED).into());
		}
		Ok((Default::default(), (), origin))
	}
	impl_tx_ext_default!(RuntimeCall; prepare);
}

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

impl Contains<RuntimeCall> for NoPlainTransfers {
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

/// Node permissioning without a loophole (Alastria MEMB_001, issue "chain operations"):
/// `NodeAuthorization::add_connections(node, connections)` lets the owner of a well-known node
/// admit further PeerIds to its node, so a member alone could let outsiders sync the chain. This
/// filter allows it only when every PeerId in `connections` is itself a well-known node (which
/// the council admitted); anything else fails with `frame_system::Error::CallFiltered`. Owners
/// keep `remove_connections`, and connections among well-known nodes, which their peer sets
/// already allow. Root bypasses the filter. One storage read (`WellKnownNodes`) for this call
/// only.
pub struct OnlyWellKnownConnections;

impl Contains<RuntimeCall> for OnlyWellKnownConnections {
	fn contains(call: &RuntimeCall) -> bool {
		match call {
			RuntimeCall::NodeAuthorization(pallet_node_authorization::Call::add_connections {
				connections, ..
			}) => {
				let known = pallet_node_authorization::WellKnownNodes::<crate::Runtime>::get();
				connections.iter().all(|peer| known.contains(peer))
			},
			_ => true,
		}
	}
}
