//! Consortium governance: the council (`pallet-collective` + its membership), the validator
//! set and sessions, node permissioning and the governed issuance of the native unit.

use crate::*;

parameter_types! {
	/// How long a council motion stays open for votes.
	pub const CouncilMotionDuration: BlockNumber = 3 * time::DAYS;
	/// Open motions at most.
	pub const CouncilMaxProposals: u32 = 100;
	/// Council seats at most (one per consortium member).
	pub const CouncilMaxMembers: u32 = 100;
	/// A motion may dispatch at most half a block of weight.
	pub MaxCouncilProposalWeight: Weight =
		Perbill::from_percent(50) * RuntimeBlockWeights::get().max_block;
}

/// The council's collective instance.
pub type CouncilCollective = pallet_collective::Instance1;

/// The governance origin: root (the sudo key, `dev` chain only) or a 2/3 majority of the
/// council (`pallet_collective::EnsureProportionAtLeast<_, _, 2, 3>`).
pub type EnsureRootOrTwoThirdsCouncil = frame_support::traits::EitherOfDiverse<
	frame_system::EnsureRoot<AccountId>,
	pallet_collective::EnsureProportionAtLeast<AccountId, CouncilCollective, 2, 3>,
>;

impl pallet_collective::Config<CouncilCollective> for Runtime {
	type RuntimeOrigin = RuntimeOrigin;
	type Proposal = RuntimeCall;
	type RuntimeEvent = RuntimeEvent;
	type MotionDuration = CouncilMotionDuration;
	type MaxProposals = CouncilMaxProposals;
	type MaxMembers = CouncilMaxMembers;
	/// A member who did not vote counts as voting like the prime member (if any).
	type DefaultVote = pallet_collective::PrimeDefaultVote;
	type WeightInfo = pallet_collective::weights::SubstrateWeight<Runtime>;
	/// Seats change only through `CouncilMembership` (or root on `dev`).
	type SetMembersOrigin = frame_system::EnsureRoot<AccountId>;
	type MaxProposalWeight = MaxCouncilProposalWeight;
	type DisapproveOrigin = EnsureRootOrTwoThirdsCouncil;
	type KillOrigin = EnsureRootOrTwoThirdsCouncil;
	/// No deposit for proposals: council members are identified organisations.
	type Consideration = ();
}

impl pallet_membership::Config<pallet_membership::Instance1> for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type AddOrigin = EnsureRootOrTwoThirdsCouncil;
	type RemoveOrigin = EnsureRootOrTwoThirdsCouncil;
	type SwapOrigin = EnsureRootOrTwoThirdsCouncil;
	type ResetOrigin = EnsureRootOrTwoThirdsCouncil;
	type PrimeOrigin = EnsureRootOrTwoThirdsCouncil;
	type MembershipInitialized = Council;
	type MembershipChanged = Council;
	type MaxMembers = CouncilMaxMembers;
	type WeightInfo = pallet_membership::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// Session length: 10 blocks (one minute). A validator-set change made in session `s` is
	/// active from session `s + 2` (pallet-validator-set docs), i.e. within 11..=20 blocks.
	pub const SessionPeriod: BlockNumber = 10;
	/// Sessions start at block 0, 10, 20, ...
	pub const SessionOffset: BlockNumber = 0;
}

impl pallet_session::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type ValidatorId = AccountId;
	type ValidatorIdOf = sp_runtime::traits::ConvertInto;
	type ShouldEndSession = pallet_session::PeriodicSessions<SessionPeriod, SessionOffset>;
	type NextSessionRotation = pallet_session::PeriodicSessions<SessionPeriod, SessionOffset>;
	type SessionManager = ValidatorSet;
	type SessionHandler = <SessionKeys as sp_runtime::traits::OpaqueKeys>::KeyTypeIdProviders;
	type Keys = SessionKeys;
	/// No slashing or disabling: misbehaving members are removed by governance.
	type DisablingStrategy = ();
	type WeightInfo = pallet_session::weights::SubstrateWeight<Runtime>;
	type Currency = Balances;
	/// No deposit for session keys: validators are identified members.
	type KeyDeposit = ConstU128<0>;
}

/// Block authors, for the validator set's liveness (`ValidatorSet` counts each validator's
/// blocks per session and reports a validator silent for a whole session).
impl pallet_authorship::Config for Runtime {
	type FindAuthor = pallet_session::FindAccountFromAuthorIndex<Self, Aura>;
	type EventHandler = ValidatorSet;
}

impl pallet_validator_set::Config for Runtime {
	type AddRemoveOrigin = EnsureRootOrTwoThirdsCouncil;
	/// 1, so that the single-validator `dev` chain is possible; `local` and production chain
	/// specs set `validatorSet.minValidators = 4` (BFT, VALID_001).
	type MinAuthorities = ConstU32<1>;
	type MaxAuthorities = MaxAuthorities;
	type ValidatorRegistration = Session;
	type Sessions = Session;
	type WeightInfo = pallet_validator_set::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// Well-known (permissioned) nodes at most.
	pub const MaxWellKnownNodes: u32 = 64;
	/// Longest PeerId in bytes (an ed25519 PeerId is 38 bytes).
	pub const MaxPeerIdLength: u32 = 128;
}

/// Node permissioning (Alastria MEMB_001/MEMB_002): only the council (or root on `dev`) edits the
/// well-known nodes; each node's offchain worker reads them every block and sets the node's
/// reserved-only peer set, so a removed node loses its peers without any restart. Owners may
/// manage their node's additional connections only among well-known nodes (`add_connections` of
/// any other PeerId is filtered: `call_filter::OnlyWellKnownConnections`).
impl pallet_node_authorization::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type MaxWellKnownNodes = MaxWellKnownNodes;
	type MaxPeerIdLength = MaxPeerIdLength;
	type AddOrigin = EnsureRootOrTwoThirdsCouncil;
	type RemoveOrigin = EnsureRootOrTwoThirdsCouncil;
	type SwapOrigin = EnsureRootOrTwoThirdsCouncil;
	type ResetOrigin = EnsureRootOrTwoThirdsCouncil;
	type WeightInfo = ();
}

/// Issuance of the native unit (no speculative currency): after genesis, units are only minted
/// to members' accounts, and burnt from them, by a 2/3 council motion (or root on `dev`).
impl pallet_issuance::Config for Runtime {
	type Currency = Balances;
	type IssueOrigin = EnsureRootOrTwoThirdsCouncil;
	type WeightInfo = pallet_issuance::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// The council account's id: `modl` ++ `alstr/cl`, zero-padded to 32 bytes
	/// (`PalletId::into_account_truncating`).
	pub const CouncilAccountPalletId: frame_support::PalletId = frame_support::PalletId(*b"alstr/cl");
}

/// An account's EVM address: pallet-revive's `AddressMapper::to_address` (no storage access:
/// `keccak256(account)[12..]`, or the Ethereum address of an Ethereum-derived account).
pub struct ReviveAddressOf;
impl sp_runtime::traits::Convert<AccountId, sp_core::H160> for ReviveAddressOf {
	fn convert(who: AccountId) -> sp_core::H160 {
		use pallet_revive::AddressMapper;
		<Runtime as pallet_revive::Config>::AddressMapper::to_address(&who)
	}
}

/// The council account (issue "BPM governance", spec 5.18): a signed account that only a 2/3
/// council motion (or root on `dev`) acts for, through `councilAccount.dispatch(call)`. Mapped in
/// pallet-revive and funded at genesis, it holds the admin roles of the BPM contracts, so the
/// contracts' parameters change by the same rule as the chain's.
impl pallet_council_account::Config for Runtime {
	type RuntimeCall = RuntimeCall;
	type CouncilOrigin = EnsureRootOrTwoThirdsCouncil;
	type PalletId = CouncilAccountPalletId;
	type EvmAddressOf = ReviveAddressOf;
	type WeightInfo = pallet_council_account::weights::SubstrateWeight<Runtime>;
}
