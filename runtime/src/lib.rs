//! # AlstraNet runtime
//!
//! The FRAME runtime of AlstraNet, a permissioned appchain for business process management.
//!
//! | index | pallet | role |
//! |---|---|---|
//! | 0 | `System` | accounts, blocks, events |
//! | 1 | `Timestamp` | on-chain time (Aura slots, EVM `block.timestamp`) |
//! | 2 | `Aura` | block authoring by the permissioned validators, 6 s slots |
//! | 3 | `Grandpa` | deterministic finality (safe while < 1/3 of validators are faulty) |
//! | 4 | `Balances` | the native unit: pays fees and storage deposits |
//! | 5 | `TransactionPayment` | fee calculation |
//! | 6 | `Sudo` | dev/local only; a council replaces it on consortium chains |
//! | 7 | `EvmChainId` | EIP-155 chain id, set per chain spec |
//! | 8 | `Revive` | the EVM (`pallet-revive`, REVM backend), served to MetaMask by `pallet-revive-eth-rpc` |
//!
//! `pallet-revive-eth-rpc` requires the pallet name `Revive`, `AccountId32` accounts, `u32`
//! block numbers and `BlakeTwo256` hashing; the wiring follows the crate `revive-dev-runtime`
//! of the same SDK line (stable2609).

#![cfg_attr(not(feature = "std"), no_std)]
// `construct_runtime!` and `impl_runtime_apis!` expand to deeply nested code.
#![recursion_limit = "256"]

// Make the WASM binary available.
#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

extern crate alloc;

pub mod genesis_config_presets;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarks;

use alloc::{vec, vec::Vec};
use frame_support::weights::{
	constants::{
		BlockExecutionWeight, ExtrinsicBaseWeight, ParityDbWeight, WEIGHT_REF_TIME_PER_SECOND,
	},
	Weight,
};
use frame_system::limits::{BlockLength, BlockWeights};
use pallet_revive::{
	evm::{
		fees::{BlockRatioFee, Info as FeeInfo},
		runtime::EthExtra,
	},
	AccountId32Mapper,
};
use pallet_transaction_payment::{ConstFeeMultiplier, FeeDetails, Multiplier, RuntimeDispatchInfo};
use polkadot_sdk::{
	polkadot_sdk_frame::{
		deps::sp_genesis_builder,
		runtime::{apis, prelude::*},
		traits::Block as BlockT,
	},
	sp_consensus_aura::sr25519::AuthorityId as AuraId,
	sp_consensus_grandpa::AuthorityId as GrandpaId,
	sp_runtime::impl_opaque_keys,
	sp_weights::ConstantMultiplier,
	*,
};

pub use polkadot_sdk::polkadot_sdk_frame::runtime::types_common::{
	AccountId, BlockNumber, OpaqueBlock, Signature,
};

/// Transaction counter of an account (`u32`, as `pallet-revive-eth-rpc` expects).
pub type Nonce = u32;

/// Balance of an account, in plancks of the native unit (12 decimals, see [`currency`]).
pub type Balance = u128;
/// Block and state hash (BlakeTwo256, 32 bytes).
pub type Hash = sp_core::H256;
/// Block header: `u32` numbers, BlakeTwo256 hashing.
pub type Header = sp_runtime::generic::Header<BlockNumber, sp_runtime::traits::BlakeTwo256>;

/// Units of the native currency. It has 12 decimals: 1 `UNIT` = 10^12 plancks. On the EVM side
/// balances are shown with 18 decimals; `pallet_revive::Config::NativeToEthRatio` (10^6) bridges
/// the two.
pub mod currency {
	use super::Balance;
	/// One whole unit (10^12 plancks).
	pub const UNIT: Balance = 1_000_000_000_000;
	/// A hundredth of a unit.
	pub const CENTS: Balance = UNIT / 100;
	/// A thousandth of a cent.
	pub const MILLICENTS: Balance = CENTS / 1_000;
	/// The minimum balance an account must hold to exist (the existential deposit).
	pub const EXISTENTIAL_DEPOSIT: Balance = CENTS;
}

/// Consensus timing.
pub mod time {
	use super::BlockNumber;
	/// Target block time = Aura slot duration, in milliseconds. Six seconds: sub-second slots
	/// break Ethereum's 1-second-resolution `block.timestamp`.
	pub const MILLI_SECS_PER_BLOCK: u64 = 6_000;
	/// Aura slot duration in milliseconds (equal to the block time: one author per slot).
	pub const SLOT_DURATION: u64 = MILLI_SECS_PER_BLOCK;
	/// Blocks per minute.
	pub const MINUTES: BlockNumber = 60_000 / (MILLI_SECS_PER_BLOCK as BlockNumber);
	/// Blocks per hour.
	pub const HOURS: BlockNumber = MINUTES * 60;
	/// Blocks per day.
	pub const DAYS: BlockNumber = HOURS * 24;
}

/// Opaque types for the node: it knows blocks and session keys only as bytes plus headers.
pub mod opaque {
	use super::*;
	/// Opaque block (header + opaque extrinsics).
	pub type Block = OpaqueBlock;

	impl_opaque_keys! {
		/// The session keys a validator holds in its keystore: `aura` (sr25519, key type
		/// `aura`) to author blocks, `grandpa` (ed25519, key type `gran`) to vote on finality,
		/// `attestation` (secp256k1, key type `attn`) to sign batches and handovers for L1.
		pub struct SessionKeys {
			pub aura: Aura,
			pub grandpa: Grandpa,
			pub attestation: Attestation,
		}
	}
}
pub use opaque::SessionKeys;

/// The runtime version.
///
/// `spec_version` goes up with every runtime that changes behaviour or storage (a chain only
/// accepts an upgrade to a higher one); `transaction_version` with every change of an existing
/// call's index or arguments (it invalidates signed transactions). 101: validator liveness,
/// council-approved Root calls and runtime upgrades (`upgrades`).
#[cfg(not(feature = "next-version"))]
#[runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
	spec_name: alloc::borrow::Cow::Borrowed("alstranet"),
	impl_name: alloc::borrow::Cow::Borrowed("alstranet-node"),
	authoring_version: 1,
	spec_version: 101,
	impl_version: 1,
	apis: RUNTIME_API_VERSIONS,
	transaction_version: 1,
	system_version: 1,
};

/// The runtime version of the `next-version` build: this runtime with `spec_version + 1`, which
/// the tests apply to a running chain by a council motion (`runtime-next/`, the e2e test
/// "runtime upgrades"), as a consortium would apply its next release.
#[cfg(feature = "next-version")]
#[runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
	spec_name: alloc::borrow::Cow::Borrowed("alstranet"),
	impl_name: alloc::borrow::Cow::Borrowed("alstranet-node"),
	authoring_version: 1,
	spec_version: 102,
	impl_version: 1,
	apis: RUNTIME_API_VERSIONS,
	transaction_version: 1,
	system_version: 1,
};

/// The address format for describing accounts.
pub type Address = sp_runtime::MultiAddress<AccountId, ()>;
/// Block type as expected by this runtime.
pub type Block = sp_runtime::generic::Block<Header, UncheckedExtrinsic>;
/// The transaction extensions, checked in this order for every signed extrinsic.
pub type TxExtension = (
	// Checks that the sender is not the zero address.
	frame_system::CheckNonZeroSender<Runtime>,
	// Refuses plain transfers of the native unit before they enter the pool.
	RefuseFilteredCalls,
	// Checks that the runtime version is correct.
	frame_system::CheckSpecVersion<Runtime>,
	// Checks that the transaction version is correct.
	frame_system::CheckTxVersion<Runtime>,
	// Checks that the genesis hash is correct.
	frame_system::CheckGenesis<Runtime>,
	// Checks that the era is valid.
	frame_system::CheckEra<Runtime>,
	// Checks that the nonce is valid.
	frame_system::CheckNonce<Runtime>,
	// Checks that the weight is valid.
	frame_system::CheckWeight<Runtime>,
	// Ensures that the sender has enough funds to pay for the transaction
	// and deducts the fee from the sender's account.
	pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
	// Needs to be done after all extensions that rely on a signed origin.
	pallet_revive::evm::tx_extension::SetOrigin<Runtime>,
	// Reclaim the unused weight from the block using post dispatch information.
	// It must be last in the pipeline in order to catch the refund in previous transaction
	// extensions.
	frame_system::WeightReclaim<Runtime>,
);

/// The transaction extensions applied to Ethereum transactions (`Revive::eth_transact`),
/// which carry no Substrate signature: the eth signature is checked by `pallet-revive`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct EthExtraImpl;

impl EthExtra for EthExtraImpl {
	type Config = Runtime;
	type ExtensionV0 = TxExtension;
	type ExtensionOtherVersions = sp_runtime::traits::InvalidVersion;

	fn get_eth_extension(nonce: u32, tip: Balance) -> Self::ExtensionV0 {
		(
			frame_system::CheckNonZeroSender::<Runtime>::new(),
			RefuseFilteredCalls,
			frame_system::CheckSpecVersion::<Runtime>::new(),
			frame_system::CheckTxVersion::<Runtime>::new(),
			frame_system::CheckGenesis::<Runtime>::new(),
			frame_system::CheckMortality::from(sp_runtime::generic::Era::Immortal),
			frame_system::CheckNonce::<Runtime>::from(nonce),
			frame_system::CheckWeight::<Runtime>::new(),
			pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(tip),
			pallet_revive::evm::tx_extension::SetOrigin::<Runtime>::new_from_eth_transaction(),
			frame_system::WeightReclaim::<Runtime>::new(),
		)
	}
}

/// Unchecked extrinsic: Substrate-signed extrinsics and unsigned Ethereum transactions.
pub type UncheckedExtrinsic =
	pallet_revive::evm::runtime::UncheckedExtrinsic<Address, Signature, EthExtraImpl>;

/// Executive: dispatches calls to the pallets.
type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
>;

// Composes the runtime by adding all the used pallets and deriving necessary types.
#[frame_construct_runtime]
mod runtime {
	/// The main runtime type.
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Runtime;

	/// Mandatory system pallet that should always be included in a FRAME runtime.
	#[runtime::pallet_index(0)]
	pub type System = frame_system::Pallet<Runtime>;

	/// On-chain time, set by the block author's inherent.
	#[runtime::pallet_index(1)]
	pub type Timestamp = pallet_timestamp::Pallet<Runtime>;

	/// The consortium's validator set, changed by the council; hands each new set to `Session`.
	/// Declared before `Session` (genesis order: `Session` asks it for the first set).
	#[runtime::pallet_index(10)]
	pub type ValidatorSet = pallet_validator_set::Pallet<Runtime>;

	/// The block author (from Aura's slot), told to `ValidatorSet` for liveness. Declared
	/// before `Session`: a block that starts a session was authored in a slot of the ending one.
	#[runtime::pallet_index(20)]
	pub type Authorship = pallet_authorship::Pallet<Runtime>;

	/// Sessions: enacts the validator set and rotates the Aura and GRANDPA session keys at
	/// session boundaries. Declared before Aura and GRANDPA, whose authorities it initialises.
	#[runtime::pallet_index(11)]
	pub type Session = pallet_session::Pallet<Runtime>;

	/// Aura: round-robin block authoring by the validator set.
	#[runtime::pallet_index(2)]
	pub type Aura = pallet_aura::Pallet<Runtime>;

	/// GRANDPA finality gadget.
	#[runtime::pallet_index(3)]
	pub type Grandpa = pallet_grandpa::Pallet<Runtime>;

	/// The native unit's balances.
	#[runtime::pallet_index(4)]
	pub type Balances = pallet_balances::Pallet<Runtime>;

	/// Fee calculation and payment.
	#[runtime::pallet_index(5)]
	pub type TransactionPayment = pallet_transaction_payment::Pallet<Runtime>;

	/// Superuser for dev/local chains only.
	#[runtime::pallet_index(6)]
	pub type Sudo = pallet_sudo::Pallet<Runtime>;

	/// EIP-155 chain id of the EVM, set per chain spec.
	#[runtime::pallet_index(7)]
	pub type EvmChainId = pallet_evm_chain_id::Pallet<Runtime>;

	/// The EVM. The name `Revive` is required by `pallet-revive-eth-rpc`.
	#[runtime::pallet_index(8)]
	pub type Revive = pallet_revive::Pallet<Runtime>;

	/// The consortium council: one seat per member organisation; its motions are the
	/// governance origin (2/3 majority) of validator and membership changes.
	#[runtime::pallet_index(12)]
	pub type Council = pallet_collective::Pallet<Runtime, Instance1>;

	/// Who sits on the council: members are added and removed by a 2/3 council motion.
	#[runtime::pallet_index(13)]
	pub type CouncilMembership = pallet_membership::Pallet<Runtime, Instance1>;

	/// Node permissioning: the well-known nodes, editable only by the council.
	#[runtime::pallet_index(14)]
	pub type NodeAuthorization = pallet_node_authorization::Pallet<Runtime>;

	/// Issuance of the native unit: only the council mints units to members and burns them.
	#[runtime::pallet_index(15)]
	pub type Issuance = pallet_issuance::Pallet<Runtime>;

	/// The rollup: engine actions as proven transitions in the Poseidon state tree, batches.
	#[runtime::pallet_index(16)]
	pub type Rollup = pallet_rollup::Pallet<Runtime>;

	/// The validators' attestations for L1: committees from the attestation session keys,
	/// signatures of sealed batches and handovers. Declared after `Rollup` (its `on_initialize`
	/// records the hash of the block that sealed a batch).
	#[runtime::pallet_index(17)]
	pub type Attestation = pallet_attestation::Pallet<Runtime>;

	/// The relayer accounts the council authorized to report rollup batches proven, submitted
	/// and finalized on L1.
	#[runtime::pallet_index(18)]
	pub type RelayerMembership = pallet_membership::Pallet<Runtime, Instance2>;

	/// The council account: a signed account only a 2/3 council motion acts for; it holds the
	/// admin roles of the BPM contracts (`revive.call` inside `councilAccount.dispatch`).
	#[runtime::pallet_index(19)]
	pub type CouncilAccount = pallet_council_account::Pallet<Runtime>;

	/// Preimages of calls, requested by `Whitelist` (deposits held).
	#[runtime::pallet_index(21)]
	pub type Preimage = pallet_preimage::Pallet<Runtime>;

	/// Root calls approved by a 2/3 council motion, runtime upgrades among them (`upgrades`).
	#[runtime::pallet_index(22)]
	pub type Whitelist = pallet_whitelist::Pallet<Runtime>;
}

/// We assume that ~10% of the block weight is consumed by `on_initialize` handlers.
/// This is used to limit the maximal weight of a single extrinsic.
const AVERAGE_ON_INITIALIZE_RATIO: Perbill = Perbill::from_percent(10);
/// `Normal` extrinsics may fill a block up to 75%; the rest is for `Operational` ones.
const NORMAL_DISPATCH_RATIO: Perbill = Perbill::from_percent(75);
/// Maximum proof size of a block, in bytes (5 MiB, the polkadot-sdk default `MAX_POV_SIZE`).
const MAX_BLOCK_PROOF_SIZE: u64 = 5 * 1024 * 1024;
/// Two seconds of compute per 6-second block.
const MAXIMUM_BLOCK_WEIGHT: Weight =
	Weight::from_parts(WEIGHT_REF_TIME_PER_SECOND.saturating_mul(2), MAX_BLOCK_PROOF_SIZE);
/// Maximum block length in bytes (5 MiB).
const MAXIMUM_BLOCK_LENGTH: u32 = 5 * 1024 * 1024;

parameter_types! {
	pub const Version: RuntimeVersion = VERSION;
	pub RuntimeBlockWeights: BlockWeights = BlockWeights::builder()
		.base_block(BlockExecutionWeight::get())
		.for_class(DispatchClass::all(), |weights| {
			weights.base_extrinsic = ExtrinsicBaseWeight::get();
		})
		.for_class(DispatchClass::Normal, |weights| {
			weights.max_total = Some(NORMAL_DISPATCH_RATIO * MAXIMUM_BLOCK_WEIGHT);
		})
		.for_class(DispatchClass::Operational, |weights| {
			weights.max_total = Some(MAXIMUM_BLOCK_WEIGHT);
			// Operational transactions have some extra reserved space, so that they
			// are included even if block reached `MAXIMUM_BLOCK_WEIGHT`.
			weights.reserved = Some(
				MAXIMUM_BLOCK_WEIGHT - NORMAL_DISPATCH_RATIO * MAXIMUM_BLOCK_WEIGHT
			);
		})
		.avg_block_initialization(AVERAGE_ON_INITIALIZE_RATIO)
		.build_or_panic();
	pub RuntimeBlockLength: BlockLength =
		BlockLength::builder()
			.max_length(MAXIMUM_BLOCK_LENGTH)
			.modify_max_length_for_class(DispatchClass::Normal, |max| {
				*max = NORMAL_DISPATCH_RATIO * *max
			})
			.build();
	/// SS58 prefix: 42, the generic Substrate prefix (addresses start with `5`).
	pub const SS58Prefix: u16 = 42;
}

/// Implements the types required for the system pallet.
#[derive_impl(frame_system::config_preludes::SolochainDefaultConfig)]
impl frame_system::Config for Runtime {
	type Block = Block;
	type BlockWeights = RuntimeBlockWeights;
	type BlockLength = RuntimeBlockLength;
	type Version = Version;
	type AccountId = AccountId;
	type Hash = Hash;
	type Nonce = Nonce;
	type SS58Prefix = SS58Prefix;
	/// No plain transfers of the native unit ([`NoPlainTransfers`]), no connections from outside the
	/// well-known nodes ([`call_filter::OnlyWellKnownConnections`]).
	type BaseCallFilter = frame_support::traits::InsideBoth<NoPlainTransfers, call_filter::OnlyWellKnownConnections>;
	/// The node stores state in ParityDb: storage reads and writes are charged ParityDb's
	/// weights (`frame_support::weights::constants::ParityDbWeight`). pallet-revive's storage
	/// host functions are priced with them, which bounds the state a block can write.
	type DbWeight = ParityDbWeight;
	type AccountData = pallet_balances::AccountData<Balance>;
	// Every new account gets an Ethereum address mapping, so that Substrate accounts can
	// call contracts and receive EVM transfers.
	type OnNewAccount = pallet_revive::AutoMapper<Runtime>;
	type OnKilledAccount = pallet_revive::AutoMapper<Runtime>;
	/// Run by the first block on a new runtime ([`upgrades::Migrations`]).
	type SingleBlockMigrations = upgrades::Migrations;
}

impl pallet_timestamp::Config for Runtime {
	/// Milliseconds since the Unix epoch.
	type Moment = u64;
	type OnTimestampSet = Aura;
	/// Two consecutive blocks are at least half a slot apart.
	type MinimumPeriod = ConstU64<{ time::SLOT_DURATION / 2 }>;
	type WeightInfo = pallet_timestamp::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// Upper bound of the validator set (Aura authorities and GRANDPA voters).
	pub const MaxAuthorities: u32 = 32;
}

impl pallet_aura::Config for Runtime {
	type AuthorityId = AuraId;
	type DisabledValidators = ();
	type MaxAuthorities = MaxAuthorities;
	type AllowMultipleBlocksPerSlot = ConstBool<false>;
	type SlotDuration = pallet_aura::MinimumPeriodTimesTwo<Runtime>;
}

impl pallet_grandpa::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = ();
	type MaxAuthorities = MaxAuthorities;
	// No nominated proof-of-stake: validators are identified consortium members.
	type MaxNominators = ConstU32<0>;
	type MaxSetIdSessionEntries = ConstU64<0>;
	// Equivocation reports need a session-historical key-ownership proof; membership changes
	// (and sanctions) are decided by consortium governance instead.
	type KeyOwnerProof = sp_core::Void;
	type EquivocationReportSystem = ();
}

mod governance;
pub use governance::*;

mod call_filter;
pub mod upgrades;
pub use upgrades::*;
pub mod rollup_precompile;
pub use call_filter::{NoPlainTransfers, RefuseFilteredCalls, VALUE_TRANSFER_REFUSED, VALUE_TRANSFER_REFUSED_MESSAGE};

mod rollup;
pub use rollup::*;

impl pallet_balances::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeHoldReason = RuntimeHoldReason;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type WeightInfo = pallet_balances::weights::SubstrateWeight<Runtime>;
	type Balance = Balance;
	type DustRemoval = ();
	type ExistentialDeposit = ConstU128<{ currency::EXISTENTIAL_DEPOSIT }>;
	type AccountStore = System;
	type ReserveIdentifier = [u8; 8];
	type FreezeIdentifier = RuntimeFreezeReason;
	type MaxLocks = ConstU32<50>;
	type MaxReserves = ConstU32<50>;
	type MaxFreezes = VariantCountOf<RuntimeFreezeReason>;
	type DoneSlashHandler = ();
}

parameter_types! {
	/// Fee per byte of an extrinsic, in plancks.
	pub const TransactionByteFee: Balance = 10 * currency::MILLICENTS;
	/// Fixed fee multiplier: a permissioned chain has no fee market to clear.
	pub FeeMultiplier: Multiplier = Multiplier::one();
}

impl pallet_transaction_payment::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type OnChargeTransaction = pallet_transaction_payment::FungibleAdapter<Balances, ()>;
	type OperationalFeeMultiplier = ConstU8<5>;
	// A full block's weight costs one block-ratio worth of fee (pallet-revive's fee model, so
	// that Ethereum gas prices stay consistent with Substrate fees).
	type WeightToFee = BlockRatioFee<1, 1, Self, Balance>;
	type LengthToFee = ConstantMultiplier<Balance, TransactionByteFee>;
	type FeeMultiplierUpdate = ConstFeeMultiplier<FeeMultiplier>;
	type WeightInfo = pallet_transaction_payment::weights::SubstrateWeight<Runtime>;
}

impl pallet_sudo::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type WeightInfo = pallet_sudo::weights::SubstrateWeight<Runtime>;
}

impl pallet_evm_chain_id::Config for Runtime {}

parameter_types! {
	/// Share of a code upload's deposit that is locked while contracts use the code.
	pub CodeHashLockupDepositPercent: Perbill = Perbill::from_percent(30);
	/// Storage deposit per item outside a contract's own storage (a contract's account and
	/// info, a code blob and its info), in planck: 0.02 unit, refunded when the item goes.
	/// pallet-revive's test value (0.2 unit) made a deployment of a 368-byte contract cost
	/// 0.78 unit, above what EVM tools size a deployment at (Ethereum's 32,000 gas for CREATE
	/// plus 200 per code byte, at `GasScale`'s price); with 0.02 unit it costs ~0.1 unit.
	pub const DepositPerItem: Balance = 2 * currency::CENTS;
	/// Storage deposit per item of a contract's own storage (a slot), in planck: 1/100 of
	/// `DepositPerItem`, as pallet-revive's default ratio.
	pub const DepositPerChildTrieItem: Balance = 2 * currency::CENTS / 100;
	/// Storage deposit per byte of code or storage, in planck (0.00001 unit).
	pub const DepositPerByte: Balance = currency::MILLICENTS;
}

#[derive_impl(pallet_revive::config_preludes::TestDefaultConfig)]
impl pallet_revive::Config for Runtime {
	type AddressMapper = AccountId32Mapper<Self>;
	type ChainId = pallet_evm_chain_id::ChainIdOf<Runtime>;
	type CodeHashLockupDepositPercent = CodeHashLockupDepositPercent;
	type DepositPerItem = DepositPerItem;
	type DepositPerChildTrieItem = DepositPerChildTrieItem;
	type DepositPerByte = DepositPerByte;
	type Balance = Balance;
	type Currency = Balances;
	/// 1 planck (10^-12 unit) = 10^6 wei (10^-18 ether-unit): native 12 decimals, EVM 18.
	type NativeToEthRatio = ConstU32<1_000_000>;
	type UploadOrigin = EnsureSigned<Self::AccountId>;
	type InstantiateOrigin = EnsureSigned<Self::AccountId>;
	type Time = Timestamp;
	type FeeInfo = FeeInfo<Address, Signature, EthExtraImpl>;
	type WeightInfo = pallet_revive::weights::SubstrateWeight<Self>;
	/// Solidity contracts compiled to EVM bytecode (the REVM backend).
	type AllowEVMBytecode = ConstBool<true>;
	/// Tracing (`debug_trace*`) for process developers.
	type DebugEnabled = ConstBool<true>;
	type AutoMap = ConstBool<true>;
	/// Planck per unit of Ethereum gas: the gas price is 5·10^6 planck = 5·10^12 wei (5,000
	/// gwei) and a transaction's gas is its fee (weight, length) plus storage deposit divided by
	/// that. Chosen, with the deposits above, so that pallet-revive's gas stays below what EVM
	/// tools size from Ethereum gas (forge script's simulation × 1.3, Hardhat's and ethers'
	/// fixed limits); `bench/eth-gas.js` measures the ratio (README, "Gas on AlstraNet"). The
	/// fee paid does not depend on it (pallet-revive `Config::GasScale`).
	type GasScale = ConstU32<5_000_000>;
	/// The rollup precompile (`IRollup.sol`), through which the BPM registry and engine report to
	/// `Rollup`.
	type Precompiles = (rollup_precompile::RollupPrecompile<Runtime>,);
	/// The block author (EVM `block.coinbase`): the validator whose Aura slot it is, through the
	/// session's validator list (its account; pallet-revive maps it to an address).
	type FindAuthor = pallet_session::FindAccountFromAuthorIndex<Self, Aura>;
}

pallet_revive::impl_runtime_apis_plus_revive_traits!(
	Runtime,
	Revive,
	Executive,
	EthExtraImpl,

	impl apis::Core<Block> for Runtime {
		fn version() -> RuntimeVersion {
			VERSION
		}

		fn execute_block(block: <Block as BlockT>::LazyBlock) {
			Executive::execute_block(block)
		}

		fn initialize_block(header: &Header) -> ExtrinsicInclusionMode {
			Executive::initialize_block(header)
		}
	}

	impl apis::Metadata<Block> for Runtime {
		fn metadata() -> OpaqueMetadata {
			OpaqueMetadata::new(Runtime::metadata().into())
		}

		fn metadata_at_version(version: u32) -> Option<OpaqueMetadata> {
			Runtime::metadata_at_version(version)
		}

		fn metadata_versions() -> Vec<u32> {
			Runtime::metadata_versions()
		}
	}

	impl apis::BlockBuilder<Block> for Runtime {
		fn apply_extrinsic(extrinsic: ExtrinsicFor<Runtime>) -> ApplyExtrinsicResult {
			Executive::apply_extrinsic(extrinsic)
		}

		fn finalize_block() -> HeaderFor<Runtime> {
			Executive::finalize_block()
		}

		fn inherent_extrinsics(data: InherentData) -> Vec<ExtrinsicFor<Runtime>> {
			data.create_extrinsics()
		}

		fn check_inherents(
			block: <Block as BlockT>::LazyBlock,
			data: InherentData,
		) -> CheckInherentsResult {
			data.check_extrinsics(&block)
		}
	}

	impl apis::TaggedTransactionQueue<Block> for Runtime {
		fn validate_transaction(
			source: TransactionSource,
			tx: ExtrinsicFor<Runtime>,
			block_hash: <Runtime as frame_system::Config>::Hash,
		) -> TransactionValidity {
			Executive::validate_transaction(source, tx, block_hash)
		}
	}

	impl apis::OffchainWorkerApi<Block> for Runtime {
		fn offchain_worker(header: &HeaderFor<Runtime>) {
			Executive::offchain_worker(header)
		}
	}

	impl apis::AuraApi<Block, AuraId> for Runtime {
		fn slot_duration() -> apis::SlotDuration {
			apis::SlotDuration::from_millis(Aura::slot_duration())
		}

		fn authorities() -> Vec<AuraId> {
			pallet_aura::Authorities::<Runtime>::get().into_inner()
		}
	}

	impl apis::GrandpaApi<Block> for Runtime {
		fn grandpa_authorities() -> apis::AuthorityList {
			Grandpa::grandpa_authorities()
		}

		fn current_set_id() -> apis::SetId {
			Grandpa::current_set_id()
		}

		fn submit_report_equivocation_unsigned_extrinsic(
			_equivocation_proof: apis::EquivocationProof<
				<Block as BlockT>::Hash,
				sp_runtime::traits::NumberFor<Block>,
			>,
			_key_owner_proof: apis::OpaqueKeyOwnershipProof,
		) -> Option<()> {
			None
		}

		fn generate_key_ownership_proof(
			_set_id: apis::SetId,
			_authority_id: GrandpaId,
		) -> Option<apis::OpaqueKeyOwnershipProof> {
			// No key-ownership proofs without pallet-session's historical module (see
			// `pallet_grandpa::Config::KeyOwnerProof` above).
			None
		}
	}

	impl apis::SessionKeys<Block> for Runtime {
		fn generate_session_keys(
			owner: Vec<u8>,
			seed: Option<Vec<u8>>,
		) -> apis::OpaqueGeneratedSessionKeys {
			SessionKeys::generate(&owner, seed).into()
		}

		fn decode_session_keys(
			encoded: Vec<u8>,
		) -> Option<Vec<(Vec<u8>, apis::KeyTypeId)>> {
			SessionKeys::decode_into_raw_public_keys(&encoded)
		}
	}

	impl apis::AccountNonceApi<Block, AccountId, Nonce> for Runtime {
		fn account_nonce(account: AccountId) -> Nonce {
			System::account_nonce(account)
		}
	}

	impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentApi<
		Block,
		Balance,
	> for Runtime {
		fn query_info(uxt: ExtrinsicFor<Runtime>, len: u32) -> RuntimeDispatchInfo<Balance> {
			TransactionPayment::query_info(uxt, len)
		}
		fn query_fee_details(uxt: ExtrinsicFor<Runtime>, len: u32) -> FeeDetails<Balance> {
			TransactionPayment::query_fee_details(uxt, len)
		}
		fn query_weight_to_fee(weight: Weight) -> Balance {
			TransactionPayment::weight_to_fee(weight)
		}
		fn query_length_to_fee(length: u32) -> Balance {
			TransactionPayment::length_to_fee(length)
		}
	}

	impl pallet_rollup::runtime_api::RollupApi<Block, BlockNumber> for Runtime {
		fn status() -> pallet_rollup::RollupStatus {
			Rollup::status()
		}

		fn batch(number: u64) -> Option<pallet_rollup::BatchHeader<BlockNumber>> {
			pallet_rollup::Batches::<Runtime>::get(number)
		}

		fn batch_records(number: u64) -> Option<Vec<u128>> {
			pallet_rollup::BatchRecords::<Runtime>::get(number).map(|r| r.into_inner())
		}

		fn rules(first: u64, count: u32) -> Vec<pallet_rollup::RuleRecord> {
			// at most 4,096 rules per call (about 400 KB of response)
			Rollup::rules(first, count.min(4096))
		}
	}

	impl pallet_attestation::runtime_api::AttestationApi<Block> for Runtime {
		fn l1_target() -> Option<pallet_attestation::L1TargetInfo> {
			pallet_attestation::L1Target::<Runtime>::get()
		}

		fn current_committee() -> u64 {
			pallet_attestation::CurrentCommittee::<Runtime>::get()
		}

		fn committee(id: u64) -> Option<Vec<[u8; 20]>> {
			pallet_attestation::Committees::<Runtime>::get(id).map(|c| c.members.into_inner())
		}

		fn attestation(subject: pallet_attestation::Subject) -> Option<pallet_attestation::runtime_api::Attestation> {
			Attestation::attestation(subject)
		}

		fn pending(signer: [u8; 20], limit: u32) -> Vec<(pallet_attestation::Subject, [u8; 32])> {
			Attestation::pending_for(signer, limit.min(256))
		}
	}

	/// Benchmarks of AlstraNet's pallets (see `benchmarks.rs`), run by
	/// `alstranet-node benchmark pallet` from a node built with `runtime-benchmarks`.
	#[cfg(feature = "runtime-benchmarks")]
	impl frame_benchmarking::Benchmark<Block> for Runtime {
		fn benchmark_metadata(extra: bool) -> (
			Vec<frame_benchmarking::BenchmarkList>,
			Vec<frame_support::traits::StorageInfo>,
		) {
			use frame_benchmarking::BenchmarkList;
			use frame_support::traits::StorageInfoTrait;

			let mut list = Vec::<BenchmarkList>::new();
			list_benchmarks!(list, extra);
			(list, AllPalletsWithSystem::storage_info())
		}

		fn dispatch_benchmark(
			config: frame_benchmarking::BenchmarkConfig,
		) -> Result<Vec<frame_benchmarking::BenchmarkBatch>, alloc::string::String> {
			use frame_benchmarking::BenchmarkBatch;
			use frame_support::traits::WhitelistedStorageKeys;

			let whitelist = AllPalletsWithSystem::whitelisted_storage_keys();
			let mut batches = Vec::<BenchmarkBatch>::new();
			let params = (&config, &whitelist);
			add_benchmarks!(params, batches);
			Ok(batches)
		}
	}

	impl apis::GenesisBuilder<Block> for Runtime {
		fn build_state(config: Vec<u8>) -> sp_genesis_builder::Result {
			build_state::<RuntimeGenesisConfig>(config)
		}

		fn get_preset(id: &Option<PresetId>) -> Option<Vec<u8>> {
			get_preset::<RuntimeGenesisConfig>(id, self::genesis_config_presets::get_preset)
		}

		fn preset_names() -> Vec<PresetId> {
			self::genesis_config_presets::preset_names()
		}
	}
);

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_config;
#[cfg(test)]
mod tests_upgrades;
