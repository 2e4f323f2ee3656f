//! Runtime unit tests: genesis presets, the EVM (`Revive`) configuration, fee settings and
//! consortium governance (council, validator set, node permissioning, no plain transfers).

use super::*;
use crate::genesis_config_presets::{
	eth_fallback_account, get_preset, preset_names, ALITH, DEV_EVM_CHAIN_ID, DEV_RUNTIME_PRESET,
	ENDOWMENT, LOCAL_EVM_CHAIN_ID, LOCAL_TESTNET_RUNTIME_PRESET,
};
use frame_support::traits::{Get, PalletInfoAccess};
use polkadot_sdk::{sp_io, sp_keyring::Sr25519Keyring};

/// Builds the storage of a preset exactly as the node does (`sc-chain-spec`): the preset's
/// JSON patch merged into the default `RuntimeGenesisConfig`, then `GenesisBuilder::build_state`,
/// inside externalities.
pub(crate) fn ext_from_preset(id: &str) -> sp_io::TestExternalities {
	let mut ext = sp_io::TestExternalities::default();
	ext.execute_with(|| {
		// The node calls the preset API inside the runtime, with storage: `get_preset` reads it
		// (pallet-revive's address mapping).
		let patch = get_preset(&PresetId::from(id)).expect("preset exists");
		let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).unwrap();
		json_merge(&mut config, serde_json::from_slice(&patch).unwrap());
		frame_support::genesis_builder_helper::build_state::<RuntimeGenesisConfig>(
			serde_json::to_vec(&config).unwrap(),
		)
		.expect("preset builds")
	});
	ext
}

/// RFC 7386 JSON merge patch, as `sc_chain_spec::json_merge` applies a preset to the default.
fn json_merge(a: &mut serde_json::Value, b: serde_json::Value) {
	match (a, b) {
		(serde_json::Value::Object(a), serde_json::Value::Object(b)) =>
			for (k, v) in b {
				json_merge(a.entry(k).or_insert(serde_json::Value::Null), v);
			},
		(a, b) => *a = b,
	}
}

#[test]
fn presets_are_listed() {
	assert_eq!(
		preset_names(),
		vec![PresetId::from("development"), PresetId::from("local_testnet")]
	);
	assert!(get_preset(&PresetId::from("no-such-preset")).is_none());
}

#[test]
fn dev_genesis_builds_with_one_validator() {
	ext_from_preset(DEV_RUNTIME_PRESET).execute_with(|| {
		assert_eq!(pallet_aura::Authorities::<Runtime>::get().len(), 1);
		assert_eq!(Grandpa::grandpa_authorities().len(), 1);
		assert_eq!(pallet_sudo::Key::<Runtime>::get(), Some(Sr25519Keyring::Alice.to_account_id()));
		let alice = Sr25519Keyring::Alice.to_account_id();
		assert_eq!(pallet_validator_set::Validators::<Runtime>::get().into_inner(), vec![alice.clone()]);
		assert_eq!(ValidatorSet::min_validators(), 1);
		assert_eq!(pallet_session::Validators::<Runtime>::get(), vec![alice.clone()]);
		assert_eq!(pallet_collective::Members::<Runtime, CouncilCollective>::get(), vec![alice]);
		assert_eq!(<Runtime as pallet_revive::Config>::ChainId::get(), DEV_EVM_CHAIN_ID);
		assert_eq!(
			Balances::free_balance(Sr25519Keyring::Alice.to_account_id()),
			ENDOWMENT
		);
		// The MetaMask dev account is funded through its fallback account.
		assert_eq!(Balances::free_balance(eth_fallback_account(ALITH)), ENDOWMENT);
	});
}

#[test]
fn local_genesis_builds_with_four_validators() {
	ext_from_preset(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		let aura = pallet_aura::Authorities::<Runtime>::get();
		assert_eq!(aura.len(), 4, "BFT needs 3f+1 = 4 validators to tolerate one fault");
		let grandpa = Grandpa::grandpa_authorities();
		assert_eq!(grandpa.len(), 4);
		assert!(grandpa.iter().all(|(_, weight)| *weight == 1));
		assert_eq!(<Runtime as pallet_revive::Config>::ChainId::get(), LOCAL_EVM_CHAIN_ID);
		// No sudo outside `dev`: governance is the council.
		assert_eq!(pallet_sudo::Key::<Runtime>::get(), None);
		assert_eq!(ValidatorSet::min_validators(), 4, "BFT minimum (VALID_001)");
		assert_eq!(pallet_validator_set::Validators::<Runtime>::get().len(), 4);
		assert_eq!(pallet_session::Validators::<Runtime>::get().len(), 4);
		assert_eq!(pallet_collective::Members::<Runtime, CouncilCollective>::get().len(), 4);
		let expected: Vec<AuraId> = [
			Sr25519Keyring::Alice,
			Sr25519Keyring::Bob,
			Sr25519Keyring::Charlie,
			Sr25519Keyring::Dave,
		]
		.iter()
		.map(|k| k.public().into())
		.collect();
		// pallet-validator-set keeps the set sorted by account id: Aura's round robin follows it.
		let mut aura = aura.into_inner();
		let mut expected = expected;
		aura.sort();
		expected.sort();
		assert_eq!(aura, expected);
	});
}

#[test]
fn chain_ids_differ_between_networks() {
	// A transaction signed for `dev` must never be valid on `local` (EIP-155 replay protection).
	assert_ne!(DEV_EVM_CHAIN_ID, LOCAL_EVM_CHAIN_ID);
}

#[test]
fn revive_is_wired_for_eth_rpc() {
	// pallet-revive-eth-rpc finds the pallet by name.
	assert_eq!(<Revive as PalletInfoAccess>::name(), "Revive");
	assert!(<<Runtime as pallet_revive::Config>::AllowEVMBytecode as Get<bool>>::get());
	assert_eq!(<<Runtime as pallet_revive::Config>::NativeToEthRatio as Get<u32>>::get(), 1_000_000);
	// eth-rpc needs u32 block numbers and 32-byte account ids.
	assert_eq!(core::mem::size_of::<BlockNumber>(), 4);
	assert_eq!(core::mem::size_of::<AccountId>(), 32);
	// Endowed Substrate accounts get their Ethereum address mapping when they are created at
	// genesis (`frame_system::Config::OnNewAccount = pallet_revive::AutoMapper`).
	ext_from_preset(DEV_RUNTIME_PRESET).execute_with(|| {
		use pallet_revive::AddressMapper;
		let alice = Sr25519Keyring::Alice.to_account_id();
		assert!(<Runtime as pallet_revive::Config>::AddressMapper::is_mapped(&alice));
	});
}

#[test]
fn slot_duration_is_six_seconds() {
	ext_from_preset(DEV_RUNTIME_PRESET).execute_with(|| {
		assert_eq!(Aura::slot_duration(), 6_000);
	});
}

#[test]
fn fee_settings() {
	// A full normal-class block costs the same whatever the weight source (BlockRatioFee 1/1).
	let full_block = RuntimeBlockWeights::get().max_block;
	let fee_full = TransactionPayment::weight_to_fee(full_block);
	assert!(fee_full > 0);
	let fee_half = TransactionPayment::weight_to_fee(full_block / 2);
	assert!(fee_half < fee_full && fee_half > 0, "fees grow with weight");
	// Length fee: 10 millicents per byte.
	assert_eq!(TransactionByteFee::get(), 10 * currency::MILLICENTS);
	// No fee market: the multiplier is fixed at one.
	assert_eq!(FeeMultiplier::get(), Multiplier::one());
	// The existential deposit is a cent.
	assert_eq!(
		<<Runtime as pallet_balances::Config>::ExistentialDeposit as Get<Balance>>::get(),
		currency::CENTS
	);
}

#[test]
fn session_keys_decode() {
	use sp_core::Pair as _;
	let keys = SessionKeys {
		aura: Sr25519Keyring::Alice.public().into(),
		grandpa: sp_keyring::Ed25519Keyring::Alice.public().into(),
		attestation: sp_core::ecdsa::Pair::from_string("//Alice", None).unwrap().public().into(),
	};
	let raw = SessionKeys::decode_into_raw_public_keys(&codec::Encode::encode(&keys)).unwrap();
	assert_eq!(raw.len(), 3);
	assert_eq!(raw[0].1, sp_core::crypto::key_types::AURA);
	assert_eq!(raw[1].1, sp_core::crypto::key_types::GRANDPA);
	assert_eq!(raw[2].1, pallet_attestation::crypto::KEY_TYPE);
	assert!(SessionKeys::decode_into_raw_public_keys(&[1, 2, 3]).is_none());
}

#[test]
fn a_single_council_member_cannot_change_validators() {
	use frame_support::{assert_noop, assert_ok};
	use sp_runtime::{traits::Hash as _, DispatchError};
	ext_from_preset(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		let eve = Sr25519Keyring::Eve.to_account_id();
		let alice = RuntimeOrigin::signed(Sr25519Keyring::Alice.to_account_id());
		// A plain signed call, even by a council member, is not the governance origin.
		assert_noop!(
			ValidatorSet::add_validator(alice.clone(), eve.clone()),
			DispatchError::BadOrigin
		);
		// A motion needs 2/3 of 4 members = 3 ayes: with threshold 3 it executes on the
		// third aye.
		let call = Box::new(RuntimeCall::ValidatorSet(pallet_validator_set::Call::add_validator {
			who: eve.clone(),
		}));
		let len = codec::Encode::encoded_size(&call) as u32;
		assert_ok!(Council::propose(alice.clone(), 3, call.clone(), len));
		let hash = <Runtime as frame_system::Config>::Hashing::hash_of(&call);
		for k in [Sr25519Keyring::Alice, Sr25519Keyring::Bob, Sr25519Keyring::Charlie] {
			assert_ok!(Council::vote(RuntimeOrigin::signed(k.to_account_id()), hash, 0, true));
		}
		assert_ok!(Council::close(
			RuntimeOrigin::signed(Sr25519Keyring::Alice.to_account_id()),
			hash,
			0,
			Weight::from_parts(1_000_000_000_000, 1_000_000),
			len
		));
		assert!(pallet_validator_set::Validators::<Runtime>::get().contains(&eve));
	});
}

/// Proposes `call` to the council as Alice and passes it with the ayes of Alice, Bob and
/// Charlie (3 of the `local` chain's 4 members: the 2/3 threshold), then closes the motion.
pub(crate) fn pass_council_motion(call: RuntimeCall) {
	use frame_support::assert_ok;
	use sp_runtime::traits::Hash as _;
	let call = Box::new(call);
	let len = codec::Encode::encoded_size(&call) as u32;
	let alice = RuntimeOrigin::signed(Sr25519Keyring::Alice.to_account_id());
	let index = pallet_collective::ProposalCount::<Runtime, CouncilCollective>::get();
	assert_ok!(Council::propose(alice.clone(), 3, call.clone(), len));
	let hash = <Runtime as frame_system::Config>::Hashing::hash_of(&call);
	for k in [Sr25519Keyring::Alice, Sr25519Keyring::Bob, Sr25519Keyring::Charlie] {
		assert_ok!(Council::vote(RuntimeOrigin::signed(k.to_account_id()), hash, index, true));
	}
	assert_ok!(Council::close(alice, hash, index, Weight::from_parts(1_000_000_000_000, 1_000_000), len));
}

#[test]
fn dev_attestation_keys_derive_from_their_seeds_and_make_the_genesis_committee() {
	use crate::genesis_config_presets::DEV_ATTESTATION_KEYS;
	use sp_core::Pair as _;
	for (name, key) in DEV_ATTESTATION_KEYS {
		let derived = sp_core::ecdsa::Pair::from_string(&format!("//{name}"), None).unwrap().public();
		assert_eq!(derived.0, key, "attestation key of //{name}");
	}
	let address = |name: &str| {
		let key = DEV_ATTESTATION_KEYS.iter().find(|(n, _)| *n == name).unwrap().1;
		pallet_attestation::address_of(&sp_core::ecdsa::Public::from_raw(key).into()).unwrap()
	};
	ext_from_preset(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		assert_eq!(pallet_attestation::CurrentCommittee::<Runtime>::get(), 0);
		let members = pallet_attestation::Committees::<Runtime>::get(0).unwrap().members.into_inner();
		let mut expected: Vec<[u8; 20]> = ["Alice", "Bob", "Charlie", "Dave"].into_iter().map(address).collect();
		expected.sort();
		assert_eq!(members, expected);
	});
	ext_from_preset(DEV_RUNTIME_PRESET).execute_with(|| {
		let members = pallet_attestation::Committees::<Runtime>::get(0).unwrap().members.into_inner();
		assert_eq!(members, vec![address("Alice")]);
	});
}

#[test]
fn dev_node_identities_derive_from_their_node_keys() {
	use crate::genesis_config_presets::DEV_NODES;
	use sp_core::Pair as _;
	for (name, peer) in DEV_NODES {
		let secret = sp_io::hashing::sha2_256(name.as_bytes());
		let public = sp_core::ed25519::Pair::from_seed(&secret).public();
		let mut expected = vec![0x00, 0x24, 0x08, 0x01, 0x12, 0x20];
		expected.extend_from_slice(&public.0);
		assert_eq!(peer.to_vec(), expected, "PeerId of node {name}");
	}
}

#[test]
fn presets_permission_their_nodes() {
	use crate::genesis_config_presets::DEV_NODES;
	let peer = |name: &str| {
		sp_core::OpaquePeerId(DEV_NODES.iter().find(|(n, _)| *n == name).unwrap().1.to_vec())
	};
	ext_from_preset(DEV_RUNTIME_PRESET).execute_with(|| {
		let nodes = pallet_node_authorization::WellKnownNodes::<Runtime>::get();
		assert_eq!(nodes.into_iter().collect::<Vec<_>>(), vec![peer("alice")]);
	});
	ext_from_preset(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		let nodes = pallet_node_authorization::WellKnownNodes::<Runtime>::get();
		assert_eq!(nodes.len(), 6);
		for (name, k) in [("alice", Sr25519Keyring::Alice), ("ferdie", Sr25519Keyring::Ferdie)] {
			assert!(nodes.contains(&peer(name)), "{name}'s node is well known");
			assert_eq!(
				pallet_node_authorization::Owners::<Runtime>::get(peer(name)),
				Some(k.to_account_id())
			);
		}
		// `local` has no sudo key: the council is the only governance origin.
		assert_eq!(pallet_sudo::Key::<Runtime>::get(), None);
	});
}

#[test]
fn only_the_council_removes_a_well_known_node() {
	use crate::genesis_config_presets::DEV_NODES;
	use frame_support::assert_noop;
	ext_from_preset(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		System::set_block_number(1);
		let eve_node = sp_core::OpaquePeerId(DEV_NODES[4].1.to_vec());
		// Not even the node's owner or a single council member can remove it.
		for k in [Sr25519Keyring::Eve, Sr25519Keyring::Alice] {
			assert_noop!(
				NodeAuthorization::remove_well_known_node(
					RuntimeOrigin::signed(k.to_account_id()),
					eve_node.clone()
				),
				sp_runtime::DispatchError::BadOrigin
			);
		}
		pass_council_motion(RuntimeCall::NodeAuthorization(
			pallet_node_authorization::Call::remove_well_known_node { node: eve_node.clone() },
		));
		assert!(!pallet_node_authorization::WellKnownNodes::<Runtime>::get().contains(&eve_node));
		System::assert_has_event(
			pallet_node_authorization::Event::<Runtime>::NodeRemoved { peer_id: eve_node }.into(),
		);
	});
}

#[test]
fn only_council_authorized_relayers_report_batches() {
	use frame_support::assert_ok;
	ext_from_preset(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		System::set_block_number(1);
		let relayer = Sr25519Keyring::Ferdie.to_account_id();
		let report = || Rollup::mark_proven(RuntimeOrigin::signed(relayer.clone()), 1);
		assert_eq!(report(), Err(sp_runtime::DispatchError::BadOrigin), "not a relayer yet");
		// a single council member cannot make one
		assert_eq!(
			RelayerMembership::add_member(RuntimeOrigin::signed(Sr25519Keyring::Alice.to_account_id()), relayer.clone().into())
				.map_err(|e| e.error),
			Err(sp_runtime::DispatchError::BadOrigin)
		);
		pass_council_motion(RuntimeCall::RelayerMembership(pallet_membership::Call::add_member {
			who: relayer.clone().into(),
		}));
		assert!(pallet_membership::Members::<Runtime, pallet_membership::Instance2>::get().contains(&relayer));
		// now the report reaches the rollup pallet (which has no batch 1 to advance)
		assert_eq!(report(), Err(pallet_rollup::Error::<Runtime>::UnknownBatch.into()));
		assert_ok!(RelayerMembership::remove_member(RuntimeOrigin::root(), relayer.clone().into()));
		assert_eq!(report(), Err(sp_runtime::DispatchError::BadOrigin));
	});
}

#[test]
fn plain_transfers_are_filtered() {
	use crate::currency::UNIT;
	use frame_support::{assert_ok, traits::Contains};
	use sp_runtime::traits::Dispatchable;
	ext_from_preset(DEV_RUNTIME_PRESET).execute_with(|| {
		let alice = Sr25519Keyring::Alice.to_account_id();
		let bob = Sr25519Keyring::Bob.to_account_id();
		let filtered: sp_runtime::DispatchError = frame_system::Error::<Runtime>::CallFiltered.into();
		for call in [
			pallet_balances::Call::transfer_allow_death { dest: bob.clone().into(), value: UNIT },
			pallet_balances::Call::transfer_keep_alive { dest: bob.clone().into(), value: UNIT },
			pallet_balances::Call::transfer_all { dest: bob.clone().into(), keep_alive: false },
		] {
			let r = RuntimeCall::Balances(call).dispatch(RuntimeOrigin::signed(alice.clone()));
			assert_eq!(r.map_err(|e| e.error), Err(filtered));
		}
		assert_eq!(pallet_balances::Pallet::<Runtime>::free_balance(&bob), ENDOWMENT);
		// Root (the dev sudo key) is not filtered.
		assert_ok!(RuntimeCall::Balances(pallet_balances::Call::force_transfer {
			source: alice.clone().into(),
			dest: bob.clone().into(),
			value: UNIT,
		})
		.dispatch(RuntimeOrigin::root()));
		assert_eq!(pallet_balances::Pallet::<Runtime>::free_balance(&bob), ENDOWMENT + UNIT);
		// Sending value through the EVM is a transfer too; calls without value are not.
		let eth_call = |value: u64| {
			RuntimeCall::Revive(pallet_revive::Call::eth_call {
				dest: ALITH.into(),
				value: value.into(),
				weight_limit: Weight::zero(),
				eth_gas_limit: 0u64.into(),
				data: vec![],
				transaction_encoded: vec![],
				effective_gas_price: 0u64.into(),
				encoded_len: 0,
			})
		};
		assert!(!NoPlainTransfers::contains(&eth_call(1)));
		assert!(NoPlainTransfers::contains(&eth_call(0)));
		let revive_call = |value: Balance| {
			RuntimeCall::Revive(pallet_revive::Call::call {
				dest: ALITH.into(),
				value,
				weight_limit: Weight::zero(),
				storage_deposit_limit: 0,
				data: vec![],
			})
		};
		assert!(!NoPlainTransfers::contains(&revive_call(1)));
		assert!(NoPlainTransfers::contains(&revive_call(0)));
		assert!(NoPlainTransfers::contains(&RuntimeCall::System(frame_system::Call::remark {
			remark: vec![]
		})));
	});
}

#[test]
fn only_the_council_issues_units() {
	use crate::currency::UNIT;
	use frame_support::{assert_noop, traits::fungible::Inspect};
	use pallet_revive::AddressMapper;
	ext_from_preset(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		System::set_block_number(1);
		// A new member's account (no balance at genesis).
		let member: AccountId = sp_core::crypto::AccountId32::new([7; 32]);
		let issued_before = <Balances as Inspect<AccountId>>::total_issuance();
		// Neither a plain account nor a single council member can issue.
		for k in [Sr25519Keyring::Ferdie, Sr25519Keyring::Alice] {
			assert_noop!(
				Issuance::issue(RuntimeOrigin::signed(k.to_account_id()), member.clone().into(), UNIT),
				sp_runtime::DispatchError::BadOrigin
			);
		}
		pass_council_motion(RuntimeCall::Issuance(pallet_issuance::Call::issue {
			beneficiary: member.clone().into(),
			amount: 100 * UNIT,
		}));
		assert_eq!(Balances::free_balance(&member), 100 * UNIT);
		assert_eq!(<Balances as Inspect<AccountId>>::total_issuance(), issued_before + 100 * UNIT);
		System::assert_has_event(
			pallet_issuance::Event::<Runtime>::Issued {
				beneficiary: member.clone(),
				amount: 100 * UNIT,
				total_issuance: issued_before + 100 * UNIT,
			}
			.into(),
		);
		// The new account is mapped to its Ethereum address, so it can deploy contracts.
		assert!(<Runtime as pallet_revive::Config>::AddressMapper::is_mapped(&member));
		// The council burns part of it back.
		pass_council_motion(RuntimeCall::Issuance(pallet_issuance::Call::burn {
			who: member.clone().into(),
			amount: 40 * UNIT,
		}));
		assert_eq!(Balances::free_balance(&member), 60 * UNIT);
		assert_eq!(<Balances as Inspect<AccountId>>::total_issuance(), issued_before + 60 * UNIT);
		// The issued units still cannot be transferred by their owner.
		assert!(!<NoPlainTransfers as frame_support::traits::Contains<_>>::contains(
			&RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
				dest: Sr25519Keyring::Bob.to_account_id().into(),
				value: UNIT,
			})
		));
	});
}

/// `RefuseFilteredCalls` refuses at validation exactly what `NoPlainTransfers` filters, for a
/// signed origin: plain transfers and Revive calls with value (`Custom(VALUE_TRANSFER_REFUSED)`),
/// not the same calls without value, nor other calls; it is in the runtime's extension pipeline,
/// the one Ethereum transactions get too.
#[test]
fn filtered_calls_are_refused_at_validation() {
	use frame_support::dispatch::DispatchInfo;
	use sp_runtime::{
		traits::DispatchTransaction,
		transaction_validity::{InvalidTransaction, TransactionSource::External, TransactionValidityError},
	};
	ext_from_preset(DEV_RUNTIME_PRESET).execute_with(|| {
		let alice = Sr25519Keyring::Alice.to_account_id();
		let bob = Sr25519Keyring::Bob.to_account_id();
		let validate = |call: RuntimeCall| {
			RefuseFilteredCalls
				.validate_only(RuntimeOrigin::signed(alice.clone()), &call, &DispatchInfo::default(), 0, External, 0)
				.map(|_| ())
		};
		let refused = Err(TransactionValidityError::Invalid(InvalidTransaction::Custom(VALUE_TRANSFER_REFUSED)));
		let eth_call = |value: u64| {
			RuntimeCall::Revive(pallet_revive::Call::eth_call {
				dest: polkadot_sdk::sp_core::H160::repeat_byte(7),
				value: value.into(),
				weight_limit: frame_support::weights::Weight::zero(),
				eth_gas_limit: 21_000u64.into(),
				data: vec![],
				transaction_encoded: vec![],
				effective_gas_price: 1u64.into(),
				encoded_len: 0,
			})
		};
		assert_eq!(validate(RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive { dest: bob.clone().into(), value: 1 })), refused);
		assert_eq!(validate(RuntimeCall::Balances(pallet_balances::Call::transfer_all { dest: bob.clone().into(), keep_alive: true })), refused);
		assert_eq!(validate(eth_call(1)), refused, "an Ethereum transaction with value");
		assert_eq!(validate(eth_call(0)), Ok(()), "the same call without value");
		assert_eq!(validate(RuntimeCall::System(frame_system::Call::remark { remark: vec![1] })), Ok(()));
		// Ethereum transactions go through the same pipeline
		let eth_extension = <EthExtraImpl as pallet_revive::evm::runtime::EthExtra>::get_eth_extension(0, 0);
		assert_eq!(eth_extension.1, RefuseFilteredCalls);
	});
}

/// The rollup pallet with the runtime's configuration (trees of depth 16, batches of 16): a real
/// model registered and an instance started by the BPM core's engine are recorded with the
/// prover's state and definitions roots, and the open batch is sealed `RollupSealPeriod` blocks
/// later.
#[test]
fn rollup_records_an_engine_action_with_the_provers_roots() {
	use alstra_bpm_core::engine::{Engine, RuntimeDefinition};
	use alstra_bpm_core::proof::{replay::Replay, state::{fr_to_bytes, Params}};
	use frame_support::traits::Hooks;
	ext_from_preset(DEV_RUNTIME_PRESET).execute_with(|| {
		System::set_block_number(1);
		let model = alstra_bpmn::compile_file(concat!(
			env!("CARGO_MANIFEST_DIR"),
			"/../bpmn-compiler/tests/data/caterpillar/invoicing.bpmn"
		))
		.unwrap();
		let mut engine = Engine::new();
		let def = engine.publish(RuntimeDefinition::new(&model));
		assert!(Rollup::register_definition(def as u32, &model).is_ok());
		let mut replay = Replay::new(Params { state_depth: 16, defs_depth: 16, batch_size: 16 });
		replay.publish(&model).unwrap();
		let account = |role: &[u8; 32]| -> [u8; 20] { role[12..].try_into().unwrap() };
		let roles: Vec<[u8; 32]> =
			model.pools.iter().map(|p| p.role).chain(model.swimlanes.iter().map(|s| s.role)).collect();
		for r in &roles {
			engine.register_participant(account(r), [*r]);
		}
		let start_role = engine.definition(def).unwrap().start_role;
		let bindings: Vec<_> = roles.iter().filter(|r| **r != start_role).map(|r| (*r, account(r))).collect();
		let (_, events) = engine.start_instance(account(&start_role), def, &bindings, &[]).unwrap();
		assert!(Rollup::record_action(&events).is_ok());
		replay.apply(&events).unwrap();
		assert_eq!(Rollup::state_root(), fr_to_bytes(&replay.state.root()));
		assert_eq!(Rollup::defs_root(), fr_to_bytes(&replay.registry.root()));
		assert!(pallet_rollup::Batches::<Runtime>::get(1).is_none());
		let seal_at = 1 + RollupSealPeriod::get();
		Rollup::on_initialize(seal_at - 1);
		assert!(pallet_rollup::Batches::<Runtime>::get(1).is_none());
		Rollup::on_initialize(seal_at);
		let batch = pallet_rollup::Batches::<Runtime>::get(1).expect("sealed by time");
		assert_eq!(batch.new_root, Rollup::state_root());
	});
}

/// The rollup precompile, called as pallet-revive calls it (an EVM call to its address), by an
/// account that governance did or did not authorize (`AuthorizedContracts` keys on the caller's
/// EVM address; a contract calling is checked the same way, see tests/e2e for the real ones).
mod rollup_precompile {
	use super::*;
	use crate::rollup_precompile::{abi_model, report_of as report, IRollup};
	use alloy_core::sol_types::{SolCall, SolError, SolValue};
	use pallet_revive::AddressMapper;
	use alstra_bpm_core::engine::{Engine, RuntimeDefinition};
	use alstra_bpm_core::proof::{replay::Replay, state::{fr_to_bytes, Params}, ROLLUP_PRECOMPILE_ADDRESS};
	use alstra_bpm_core::CompiledModel;
	use pallet_revive::{precompiles::alloy::primitives::U256 as AU256, ExecConfig, TransactionLimits};
	use pallet_rollup::ContractRole;

	fn invoicing() -> CompiledModel {
		alstra_bpmn::compile_file(concat!(env!("CARGO_MANIFEST_DIR"), "/../bpmn-compiler/tests/data/caterpillar/invoicing.bpmn"))
			.unwrap()
	}

	/// Calls the precompile as `who`: `Ok(output)` or `Err(revert message or error)`.
	fn call(who: &AccountId, data: Vec<u8>) -> Result<Vec<u8>, String> {
		call_weighed(who, data).0
	}

	/// [`call`], with the weight the call consumed.
	fn call_weighed(who: &AccountId, data: Vec<u8>) -> (Result<Vec<u8>, String>, Weight) {
		let r = Revive::bare_call(
			RuntimeOrigin::signed(who.clone()),
			ROLLUP_PRECOMPILE_ADDRESS.into(),
			0u32.into(),
			TransactionLimits::WeightAndDeposit {
				weight_limit: Weight::from_parts(1_000_000_000_000, 10 * 1024 * 1024),
				deposit_limit: u128::MAX,
			},
			data,
			&ExecConfig::new_substrate_tx(),
		);
		let out = match r.result {
			Ok(v) if v.did_revert() => {
				let reason = alloy_core::sol_types::Revert::abi_decode(&v.data).map(|r| r.reason).unwrap_or_default();
				Err(reason)
			},
			Ok(v) => Ok(v.data),
			Err(e) => Err(format!("{e:?}")),
		};
		(out, r.weight_consumed)
	}

	fn address_of(who: &AccountId) -> [u8; 20] {
		<Runtime as pallet_revive::Config>::AddressMapper::to_address(who).0
	}

	fn state_root_view(who: &AccountId) -> [u8; 32] {
		let out = call(who, IRollup::stateRootCall {}.abi_encode()).unwrap();
		AU256::abi_decode(&out).unwrap().to_le_bytes::<32>()
	}

	#[test]
	fn an_unauthorized_caller_is_refused_and_changes_nothing() {
		ext_from_preset(DEV_RUNTIME_PRESET).execute_with(|| {
			System::set_block_number(1);
			let alice = Sr25519Keyring::Alice.to_account_id();
			let model = invoicing();
			let register = IRollup::registerDefinitionCall { definitionId: AU256::from(1), model: abi_model(&model) }.abi_encode();
			let err = call(&alice, register.clone()).unwrap_err();
			assert!(err.contains("is not an authorized registry"), "{err}");
			assert_eq!(pallet_rollup::DefinitionCount::<Runtime>::get(), 0);
			// an engine may not register, a registry may not report
			assert!(Rollup::authorize_contract(RuntimeOrigin::root(), address_of(&alice), ContractRole::Engine).is_ok());
			let err = call(&alice, register.clone()).unwrap_err();
			assert!(err.contains("is not an authorized registry"), "{err}");
			assert!(Rollup::authorize_contract(RuntimeOrigin::root(), address_of(&alice), ContractRole::Registry).is_ok());
			let (out, weight) = call_weighed(&alice, register);
			let rules = u32::abi_decode(&out.unwrap()).unwrap();
			assert_eq!(pallet_rollup::RuleCount::<Runtime>::get(), rules as u64);
			// the registration paid at least the pallet's weight for its real number of rules
			use pallet_rollup::WeightInfo as _;
			let priced = <Runtime as pallet_rollup::Config>::WeightInfo::register_definition(rules);
			assert!(weight.ref_time() >= priced.ref_time(), "{weight:?} < {priced:?}");
			let start = IRollup::instanceStartedCall { instanceId: AU256::from(1), definitionId: AU256::from(1), parentInstance: AU256::ZERO }.abi_encode();
			let err = call(&alice, start).unwrap_err();
			assert!(err.contains("is not an authorized engine"), "{err}");
			assert_eq!(pallet_rollup::NextInstanceId::<Runtime>::get(), 1);
			// the council's (root's) authorization only: a signed account cannot authorize itself
			assert!(Rollup::authorize_contract(RuntimeOrigin::signed(alice.clone()), address_of(&alice), ContractRole::Engine).is_err());
		});
	}

	#[test]
	fn engine_reports_fire_the_provers_rules_and_a_rejected_firing_reverts_with_its_reason() {
		ext_from_preset(DEV_RUNTIME_PRESET).execute_with(|| {
			System::set_block_number(1);
			let alice = Sr25519Keyring::Alice.to_account_id();
			let model = invoicing();
			assert!(Rollup::authorize_contract(RuntimeOrigin::root(), address_of(&alice), ContractRole::Registry).is_ok());
			let register = IRollup::registerDefinitionCall { definitionId: AU256::from(1), model: abi_model(&model) }.abi_encode();
			call(&alice, register.clone()).unwrap();
			// a second registration of the same id is refused by name
			let err = call(&alice, register).unwrap_err();
			assert!(err.contains("DefinitionAlreadyRegistered"), "{err}");
			assert!(Rollup::authorize_contract(RuntimeOrigin::root(), address_of(&alice), ContractRole::Engine).is_ok());

			let mut engine = Engine::new();
			let def = engine.publish(RuntimeDefinition::new(&model));
			let mut replay = Replay::new(Params { state_depth: 16, defs_depth: 16, batch_size: 16 });
			replay.publish(&model).unwrap();
			let account = |role: &[u8; 32]| -> [u8; 20] { role[12..].try_into().unwrap() };
			let roles: Vec<[u8; 32]> = model.pools.iter().map(|p| p.role).chain(model.swimlanes.iter().map(|s| s.role)).collect();
			for r in &roles {
				engine.register_participant(account(r), [*r]);
			}
			let start_role = engine.definition(def).unwrap().start_role;
			let bindings: Vec<_> = roles.iter().filter(|r| **r != start_role).map(|r| (*r, account(r))).collect();
			let (id, events) = engine.start_instance(account(&start_role), def, &bindings, &[]).unwrap();
			let mut actions = vec![events];
			for _ in 0..3 {
				let task = engine.enabled_tasks(id)[0];
				let el = engine.definition(def).unwrap().elements[task as usize].clone();
				let who = account(&el.role);
				actions.push(engine.complete_task(who, id, task, &[]).unwrap());
			}
			for events in &actions {
				for ev in events {
					if let Some(data) = report(ev) {
						call(&alice, data).unwrap_or_else(|e| panic!("{ev:?}: {e}"));
					}
				}
				replay.apply(events).unwrap();
				assert_eq!(Rollup::state_root(), fr_to_bytes(&replay.state.root()), "the prover's root");
			}
			assert_eq!(state_root_view(&alice), Rollup::state_root());
			let defs = call(&alice, IRollup::definitionsRootCall {}.abi_encode()).unwrap();
			assert_eq!(AU256::abi_decode(&defs).unwrap().to_le_bytes::<32>(), Rollup::defs_root());

			// replaying the last completion: its task has no token any more
			let root = Rollup::state_root();
			let open = pallet_rollup::OpenBatch::<Runtime>::get();
			let again = actions.last().unwrap().iter().find_map(report).unwrap();
			let err = call(&alice, again).unwrap_err();
			assert!(err.starts_with("rollup: FiringRefused: "), "{err}");
			assert!(err.contains("NotEnabled") || err.contains("Refused"), "{err}");
			// an instance that does not exist
			let ghost = IRollup::subProcessCompletedCall { instanceId: AU256::from(77), element: 0 }.abi_encode();
			let err = call(&alice, ghost).unwrap_err();
			assert!(err.starts_with("rollup: UnknownInstance"), "{err}");
			assert_eq!(Rollup::state_root(), root);
			assert_eq!(pallet_rollup::OpenBatch::<Runtime>::get(), open);
		});
	}

	#[test]
	fn a_malformed_model_is_refused_with_where() {
		ext_from_preset(DEV_RUNTIME_PRESET).execute_with(|| {
			System::set_block_number(1);
			let alice = Sr25519Keyring::Alice.to_account_id();
			assert!(Rollup::authorize_contract(RuntimeOrigin::root(), address_of(&alice), ContractRole::Registry).is_ok());
			let mut m = abi_model(&invoicing());
			m.activityFlows[0].target = 999;
			let err = call(&alice, IRollup::registerDefinitionCall { definitionId: AU256::from(1), model: m }.abi_encode()).unwrap_err();
			assert_eq!(err, "rollup: malformed model: activity sequence flow 0 refers to a missing record");
			assert_eq!(pallet_rollup::RuleCount::<Runtime>::get(), 0);
		});
	}
}

/// Decodes a `0x`-prefixed hex string of `predeploys.json`.
fn hex_bytes(v: &serde_json::Value) -> Vec<u8> {
	let s = v.as_str().expect("a hex string");
	sp_core::bytes::from_hex(s).expect("valid hex")
}

#[test]
fn every_preset_predeploys_the_canonical_contracts() {
	use pallet_revive::AddressMapper as _;
	let list: Vec<serde_json::Value> =
		serde_json::from_str(crate::genesis_config_presets::PREDEPLOYS_JSON).unwrap();
	let addresses: Vec<&str> = list.iter().map(|a| a["address"].as_str().unwrap()).collect();
	// forge script's CREATE2 deployer, Multicall3, the Safe factory, EntryPoint v0.7.
	for canonical in [
		"0x4e59b44847b379578588920cA78FbF26c0B4956C",
		"0xcA11bde05977b3631167028862bE2a173976CA11",
		"0x914d7Fec6aaC8cd542e72Bca78B30650d45643d7",
		"0x0000000071727De22E5E9d8BAf0edAc6f37da032",
	] {
		assert!(addresses.contains(&canonical), "{canonical} is not in predeploys.json");
	}
	for preset in [DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET] {
		ext_from_preset(preset).execute_with(|| {
			for a in &list {
				let address = sp_core::H160::from_slice(&hex_bytes(&a["address"]));
				let code = hex_bytes(&a["code"]);
				assert_eq!(Revive::code(&address), code, "{preset}: code of {}", a["name"]);
				let account = <Runtime as pallet_revive::Config>::AddressMapper::to_account_id(&address);
				assert_eq!(
					System::account_nonce(&account) as u64,
					a["nonce"].as_u64().unwrap(),
					"{preset}: nonce of {}",
					a["name"]
				);
				for (key, value) in a["storage"].as_object().unwrap() {
					let key: [u8; 32] = hex_bytes(&serde_json::Value::String(key.clone())).try_into().unwrap();
					assert_eq!(
						Revive::get_storage(address, key).unwrap(),
						Some(hex_bytes(value)),
						"{preset}: storage of {}",
						a["name"]
					);
				}
			}
			// An address that is not predeployed has no code.
			assert!(Revive::code(&sp_core::H160::repeat_byte(0x42)).is_empty());
		});
	}
}

#[test]
fn only_a_council_motion_acts_for_the_council_account() {
	use crate::genesis_config_presets::COUNCIL_ACCOUNT_ENDOWMENT;
	use frame_support::assert_noop;
	use pallet_revive::AddressMapper;
	use sp_runtime::traits::Hash as _;
	ext_from_preset(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		System::set_block_number(1);
		let account = CouncilAccount::account_id();
		// Funded and mapped at genesis: its EVM address is the one the BPM contracts trust.
		assert_eq!(Balances::free_balance(&account), COUNCIL_ACCOUNT_ENDOWMENT);
		assert!(<Runtime as pallet_revive::Config>::AddressMapper::is_mapped(&account));
		let evm = <Runtime as pallet_revive::Config>::AddressMapper::to_address(&account);
		assert_eq!(CouncilAccount::evm_address(), evm);
		assert_eq!(&evm.0[..], &sp_io::hashing::keccak_256(account.as_ref())[12..]);
		// Neither a council member alone nor the account's own key (it has none) acts for it.
		let remark = RuntimeCall::System(frame_system::Call::remark_with_event { remark: b"motion".to_vec() });
		for who in [Sr25519Keyring::Alice.to_account_id(), account.clone()] {
			assert_noop!(
				CouncilAccount::dispatch(RuntimeOrigin::signed(who), Box::new(remark.clone())),
				sp_runtime::DispatchError::BadOrigin
			);
		}
		// A 2/3 motion does: the remark is the council account's.
		pass_council_motion(RuntimeCall::CouncilAccount(pallet_council_account::Call::dispatch {
			call: Box::new(remark.clone()),
		}));
		System::assert_has_event(
			frame_system::Event::<Runtime>::Remarked {
				sender: account.clone(),
				hash: <Runtime as frame_system::Config>::Hashing::hash(b"motion"),
			}
			.into(),
		);
		System::assert_has_event(
			pallet_council_account::Event::<Runtime>::Dispatched {
				call_hash: <Runtime as frame_system::Config>::Hashing::hash_of(&remark),
			}
			.into(),
		);
		// The runtime's filter holds for it too: no plain transfer of the native unit.
		pass_council_motion(RuntimeCall::CouncilAccount(pallet_council_account::Call::dispatch {
			call: Box::new(RuntimeCall::Balances(pallet_balances::Call::transfer_allow_death {
				dest: Sr25519Keyring::Ferdie.to_account_id().into(),
				value: 1,
			})),
		}));
		assert!(System::events().iter().any(|r| matches!(
			&r.event,
			RuntimeEvent::Council(pallet_collective::Event::Executed { result: Err(e), .. })
				if *e == frame_system::Error::<Runtime>::CallFiltered.into()
		)));
		assert_eq!(Balances::free_balance(&account), COUNCIL_ACCOUNT_ENDOWMENT);
	});
}

#[test]
fn a_node_owner_admits_only_well_known_nodes_as_additional_connections() {
	use crate::genesis_config_presets::DEV_NODES;
	use frame_support::{assert_ok, traits::Contains};
	use sp_runtime::traits::Dispatchable;
	let peer = |name: &str| {
		sp_core::OpaquePeerId(DEV_NODES.iter().find(|(n, _)| *n == name).unwrap().1.to_vec())
	};
	ext_from_preset(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		System::set_block_number(1);
		let alice = RuntimeOrigin::signed(Sr25519Keyring::Alice.to_account_id());
		let add = |connections: Vec<sp_core::OpaquePeerId>| {
			RuntimeCall::NodeAuthorization(pallet_node_authorization::Call::add_connections {
				node: peer("alice"),
				connections,
			})
		};
		// Another well-known node: allowed (its peer set already allows it).
		assert_ok!(add(vec![peer("bob")]).dispatch(alice.clone()));
		// An outsider's PeerId, alone or beside a well-known one: filtered, nothing stored.
		let outsider = sp_core::OpaquePeerId(vec![7; 38]);
		for connections in [vec![outsider.clone()], vec![peer("charlie"), outsider.clone()]] {
			let call = add(connections);
			assert!(!<Runtime as frame_system::Config>::BaseCallFilter::contains(&call));
			assert_eq!(
				call.dispatch(alice.clone()).unwrap_err().error,
				frame_system::Error::<Runtime>::CallFiltered.into()
			);
		}
		let added = pallet_node_authorization::AdditionalConnections::<Runtime>::get(peer("alice"));
		assert_eq!(added.into_iter().collect::<Vec<_>>(), vec![peer("bob")]);
		// Removing connections stays the owner's.
		assert_ok!(RuntimeCall::NodeAuthorization(pallet_node_authorization::Call::remove_connections {
			node: peer("alice"),
			connections: vec![peer("bob")],
		})
		.dispatch(alice));
	});
}

#[test]
fn the_evm_block_author_is_the_validator_of_the_aura_slot() {
	use codec::Encode;
	use pallet_revive::AddressMapper;
	use polkadot_sdk::sp_consensus_aura::{Slot, AURA_ENGINE_ID};
	use sp_runtime::{generic::Digest, DigestItem};
	ext_from_preset(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		let validators = pallet_session::Validators::<Runtime>::get();
		assert_eq!(validators.len(), 4);
		for (number, slot) in [(1u32, 8u64), (2, 9), (3, 14)] {
			let digest = Digest { logs: vec![DigestItem::PreRuntime(AURA_ENGINE_ID, Slot::from(slot).encode())] };
			System::initialize(&number, &Default::default(), &digest);
			// Aura's author index is the slot modulo the authorities (the session's validators).
			let author = &validators[(slot % 4) as usize];
			assert_eq!(
				pallet_revive::Pallet::<Runtime>::block_author(),
				<Runtime as pallet_revive::Config>::AddressMapper::to_address(author),
				"slot {slot}"
			);
		}
	});
}
