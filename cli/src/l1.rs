//! `alstra l1 ...`: the L1 side of the rollup on any Ethereum JSON-RPC endpoint (anvil, a
//! testnet, mainnet): deployment of `PoseidonT3`, `Groth16Verifier` (with the circuit's verifying
//! key as constructor argument), `RollupManager` (which deploys its `DataAvailability`) with the
//! consortium's initial validator set, from the committed artifacts in `contracts/l1/artifacts/`
//! (`contracts/scripts/export-artifacts.sh`), so no Solidity compiler is needed.

use alloy::{
	hex,
	network::{EthereumWallet, TransactionBuilder},
	primitives::{keccak256, Address, Bytes, B256, U256},
	providers::{DynProvider, Provider, ProviderBuilder},
	rpc::types::TransactionRequest,
	signers::local::PrivateKeySigner,
	sol_types::{SolConstructor, SolValue},
};
use anyhow::{anyhow, bail, ensure, Context, Result};
use clap::{Subcommand, ValueEnum};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[allow(missing_docs, clippy::too_many_arguments)]
mod bindings {
	alloy::sol!(
		#[sol(rpc, all_derives)]
		Groth16Verifier,
		"../contracts/l1/artifacts/Groth16Verifier.json"
	);
	alloy::sol!(
		#[sol(rpc, all_derives)]
		RollupManager,
		"../contracts/l1/artifacts/RollupManager.json"
	);
	alloy::sol!(
		#[sol(rpc, all_derives)]
		PoseidonT3,
		"../contracts/l1/artifacts/PoseidonT3.json"
	);
}
pub use bindings::{Groth16Verifier, RollupManager};

/// `RollupManager`'s artifact: its bytecode calls the `PoseidonT3` library (through the
/// `DataAvailability` it deploys), so it is stored unlinked with solc's link references.
const ROLLUP_MANAGER_ARTIFACT: &str = include_str!("../../contracts/l1/artifacts/RollupManager.json");

/// `alstra l1 ...`
#[derive(Debug, Subcommand)]
pub enum L1Cmd {
	/// Deploy the L1 contracts (PoseidonT3, Groth16Verifier for the keys' verifying key,
	/// RollupManager with its DataAvailability) and write an addresses file.
	Deploy(DeployArgs),
}

/// Arguments of `alstra l1 deploy`.
#[derive(Debug, clap::Args)]
pub struct DeployArgs {
	/// Ethereum JSON-RPC endpoint of the L1 (e.g. anvil's http://127.0.0.1:8546).
	#[arg(long)]
	pub l1_rpc: String,
	/// Private key (0x + 32 bytes hex) of the L1 account that pays the deployment; also read
	/// from the environment variable ALSTRA_L1_KEY.
	#[arg(long, env = "ALSTRA_L1_KEY", hide_env_values = true)]
	pub l1_key: String,
	/// Keys directory of the batch circuit (`alstra prover setup`): its verifying key goes into
	/// the Groth16Verifier, its state depth gives the genesis root.
	#[arg(long)]
	pub keys: PathBuf,
	/// Read the initial validator set from this AlstraNet node: its current committee
	/// (`AttestationApi`), id and members (instead of `--validator` and `--validator-set-id`).
	#[arg(long, conflicts_with_all = ["validators", "validator_set_id"])]
	pub node: Option<String>,
	/// Attestation address of a member of AlstraNet's current validator committee (repeat for
	/// each; at least one, unless `--node`).
	#[arg(long = "validator", required_unless_present = "node")]
	pub validators: Vec<Address>,
	/// Id of that committee on AlstraNet (`attestation.currentCommittee`; 0 on a new chain):
	/// L1's validator set id, continued by each handover.
	#[arg(long, default_value_t = 0)]
	pub validator_set_id: u64,
	/// Data availability: `rollup` (batch data on L1) or `validium` (commitments only).
	#[arg(long, value_enum, default_value_t = DaMode::Rollup)]
	pub mode: DaMode,
	/// Account that may pause and resume submission (default: the deploying account).
	#[arg(long)]
	pub admin: Option<Address>,
	/// Where the addresses file goes.
	#[arg(long, default_value = "alstra-l1.json")]
	pub out: PathBuf,
}

/// `DataAvailability.Mode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DaMode {
	/// The batch data is posted in calldata and checked against the proven commitment.
	Rollup,
	/// Only the commitment is recorded.
	Validium,
}

/// The addresses file `alstra l1 deploy` writes (JSON, camelCase).
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct L1Deployment {
	/// Chain id of the L1.
	pub l1_chain_id: u64,
	/// `RollupManager`.
	pub rollup_manager: Address,
	/// Its `DataAvailability`.
	pub data_availability: Address,
	/// `Groth16Verifier`.
	pub verifier: Address,
	/// `PoseidonT3` library.
	pub poseidon_t3: Address,
	/// Data-availability mode.
	pub mode: DaMode,
	/// State root of the empty state (decimal).
	pub genesis_root: String,
	/// `keccak256(abi.encode(vk))`, as `Groth16Verifier.verifyingKeyHash()`.
	pub verifying_key_hash: B256,
	/// The initial validator set's id (AlstraNet's committee id).
	pub validator_set_id: u64,
	/// The initial validator set.
	pub validators: Vec<Address>,
	/// Admin (pause/unpause).
	pub admin: Address,
	/// L1 block of the `RollupManager` deployment (where a relayer starts reading its logs).
	pub deployed_at_block: u64,
}

/// Runs `alstra l1 ...`.
pub async fn run(cmd: &L1Cmd) -> Result<()> {
	match cmd {
		L1Cmd::Deploy(args) => deploy(args).await,
	}
}

/// The verifying key as `Groth16Verifier.VerifyingKey`.
fn verifying_key(keys: &Path) -> Result<(alstra_prover::state::Params, Groth16Verifier::VerifyingKey)> {
	let (params, vk) = alstra_prover::cli::load_vk(keys).with_context(|| format!("cannot read the keys in {}", keys.display()))?;
	let v = alstra_prover::export::solidity_vk(&vk);
	ensure!(
		v.ic.len() == alstra_prover::export::N_PUBLIC + 1,
		"{}: the verifying key has {} public signals, Groth16Verifier takes {}",
		keys.display(),
		v.ic.len() - 1,
		alstra_prover::export::N_PUBLIC
	);
	let n = |s: &String| s.parse::<U256>().expect("decimal coordinates");
	let g1 = |p: &[String; 2]| [n(&p[0]), n(&p[1])];
	let g2 = |p: &[[String; 2]; 2]| [g1(&p[0]), g1(&p[1])];
	let ic: Vec<[U256; 2]> = v.ic.iter().map(g1).collect();
	Ok((
		params,
		Groth16Verifier::VerifyingKey {
			alpha: g1(&v.alpha),
			beta: g2(&v.beta),
			gamma: g2(&v.gamma),
			delta: g2(&v.delta),
			ic: ic.try_into().map_err(|_| anyhow!("six IC points"))?,
		},
	))
}

/// Links `library` at `address` into an artifact's `unlinkedBytecode` at its link references.
fn link(artifact: &str, library: &str, address: Address) -> Result<Bytes> {
	let doc: serde_json::Value = serde_json::from_str(artifact)?;
	let code = doc["unlinkedBytecode"].as_str().ok_or_else(|| anyhow!("artifact without unlinkedBytecode"))?;
	let mut code = code.trim_start_matches("0x").to_string();
	let mut linked = 0;
	for (_, libs) in doc["linkReferences"].as_object().into_iter().flatten() {
		for (name, refs) in libs.as_object().into_iter().flatten() {
			ensure!(name == library, "the artifact also links {name}, which this command does not deploy");
			for r in refs.as_array().into_iter().flatten() {
				let start = r["start"].as_u64().ok_or_else(|| anyhow!("link reference without start"))? as usize * 2;
				ensure!(r["length"].as_u64() == Some(20), "a link reference is not 20 bytes");
				code.replace_range(start..start + 40, &hex::encode(address));
				linked += 1;
			}
		}
	}
	ensure!(linked > 0, "no link reference to {library}");
	ensure!(!code.contains("__$"), "bytecode still has unlinked libraries");
	Ok(hex::decode(code)?.into())
}

/// Sends a contract creation and returns the new address, failing with the step's name.
async fn create(provider: &DynProvider, what: &str, code: Bytes) -> Result<(Address, u64)> {
	let tx = TransactionRequest::default().with_deploy_code(code);
	let receipt = provider
		.send_transaction(tx)
		.await
		.with_context(|| format!("deploying {what}"))?
		.get_receipt()
		.await
		.with_context(|| format!("waiting for the deployment of {what}"))?;
	ensure!(receipt.status(), "the deployment of {what} reverted (transaction {})", receipt.transaction_hash);
	let address = receipt.contract_address.ok_or_else(|| anyhow!("{what}: no contract address in the receipt"))?;
	Ok((address, receipt.block_number.unwrap_or_default()))
}

async fn deploy(args: &DeployArgs) -> Result<()> {
	let key: B256 = args
		.l1_key
		.parse()
		.map_err(|_| anyhow!("--l1-key is not a 0x-prefixed 32-byte private key"))?;
	let signer = PrivateKeySigner::from_bytes(&key)?;
	let deployer = signer.address();
	let url = args.l1_rpc.parse().with_context(|| format!("--l1-rpc `{}` is not a URL", args.l1_rpc))?;
	let provider = ProviderBuilder::new().wallet(EthereumWallet::from(signer)).connect_http(url).erased();
	let chain_id = provider
		.get_chain_id()
		.await
		.with_context(|| format!("cannot reach the L1 Ethereum JSON-RPC endpoint {}", args.l1_rpc))?;
	let balance = provider.get_balance(deployer).await?;
	ensure!(!balance.is_zero(), "the deploying account {deployer} has no ether on L1 chain {chain_id}");
	let (validator_set_id, mut validators) = match &args.node {
		Some(node) => crate::relayer::current_committee(node).await?,
		None => (args.validator_set_id, args.validators.clone()),
	};
	validators.sort();
	if let Some(w) = validators.windows(2).find(|w| w[0] == w[1]) {
		bail!("--validator {} is given twice", w[0]);
	}

	let (params, vk) = verifying_key(&args.keys)?;
	let genesis = alstra_prover::state::State::new(params.state_depth).root();
	let genesis_root: U256 = alstra_prover::state::fr_to_dec(&genesis).parse()?;
	let vk_hash = keccak256(vk.abi_encode());

	let (poseidon, _) = create(&provider, "PoseidonT3", bindings::PoseidonT3::BYTECODE.clone()).await?;
	let verifier_code = [
		Groth16Verifier::BYTECODE.as_ref(),
		&Groth16Verifier::constructorCall { vk: vk.clone() }.abi_encode(),
	]
	.concat();
	let (verifier, _) = create(&provider, "Groth16Verifier", verifier_code.into()).await?;
	let admin = args.admin.unwrap_or(deployer);
	let mode = match args.mode {
		DaMode::Rollup => 0u8,
		DaMode::Validium => 1u8,
	};
	let manager_code = [
		link(ROLLUP_MANAGER_ARTIFACT, "PoseidonT3", poseidon)?.as_ref(),
		&RollupManager::constructorCall {
			admin,
			verifier_: verifier,
			mode,
			genesisRoot_: genesis_root,
			validatorSetId_: validator_set_id,
			validators_: validators.clone(),
		}
		.abi_encode(),
	]
	.concat();
	let (manager, block) = create(&provider, "RollupManager", manager_code.into()).await?;

	// What was deployed is what was asked for.
	let v = Groth16Verifier::new(verifier, &provider);
	ensure!(v.verifyingKeyHash().call().await? == vk_hash, "the deployed verifier holds another verifying key");
	let m = RollupManager::new(manager, &provider);
	ensure!(m.stateRoot().call().await? == genesis_root, "the deployed RollupManager has another genesis root");
	ensure!(m.validators().call().await? == validators, "the deployed RollupManager has another validator set");
	ensure!(
		m.validatorSetId().call().await? == validator_set_id,
		"the deployed RollupManager has another validator set id"
	);
	let data_availability = m.dataAvailability().call().await?;

	let d = L1Deployment {
		l1_chain_id: chain_id,
		rollup_manager: manager,
		data_availability,
		verifier,
		poseidon_t3: poseidon,
		mode: args.mode,
		genesis_root: genesis_root.to_string(),
		verifying_key_hash: vk_hash,
		validator_set_id,
		validators,
		admin,
		deployed_at_block: block,
	};
	std::fs::write(&args.out, serde_json::to_string_pretty(&d)? + "\n")
		.with_context(|| format!("cannot write {}", args.out.display()))?;
	println!("L1 chain {chain_id}: RollupManager {manager} (DataAvailability {data_availability}, {:?} mode)", args.mode);
	println!("  Groth16Verifier {verifier} (verifying key hash {vk_hash}), PoseidonT3 {poseidon}");
	println!("  genesis root {genesis_root}, {} validator(s), admin {admin}, block {block}", d.validators.len());
	println!("  wrote {}", args.out.display());
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn linking_fills_every_reference_and_only_those() {
		let lib = Address::repeat_byte(0xab);
		let code = link(ROLLUP_MANAGER_ARTIFACT, "PoseidonT3", lib).unwrap();
		let doc: serde_json::Value = serde_json::from_str(ROLLUP_MANAGER_ARTIFACT).unwrap();
		let unlinked = doc["unlinkedBytecode"].as_str().unwrap().trim_start_matches("0x");
		assert_eq!(code.len() * 2, unlinked.len());
		let at = doc["linkReferences"].as_object().unwrap().values().next().unwrap()["PoseidonT3"][0]["start"]
			.as_u64()
			.unwrap() as usize;
		assert_eq!(&code[at..at + 20], lib.as_slice());
		assert!(link(ROLLUP_MANAGER_ARTIFACT, "Other", lib).unwrap_err().to_string().contains("PoseidonT3"));
	}
}
