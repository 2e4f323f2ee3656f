//! Runtime upgrades decided by the council (Alastria 7.6.2.8, update and version management),
//! and the storage migrations that run with them.
//!
//! # How a council motion reaches Root
//!
//! `system.authorizeUpgrade` (like every call that changes the runtime) needs the Root origin,
//! and no council motion is Root. AlstraNet uses FRAME's `pallet-whitelist` for that bridge,
//! with council origins on both sides:
//!
//! 1. a 2/3 council motion `whitelist.whitelistCall(hash)` approves one exact call by its
//!    blake2-256 hash ([`pallet_whitelist::Config::WhitelistOrigin`]);
//! 2. any council member delivers that call with `whitelist.dispatchWhitelistedCallWithPreimage
//!    (call)`, which dispatches it as Root only if its hash is whitelisted, then forgets the hash
//!    (one approval, one dispatch) ([`pallet_whitelist::Config::DispatchWhitelistedOrigin`]).
//!
//! The decision is the motion; delivering the call needs no second vote, only a member's
//! signature (so that outsiders cannot queue deferred dispatches). `pallet-preimage` is there
//! because pallet-whitelist requests the preimage of every hash it whitelists; it also lets a
//! member publish a large call before the vote (`preimage.notePreimage`, with a deposit held
//! until it is unnoted).
//!
//! A runtime upgrade is then three extrinsics (`governance/council-cli.cjs propose-upgrade`
//! makes the motion, `enact-upgrade` the two others; docs/governance.md shows them in polkadot.js):
//!
//! 1. motion: `whitelist.whitelistCall(blake2_256(system.authorizeUpgrade(code_hash)))`, where
//!    `code_hash = blake2_256(wasm)`;
//! 2. a member: `whitelist.dispatchWhitelistedCallWithPreimage(system.authorizeUpgrade(code_hash))`
//!    (Root: `system.UpgradeAuthorized`);
//! 3. anyone: `system.applyAuthorizedUpgrade(wasm)` (free when it matches; `system.CodeUpdated`).
//!    frame-system checks that the new code has the same `spec_name` and a higher
//!    `spec_version`; the next block runs on the new code and starts with [`Migrations`].
//!
//! Why not a motion that sets the code directly: the wasm (about a megabyte) would sit in the
//! motion's storage for the whole vote, and `system.setCode` weighs a whole block, more than a
//! motion may dispatch. Why not `pallet-sudo` with the council account as key: it would give the
//! council account, meant for contract calls, every Root power without naming the call in the
//! vote; here every Root call is approved by its hash.

use crate::*;
use frame_support::traits::{
	fungible::HoldConsideration, GetStorageVersion, LinearStoragePrice, OnRuntimeUpgrade,
	PalletInfoAccess, StorageVersion,
};

parameter_types! {
	/// Deposit of a noted preimage: the deposit of a storage item (`DepositPerItem`, pallet-revive's
	/// price) plus `DepositPerByte` per byte of the call, held until it is unnoted.
	pub PreimageBaseDeposit: Balance = DepositPerItem::get();
	/// See [`PreimageBaseDeposit`].
	pub PreimageByteDeposit: Balance = DepositPerByte::get();
	/// The hold reason of preimage deposits.
	pub const PreimageHoldReason: RuntimeHoldReason =
		RuntimeHoldReason::Preimage(pallet_preimage::HoldReason::Preimage);
	/// A dispatch deferred by a member before the call was whitelisted may be relayed for a
	/// week (then anyone may remove it).
	pub const WhitelistDeferredDispatchExpiration: BlockNumber = 7 * time::DAYS;
}

/// Preimages of whitelisted calls (see the [module documentation](self)).
impl pallet_preimage::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = pallet_preimage::weights::SubstrateWeight<Runtime>;
	type Currency = Balances;
	/// The council may request and unrequest preimages (and so free their deposits).
	type ManagerOrigin = EnsureRootOrTwoThirdsCouncil;
	type Consideration = HoldConsideration<
		AccountId,
		Balances,
		PreimageHoldReason,
		LinearStoragePrice<PreimageBaseDeposit, PreimageByteDeposit, Balance>,
	>;
}

/// Root calls approved by the council (see the [module documentation](self)).
impl pallet_whitelist::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	/// A 2/3 council motion (or root on `dev`) approves a call by its hash.
	type WhitelistOrigin = EnsureRootOrTwoThirdsCouncil;
	/// Any council member delivers an approved call, signing it with its own account
	/// (`pallet_collective::EnsureMember` would instead need the collective's `Member` origin,
	/// which only `council.execute` produces).
	type DispatchWhitelistedOrigin = frame_system::EnsureSignedBy<CouncilMembership, AccountId>;
	type Preimages = Preimage;
	type DeferredDispatchExpiration = WhitelistDeferredDispatchExpiration;
	type BlockNumberProvider = System;
	type WeightInfo = pallet_whitelist::weights::SubstrateWeight<Runtime>;
}

/// Sets the storage version of a pallet added by a runtime upgrade to its in-code version.
///
/// A pallet's genesis writes its storage version; a pallet that arrives with an upgrade has no
/// genesis, so its on-chain version would stay 0 and a later versioned migration of it would
/// run against storage it never had. No-op when the version is already set (chains built with
/// the pallet), so it can stay in [`Migrations`]. Weight: one read, at most one write.
pub struct InitStorageVersion<P>(core::marker::PhantomData<P>);

impl<P: GetStorageVersion<InCodeStorageVersion = StorageVersion> + PalletInfoAccess> OnRuntimeUpgrade
	for InitStorageVersion<P>
{
	fn on_runtime_upgrade() -> Weight {
		let in_code = P::in_code_storage_version();
		if P::on_chain_storage_version() == StorageVersion::new(0) && in_code != StorageVersion::new(0) {
			in_code.put::<P>();
			return <Runtime as frame_system::Config>::DbWeight::get().reads_writes(1, 1);
		}
		<Runtime as frame_system::Config>::DbWeight::get().reads(1)
	}
}

/// The storage migrations of this runtime version, run once by the first block on its code
/// (`frame_system::Config::SingleBlockMigrations`). Each is versioned or idempotent, so a chain
/// built from genesis with this runtime runs them as no-ops.
///
/// From spec version 100: the validator set's liveness (storage version 1) and the storage
/// version of `pallet-preimage`, added with this version (`pallet-whitelist` and
/// `pallet-authorship` have none).
pub type Migrations = (
	pallet_validator_set::migrations::v1::MigrateV0ToV1<Runtime>,
	InitStorageVersion<Preimage>,
);
