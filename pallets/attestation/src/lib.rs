//! # Attestation pallet
//!
//! What Ethereum L1 trusts about AlstraNet beyond the validity proof: the consortium's
//! validators sign, with EIP-712, every sealed rollup batch header and every change of their own
//! set, and L1's `RollupManager` (`contracts/l1/src/ValidatorCommittee.sol`) accepts a batch only
//! with the signatures of a supermajority of its current validator set. This pallet is the
//! chain side of that committee:
//!
//! - [`Config`]
//! - [`Call`]
//! - [`Pallet`]
//!
//! ## Attestation keys and committees
//!
//! Each validator holds an **attestation key** (secp256k1, key type [`crypto::KEY_TYPE`] `attn`)
//! as one of its session keys (`session.set_keys`, with the proof of possession
//! `author_rotateKeys` produces); its Ethereum address (keccak of the uncompressed public key,
//! as `ecrecover` sees it) is what L1 knows. As a [`OneSessionHandler`], this pallet sees the
//! active validators' keys at every session start: when their set of addresses changes, a new
//! **committee** is recorded ([`Committees`], ids from 0 at genesis, +1 per change; the
//! addresses sorted ascending) with the block it starts at, and [`Event::CommitteeChanged`].
//! Committee ids are the `setId`s of L1's `ValidatorCommittee` (`RollupManager` is deployed with
//! the chain's current committee and its id).
//!
//! ## What is signed, and by whom
//!
//! The messages are `alstra_bpm_core::proof::l1`'s, in the domain set by governance
//! ([`L1Target`]: the L1 chain id and the `RollupManager` address; [`Call::set_l1_target`]):
//! - **batch `n`**: its header as L1 takes it (number, roots, commitment, sealing block number and
//!   hash). Signed by the committee active at the block that sealed it (the last committee
//!   whose start block is at most `sealed_at`). The sealing block's hash is recorded here in
//!   the next block's `on_initialize` ([`SealHashes`]); a batch can be attested from then on.
//! - **handover to committee `k`**: `ValidatorSetChange(k, members of k)`, signed by committee
//!   `k - 1` (whose members are still validators when `k` starts: a validator-set change takes
//!   effect two sessions after the council's motion, see `pallet_validator_set`).
//!
//! A validator's node signs what it sees in **finalized** blocks only (the node's attester,
//! `node/src/attester.rs`) and sends the signature in the unsigned extrinsic [`Call::attest`].
//! The runtime recovers the signer from the signature over the digest it computes itself, and
//! accepts it only from a member of the right committee, once per member and subject, with a
//! canonical signature that L1's OpenZeppelin `ECDSA` accepts too (`v` 27 or 28, low `s`).
//! Signatures are kept sorted by signer ([`BatchSignatures`], [`HandoverSignatures`]), the
//! order `RollupManager` requires; [`Event::QuorumReached`] marks the one that completes the
//! supermajority (`proof::l1::supermajority`, GRANDPA's threshold). A relayer reads them with
//! [`runtime_api::AttestationApi`] and submits them with the batch's proof.
//!
//! Attestations that no longer matter are refused in the pool as stale: batches finalized on
//! L1; and their signatures are pruned, one finalized batch per block ([`PrunedBatches`]).
//! Changing the L1 target (a new `RollupManager`) invalidates what was signed for the old one:
//! signatures are stored with the target they were checked against, and a subject signed for
//! another target starts afresh.
//!
//! Unsigned extrinsics are validated with `ValidateUnsigned`, as `pallet-grandpa` and
//! `pallet-beefy` of this SDK do; it moves to `#[pallet::authorize]` once the runtime's
//! transaction extensions include `frame_system::AuthorizeCall`.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
pub mod runtime_api;
#[cfg(test)]
mod tests;
pub mod weights;

pub use pallet::*;
pub use weights::WeightInfo;

use alloc::vec::Vec;
use alstra_bpm_core::proof::l1::{self as messages, Address, BatchHeaderMessage, Domain};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use polkadot_sdk::{frame_support, frame_system, sp_core, sp_io, sp_runtime};
use scale_info::TypeInfo;

/// The attestation key: an application-specific secp256k1 key in the validator's keystore.
pub mod crypto {
	use polkadot_sdk::sp_application_crypto::{app_crypto, ecdsa, KeyTypeId};

	/// Key type of attestation keys in the keystore (`author_insertKey` type `attn`).
	pub const KEY_TYPE: KeyTypeId = KeyTypeId(*b"attn");

	app_crypto!(ecdsa, KEY_TYPE);
}

/// A validator's attestation public key (33-byte compressed secp256k1).
pub type AttestationId = crypto::Public;

/// The Ethereum address of an attestation key, `None` if it is not a valid curve point.
pub fn address_of(key: &AttestationId) -> Option<Address> {
	use frame_support::crypto::ecdsa::ECDSAExt;
	sp_core::ecdsa::Public::from(key.clone()).to_eth_address().ok()
}

/// The L1 contract the validators sign for: the EIP-712 domain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub struct L1TargetInfo {
	/// EIP-155 chain id of the L1.
	pub chain_id: u64,
	/// Address of `RollupManager` there.
	pub rollup_manager: Address,
}

impl From<L1TargetInfo> for Domain {
	fn from(t: L1TargetInfo) -> Domain {
		Domain { chain_id: t.chain_id, verifying_contract: t.rollup_manager }
	}
}

/// What an attestation is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub enum Subject {
	/// The header of sealed batch `n`.
	Batch(u64),
	/// The handover from committee `k - 1` to committee `k`.
	Handover(u64),
}

/// A 65-byte Ethereum signature `r || s || v` with `v` 27 or 28.
pub type EthSignature = [u8; 65];

/// The order of secp256k1's group, big-endian; a canonical signature has `s <= N / 2`
/// (EIP-2, OpenZeppelin `ECDSA`).
const SECP256K1_HALF_N: [u8; 32] = [
	0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x5d, 0x57, 0x6e,
	0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0,
];

/// An attestation ready to be checked: the signer and the signature list it joins.
struct Checked {
	signer: Address,
	committee: u64,
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;
	use sp_runtime::traits::Saturating;

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	/// The attestation pallet.
	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Configuration of the pallet.
	#[pallet::config]
	pub trait Config:
		polkadot_sdk::frame_system::Config<RuntimeEvent: From<Event<Self>>> + pallet_rollup::Config
	{
		/// Largest committee (the validator set's maximum; L1's `MAX_VALIDATORS` is 100).
		#[pallet::constant]
		type MaxCommittee: Get<u32>;
		/// Who sets the L1 target (a council motion; `sudo` on a dev chain).
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// Priority of attestations in the transaction pool.
		#[pallet::constant]
		type UnsignedPriority: Get<TransactionPriority>;
		/// Weights of this pallet.
		type WeightInfo: WeightInfo;
	}

	/// A committee: its members' attestation addresses (sorted ascending) and its first block.
	#[derive(CloneNoBound, frame_support::DebugNoBound, PartialEqNoBound, EqNoBound, Encode, Decode, MaxEncodedLen, TypeInfo)]
	#[scale_info(skip_type_params(T))]
	pub struct Committee<T: Config> {
		/// The members' Ethereum addresses, ascending.
		pub members: BoundedVec<Address, T::MaxCommittee>,
		/// The block from which it signs sealed batches.
		pub since: BlockNumberFor<T>,
	}

	/// Signatures collected for one subject, with the L1 target they were checked against.
	#[derive(CloneNoBound, frame_support::DebugNoBound, PartialEqNoBound, EqNoBound, Encode, Decode, MaxEncodedLen, TypeInfo)]
	#[scale_info(skip_type_params(T))]
	pub struct Signatures<T: Config> {
		/// The domain of the signed digest.
		pub target: L1TargetInfo,
		/// The committee that signs.
		pub committee: u64,
		/// `(signer, signature)`, ascending by signer.
		pub signatures: BoundedVec<(Address, EthSignature), T::MaxCommittee>,
	}

	/// The L1 chain and contract the validators sign for.
	#[pallet::storage]
	pub type L1Target<T: Config> = StorageValue<_, L1TargetInfo>;

	/// Committees by id (0: the genesis validators).
	#[pallet::storage]
	pub type Committees<T: Config> = StorageMap<_, Twox64Concat, u64, Committee<T>>;

	/// Id of the current committee.
	#[pallet::storage]
	pub type CurrentCommittee<T: Config> = StorageValue<_, u64, ValueQuery>;

	/// Each sealed batch's sealing block hash (recorded in the block after the seal).
	#[pallet::storage]
	pub type SealHashes<T: Config> = StorageMap<_, Twox64Concat, u64, T::Hash>;

	/// The first batch whose sealing block hash is not recorded yet.
	#[pallet::storage]
	pub type NextSealHash<T: Config> = StorageValue<_, u64, ValueQuery, pallet_rollup::FirstBatch>;

	/// The batches whose signatures are pruned: `1..PrunedBatches` are finalized on L1.
	#[pallet::storage]
	pub type PrunedBatches<T: Config> = StorageValue<_, u64, ValueQuery, pallet_rollup::FirstBatch>;

	/// Signatures of batch headers.
	#[pallet::storage]
	pub type BatchSignatures<T: Config> = StorageMap<_, Twox64Concat, u64, Signatures<T>>;

	/// Signatures of handovers, by the id of the committee handed over to.
	#[pallet::storage]
	pub type HandoverSignatures<T: Config> = StorageMap<_, Twox64Concat, u64, Signatures<T>>;

	/// Events of this pallet.
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// Governance set the L1 chain and contract the validators sign for.
		L1TargetSet {
			/// The target.
			target: L1TargetInfo,
		},
		/// The active validators' attestation keys changed: committee `id` starts.
		CommitteeChanged {
			/// Its id (L1's `validatorSetId`).
			id: u64,
			/// Its members' addresses, ascending.
			members: Vec<Address>,
		},
		/// A committee member's signature was accepted.
		Attested {
			/// What it signed.
			subject: Subject,
			/// The member's address.
			signer: Address,
			/// Signatures collected for the subject so far.
			signatures: u32,
		},
		/// The subject has the supermajority L1 requires (emitted once, with the signature that
		/// completes it).
		QuorumReached {
			/// The subject.
			subject: Subject,
			/// The committee that signed it.
			committee: u64,
		},
	}

	/// Errors of this pallet.
	#[pallet::error]
	pub enum Error<T> {
		/// No L1 target is set: nothing can be signed yet.
		NoL1Target,
		/// No such sealed batch.
		UnknownBatch,
		/// The batch's sealing block hash is recorded in the block after the seal.
		SealHashNotRecorded,
		/// The batch is finalized on L1.
		BatchFinalized,
		/// No such committee.
		UnknownCommittee,
		/// Not a canonical Ethereum signature (`v` 27 or 28, low `s`), or no key recovers from it.
		InvalidSignature,
		/// The signer is not a member of the committee that must sign this subject.
		NotCommitteeMember,
		/// This member already attested this subject.
		AlreadyAttested,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Records the hash of the previous block for the batches it sealed, and prunes the
		/// signatures of one batch finalized on L1.
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			let mut recorded = 0u32;
			let parent = now.saturating_sub(1u32.into());
			let parent_hash = frame_system::Pallet::<T>::parent_hash();
			let mut next = NextSealHash::<T>::get();
			while let Some(header) = pallet_rollup::Batches::<T>::get(next) {
				if header.sealed_at >= now {
					// sealed in this block's `on_initialize` before this one ran: next block
					break;
				}
				if header.sealed_at != parent {
					// sealed in an earlier block whose hash was missed: only possible for
					// batches sealed before this pallet was added; the block hash is still
					// in `frame_system::BlockHash` then
					let hash = frame_system::Pallet::<T>::block_hash(header.sealed_at);
					SealHashes::<T>::insert(next, hash);
				} else {
					SealHashes::<T>::insert(next, parent_hash);
				}
				next += 1;
				recorded += 1;
			}
			NextSealHash::<T>::put(next);
			let pruned = Self::prune_one();
			<T as Config>::WeightInfo::on_initialize(recorded, pruned as u32)
		}

		fn integrity_test() {
			assert!(T::MaxCommittee::get() > 0, "MaxCommittee must not be zero");
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Sets the L1 chain and `RollupManager` the validators sign for. Origin:
		/// [`Config::GovernanceOrigin`]. Signatures collected for another target count no more.
		///
		/// Emits [`Event::L1TargetSet`].
		#[pallet::call_index(0)]
		#[pallet::weight(<T as Config>::WeightInfo::set_l1_target())]
		pub fn set_l1_target(origin: OriginFor<T>, target: L1TargetInfo) -> DispatchResult {
			<T as Config>::GovernanceOrigin::ensure_origin(origin)?;
			L1Target::<T>::put(target);
			Self::deposit_event(Event::L1TargetSet { target });
			Ok(())
		}

		/// A committee member's signature of `subject` (unsigned: sent by the member's node,
		/// checked by recovering the signer from `signature` over the digest computed here).
		///
		/// Errors: [`Error::NoL1Target`], [`Error::UnknownBatch`], [`Error::SealHashNotRecorded`],
		/// [`Error::BatchFinalized`], [`Error::UnknownCommittee`], [`Error::InvalidSignature`],
		/// [`Error::NotCommitteeMember`], [`Error::AlreadyAttested`].
		///
		/// Emits [`Event::Attested`], and [`Event::QuorumReached`] with the signature that
		/// completes the supermajority.
		#[pallet::call_index(1)]
		#[pallet::weight(<T as Config>::WeightInfo::attest())]
		pub fn attest(origin: OriginFor<T>, subject: Subject, signature: EthSignature) -> DispatchResult {
			ensure_none(origin)?;
			let checked = Self::check(subject, &signature)?;
			Self::record(subject, checked, signature);
			Ok(())
		}
	}

	// `ValidateUnsigned` is deprecated in favour of `#[pallet::authorize]`, which needs
	// `frame_system::AuthorizeCall` among the runtime's transaction extensions (module docs).
	#[allow(deprecated)]
	#[pallet::validate_unsigned]
	impl<T: Config> ValidateUnsigned for Pallet<T> {
		type Call = Call<T>;

		fn validate_unsigned(_source: TransactionSource, call: &Self::Call) -> TransactionValidity {
			let Call::attest { subject, signature } = call else {
				return InvalidTransaction::Call.into();
			};
			let checked = Self::check(*subject, signature).map_err(|e| match e {
				Error::<T>::BatchFinalized | Error::<T>::AlreadyAttested => InvalidTransaction::Stale,
				Error::<T>::SealHashNotRecorded => InvalidTransaction::Future,
				Error::<T>::InvalidSignature | Error::<T>::NotCommitteeMember => InvalidTransaction::BadProof,
				// the pallet error's index, as in the metadata
				other => InvalidTransaction::Custom(other.encode()[0]),
			})?;
			ValidTransaction::with_tag_prefix("AlstraAttestation")
				.priority(T::UnsignedPriority::get())
				.and_provides((*subject, checked.signer))
				.longevity(64)
				.propagate(true)
				.build()
		}
	}

	impl<T: Config> Pallet<T> {
		/// The digest of `subject` that its committee signs, with that committee's id.
		///
		/// Errors: [`Error::NoL1Target`], [`Error::UnknownBatch`],
		/// [`Error::SealHashNotRecorded`], [`Error::BatchFinalized`],
		/// [`Error::UnknownCommittee`].
		pub fn digest(subject: Subject) -> Result<([u8; 32], u64), Error<T>> {
			let domain: Domain = L1Target::<T>::get().ok_or(Error::<T>::NoL1Target)?.into();
			match subject {
				Subject::Batch(n) => {
					let message = Self::batch_message(n)?;
					let header = pallet_rollup::Batches::<T>::get(n).ok_or(Error::<T>::UnknownBatch)?;
					ensure!(header.status != pallet_rollup::BatchStatus::Finalized, Error::<T>::BatchFinalized);
					let committee = Self::committee_at(header.sealed_at).ok_or(Error::<T>::UnknownCommittee)?;
					Ok((message.digest(&domain), committee))
				},
				Subject::Handover(k) => {
					ensure!(k > 0, Error::<T>::UnknownCommittee);
					let next = Committees::<T>::get(k).ok_or(Error::<T>::UnknownCommittee)?;
					Ok((messages::validator_set_change_digest(&domain, k, &next.members), k - 1))
				},
			}
		}

		/// Batch `n`'s header as L1 takes it. Errors: [`Error::UnknownBatch`],
		/// [`Error::SealHashNotRecorded`].
		pub fn batch_message(n: u64) -> Result<BatchHeaderMessage, Error<T>> {
			use sp_runtime::SaturatedConversion;
			let header = pallet_rollup::Batches::<T>::get(n).ok_or(Error::<T>::UnknownBatch)?;
			let hash = SealHashes::<T>::get(n).ok_or(Error::<T>::SealHashNotRecorded)?;
			let mut sealed_at_hash = [0u8; 32];
			sealed_at_hash.copy_from_slice(hash.as_ref());
			Ok(BatchHeaderMessage {
				number: header.number,
				old_root: header.old_root,
				new_root: header.new_root,
				definitions_root: header.defs_root,
				commitment: header.commitment,
				sealed_at: header.sealed_at.saturated_into::<u32>(),
				sealed_at_hash,
			})
		}

		/// The id of the committee active at `block`: the last one that started at or before it.
		pub fn committee_at(block: BlockNumberFor<T>) -> Option<u64> {
			let mut id = CurrentCommittee::<T>::get();
			loop {
				let c = Committees::<T>::get(id)?;
				if c.since <= block {
					return Some(id);
				}
				id = id.checked_sub(1)?;
			}
		}

		/// The signatures collected for `subject` that count for the current L1 target.
		pub fn signatures(subject: Subject) -> Option<Signatures<T>> {
			let stored = match subject {
				Subject::Batch(n) => BatchSignatures::<T>::get(n),
				Subject::Handover(k) => HandoverSignatures::<T>::get(k),
			}?;
			(Some(stored.target) == L1Target::<T>::get()).then_some(stored)
		}

		/// What has been collected for `subject` for the current L1 target (`None`: no target,
		/// an unknown subject, a seal hash not recorded yet, a batch finalized on L1).
		pub fn attestation(subject: Subject) -> Option<runtime_api::Attestation> {
			let (digest, committee) = Self::digest(subject).ok()?;
			let members = Committees::<T>::get(committee)?.members.len() as u32;
			Some(runtime_api::Attestation {
				digest,
				committee,
				threshold: messages::supermajority(members),
				signatures: Self::signatures(subject).map(|s| s.signatures.into_inner()).unwrap_or_default(),
			})
		}

		/// The subjects that the member with attestation address `signer` has still to sign:
		/// handovers its committee owes, then unfinalized batches of its committees (at most
		/// `limit`), each with its digest.
		pub fn pending_for(signer: Address, limit: u32) -> Vec<(Subject, [u8; 32])> {
			let mut out = Vec::new();
			let current = CurrentCommittee::<T>::get();
			let member = |committee: u64| {
				Committees::<T>::get(committee).is_some_and(|c| c.members.binary_search(&signer).is_ok())
			};
			let signed = |subject: Subject| {
				Self::signatures(subject)
					.is_some_and(|s| s.signatures.binary_search_by(|(a, _)| a.cmp(&signer)).is_ok())
			};
			for k in 1..=current {
				if out.len() as u32 >= limit {
					return out;
				}
				if member(k - 1) && !signed(Subject::Handover(k)) {
					if let Ok((digest, _)) = Self::digest(Subject::Handover(k)) {
						out.push((Subject::Handover(k), digest));
					}
				}
			}
			let mut n = PrunedBatches::<T>::get();
			while (out.len() as u32) < limit && n < NextSealHash::<T>::get() {
				if let Ok((digest, committee)) = Self::digest(Subject::Batch(n)) {
					if member(committee) && !signed(Subject::Batch(n)) {
						out.push((Subject::Batch(n), digest));
					}
				}
				n += 1;
			}
			out
		}

		/// Checks an attestation: recovers the signer and checks it against the subject's
		/// committee and the signatures already collected.
		fn check(subject: Subject, signature: &EthSignature) -> Result<Checked, Error<T>> {
			let (digest, committee) = Self::digest(subject)?;
			let signer = recover(signature, &digest).ok_or(Error::<T>::InvalidSignature)?;
			let members = Committees::<T>::get(committee).ok_or(Error::<T>::UnknownCommittee)?.members;
			ensure!(members.binary_search(&signer).is_ok(), Error::<T>::NotCommitteeMember);
			if let Some(s) = Self::signatures(subject) {
				ensure!(
					s.signatures.binary_search_by(|(a, _)| a.cmp(&signer)).is_err(),
					Error::<T>::AlreadyAttested
				);
			}
			Ok(Checked { signer, committee })
		}

		fn record(subject: Subject, checked: Checked, signature: EthSignature) {
			let target = L1Target::<T>::get().expect("checked");
			let fresh =
				Signatures::<T> { target, committee: checked.committee, signatures: BoundedVec::default() };
			let mut s = Self::signatures(subject).unwrap_or(fresh);
			let at = s.signatures.binary_search_by(|(a, _)| a.cmp(&checked.signer)).unwrap_or_else(|i| i);
			// a committee has at most MaxCommittee members, each signs once
			let _ = s.signatures.try_insert(at, (checked.signer, signature));
			let count = s.signatures.len() as u32;
			let members = Committees::<T>::get(checked.committee).map(|c| c.members.len() as u32).unwrap_or(0);
			match subject {
				Subject::Batch(n) => BatchSignatures::<T>::insert(n, s),
				Subject::Handover(k) => HandoverSignatures::<T>::insert(k, s),
			}
			Self::deposit_event(Event::Attested { subject, signer: checked.signer, signatures: count });
			if count == messages::supermajority(members) {
				Self::deposit_event(Event::QuorumReached { subject, committee: checked.committee });
			}
		}

		/// Prunes the signatures of the next batch if it is finalized on L1; whether it did.
		fn prune_one() -> bool {
			let n = PrunedBatches::<T>::get();
			match pallet_rollup::Batches::<T>::get(n) {
				Some(h) if h.status == pallet_rollup::BatchStatus::Finalized => {
					BatchSignatures::<T>::remove(n);
					PrunedBatches::<T>::put(n + 1);
					true
				},
				_ => false,
			}
		}

		/// Records the committee of `keys` if it differs from the current one (or if there is
		/// none yet), starting at the current block.
		pub(crate) fn new_committee<'a>(keys: impl Iterator<Item = &'a AttestationId>) {
			let mut members: Vec<Address> = keys
				.filter_map(|k| {
					let a = address_of(k);
					if a.is_none() {
						log::error!(target: "runtime::attestation", "attestation key {k:?} is not a secp256k1 point: left out");
					}
					a
				})
				.collect();
			members.sort();
			members.dedup();
			let current = CurrentCommittee::<T>::get();
			let existing = Committees::<T>::get(current);
			if existing.as_ref().is_some_and(|c| c.members.as_slice() == members.as_slice()) {
				return;
			}
			let max = T::MaxCommittee::get() as usize;
			if members.len() > max {
				log::error!(target: "runtime::attestation", "{} attestation keys, more than MaxCommittee {max}: truncated", members.len());
				members.truncate(max);
			}
			let id = if existing.is_some() { current + 1 } else { current };
			let committee = Committee::<T> {
				members: BoundedVec::truncate_from(members.clone()),
				since: frame_system::Pallet::<T>::block_number(),
			};
			Committees::<T>::insert(id, committee);
			CurrentCommittee::<T>::put(id);
			Self::deposit_event(Event::CommitteeChanged { id, members });
		}
	}
}

/// The signer address of a canonical Ethereum signature (`v` 27 or 28, `s` in the lower half)
/// over `digest`; `None` otherwise.
pub fn recover(signature: &EthSignature, digest: &[u8; 32]) -> Option<Address> {
	let v = signature[64];
	if v != 27 && v != 28 {
		return None;
	}
	if signature[32..64] > SECP256K1_HALF_N[..] {
		return None;
	}
	let key = sp_io::crypto::secp256k1_ecdsa_recover(signature, digest).ok()?;
	Some(messages::address_of(&key))
}

impl<T: Config> sp_runtime::BoundToRuntimeAppPublic for Pallet<T> {
	type Public = AttestationId;
}

impl<T: Config> frame_support::traits::OneSessionHandler<T::AccountId> for Pallet<T> {
	type Key = AttestationId;

	fn on_genesis_session<'a, I: 'a>(validators: I)
	where
		I: Iterator<Item = (&'a T::AccountId, AttestationId)>,
	{
		let keys: Vec<_> = validators.map(|(_, k)| k).collect();
		Self::new_committee(keys.iter());
	}

	fn on_new_session<'a, I: 'a>(_changed: bool, validators: I, _queued: I)
	where
		I: Iterator<Item = (&'a T::AccountId, AttestationId)>,
	{
		let keys: Vec<_> = validators.map(|(_, k)| k).collect();
		Self::new_committee(keys.iter());
	}

	fn on_disabled(_validator_index: u32) {}
}
