//! The attestation runtime API: what a validator's node reads to sign (the subjects its key owes,
//! with their digests) and what a relayer reads to submit a batch or handover to L1 (the message,
//! the committee and the signatures, sorted by signer as `RollupManager` requires).

use crate::{Address, EthSignature, L1TargetInfo, Subject};
use alloc::vec::Vec;
use codec::{Decode, Encode};
use scale_info::TypeInfo;

/// A subject's signatures as L1 takes them.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct Attestation {
	/// The EIP-712 digest signed.
	pub digest: [u8; 32],
	/// The committee that signs it (L1's `validatorSetId` it must be submitted under).
	pub committee: u64,
	/// Signatures needed (the committee's supermajority).
	pub threshold: u32,
	/// `(signer, signature)` collected so far, ascending by signer.
	pub signatures: Vec<(Address, EthSignature)>,
}

polkadot_sdk::sp_api::decl_runtime_apis! {
	/// Committees and attestations of the attestation pallet.
	pub trait AttestationApi {
		/// The L1 chain and `RollupManager` the validators sign for.
		fn l1_target() -> Option<L1TargetInfo>;
		/// The current committee's id.
		fn current_committee() -> u64;
		/// Committee `id`'s members (addresses ascending), if it exists.
		fn committee(id: u64) -> Option<Vec<Address>>;
		/// What has been collected for `subject` (`None`: no L1 target, unknown, its seal hash
		/// not recorded yet, or finalized on L1).
		fn attestation(subject: Subject) -> Option<Attestation>;
		/// The subjects that the member with attestation address `signer` has still to sign,
		/// with their digests (handovers first, then batches in order; at most `limit`).
		fn pending(signer: Address, limit: u32) -> Vec<(Subject, [u8; 32])>;
	}
}
