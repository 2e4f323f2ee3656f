//! `alstra`: the AlstraNet command line.
//!
//! Compiles BPMN 2.0 models (`alstra bpmn check`), deploys them as process definitions
//! (`alstra bpmn deploy`), starts and inspects process instances, lists and completes tasks,
//! delivers messages from black-box participants and prints the audit trail — all against
//! the Ethereum JSON-RPC endpoint of an AlstraNet node (`alstranet-node --eth-rpc`), with
//! the BPM contracts of `contracts/bpm`.

mod chain;
#[cfg(test)]
mod conformance;
mod contracts;
mod encode;
mod l1;
mod oracle;
mod rewards;
mod certificates;
mod governance;
mod relayer;
mod verify;

use alloy::primitives::{keccak256, Address, B256};
use anyhow::{anyhow, bail, Context, Result};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// The AlstraNet command line.
#[derive(Debug, Parser)]
#[command(name = "alstra", version, about)]
pub struct Cli {
	/// Ethereum JSON-RPC endpoint of an AlstraNet node.
	#[arg(long, env = "ALSTRA_RPC_URL", default_value = "http://127.0.0.1:8545", global = true)]
	pub rpc_url: String,

	/// Signing account: a dev account name (alith, baltathar, charleth, dorothy, ethan — public
	/// test keys) or a 0x-prefixed 32-byte private key.
	#[arg(long, env = "ALSTRA_ACCOUNT", default_value = "alith", global = true)]
	pub account: String,

	/// Deployment file with the addresses of the BPM contracts (written by `engine deploy`).
	#[arg(long, env = "ALSTRA_DEPLOYMENT", default_value = "alstra-deployment.json", global = true)]
	pub deployment: PathBuf,

	/// Print machine-readable JSON instead of text.
	#[arg(long, global = true)]
	pub json: bool,

	#[command(subcommand)]
	pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
	/// Deploy the BPM contracts (participant registry, definition registry, execution engine).
	#[command(subcommand)]
	Engine(EngineCmd),
	/// Manage the consortium's participants and their roles.
	#[command(subcommand)]
	Participant(ParticipantCmd),
	/// Compile and deploy BPMN 2.0 models.
	#[command(subcommand)]
	Bpmn(BpmnCmd),
	/// Start and inspect process instances.
	#[command(subcommand)]
	Instance(InstanceCmd),
	/// List and complete tasks.
	#[command(subcommand)]
	Task(TaskCmd),
	/// Deliver a message from a black-box participant to an instance.
	#[command(subcommand)]
	Message(MessageCmd),
	/// Service tasks completed by oracles: the OracleGateway, its oracles, and the adapter that
	/// asks a business system's HTTP endpoint and signs its results (spec 5.19).
	#[command(subcommand)]
	Oracle(oracle::OracleCmd),
	/// Recognition units for verified work (spec 5.13, 5.15): deploy RewardUnits, an account's
	/// balance and reward history.
	#[command(subcommand)]
	Rewards(rewards::RewardsCmd),
	/// ERC-721 certificates of completed instances whose definition asks for them (spec 5.13).
	#[command(subcommand)]
	Certificate(certificates::CertificateCmd),
	/// The BPM contracts governed by the consortium (spec 5.18): hand their governance roles to
	/// the council account, which only a 2/3 council motion acts for (see docs/governance.md).
	#[command(subcommand)]
	Governance(governance::GovernanceCmd),
	/// Groth16 validity proofs of BPM state transitions: setup, prove, verify, export
	/// (see docs/prover.md).
	#[command(subcommand)]
	Prover(alstra_prover::cli::ProverCmd),
	/// The rollup's Ethereum L1 contracts: deploy them (see docs/prover.md).
	#[command(subcommand)]
	L1(l1::L1Cmd),
	/// Relay sealed batches to L1: prove each, submit it with the validators' signatures, and
	/// report it proven, submitted and finalized on AlstraNet (see docs/prover.md).
	Relayer(relayer::RelayerArgs),
	/// Print the audit trail of an instance (and of the instances its call activities
	/// started) as a readable timeline, rebuilt from the chain's event logs.
	Trail {
		/// Instance id.
		instance: u64,
	},
}

/// `alstra engine ...`
#[derive(Debug, Subcommand)]
pub enum EngineCmd {
	/// Deploy ParticipantRegistry, ProcessDefinitionRegistry and ProcessExecution, and write
	/// their addresses to the deployment file. The signer becomes their administrator.
	Deploy {
		/// The rollup precompile registry and engine report to: `auto` (AlstraNet's, when the
		/// chain has it), `none`, or an address. Governance must then authorize both contracts.
		#[arg(long, default_value = "auto")]
		rollup: String,
	},
}

/// `alstra participant ...`
#[derive(Debug, Subcommand)]
pub enum ParticipantCmd {
	/// Register a participant (an account of a consortium member) with its global roles.
	Register {
		/// Account address (0x...).
		address: Address,
		/// Display name.
		#[arg(long)]
		name: String,
		/// A role it may play (a lane or pool name of the models), repeatable.
		#[arg(long = "role", required = true)]
		roles: Vec<String>,
	},
}

/// `alstra bpmn ...`
#[derive(Debug, Subcommand)]
pub enum BpmnCmd {
	/// Compile a .bpmn file and print what it contains, or why it is refused (offline).
	Check {
		/// BPMN 2.0 XML file.
		file: PathBuf,
	},
	/// Compile a .bpmn file and deploy it as a new version of its process definition.
	Deploy {
		/// BPMN 2.0 XML file.
		file: PathBuf,
	},
	/// Deprecate a version: it starts no new instance (directly or by a call activity), its
	/// running instances go on. Its owner or the registry's admin.
	Deprecate {
		/// Definition id, or `key:<BPMN process id>` for the latest version.
		definition: String,
	},
	/// Reinstate a deprecated version.
	Reinstate {
		/// Definition id, or `key:<BPMN process id>` for the latest version.
		definition: String,
	},
	/// Print the transactions that deploy a .bpmn file as Draft `--definition-id` (offline, JSON):
	/// the `createDefinition` calldata, then each add* batch, source part and `publish`, all to the
	/// ProcessDefinitionRegistry, for a wallet to send (what `deploy` sends itself).
	Encode {
		/// BPMN 2.0 XML file.
		file: PathBuf,
		/// The id `createDefinition` returned (the registry's `DefinitionCreated`).
		#[arg(long)]
		definition_id: u64,
	},
	/// Print (or write) a definition's BPMN source as deployed, rebuilt from the registry's logs
	/// and checked against the hash chain the registry keeps.
	Source {
		/// Definition id, or `key:<BPMN process id>` for the latest version.
		definition: String,
		/// Write the file here instead of standard output.
		#[arg(long, short)]
		out: Option<PathBuf>,
	},
}

/// `NAME=VALUE` pairs.
#[derive(Debug, Clone, Args)]
pub struct VarArgs {
	/// Set an instance variable: `NAME=VALUE` (bool: true/false, int: decimal, string: text).
	#[arg(long = "var", value_name = "NAME=VALUE")]
	pub vars: Vec<String>,
}

/// `alstra instance ...`
#[derive(Debug, Subcommand)]
pub enum InstanceCmd {
	/// Start an instance of a definition: by id, or `key:<process id>` for its latest version.
	Start {
		/// Definition id, or `key:<BPMN process id>`.
		definition: String,
		/// Bind a role of the model to a registered participant: `ROLE=0xADDRESS`, repeatable.
		#[arg(long = "bind", value_name = "ROLE=ADDRESS")]
		bind: Vec<String>,
		#[command(flatten)]
		vars: VarArgs,
	},
	/// Show an instance: status, marking, enabled tasks, variables.
	Show {
		/// Instance id.
		instance: u64,
	},
}

/// `alstra task ...`
#[derive(Debug, Subcommand)]
pub enum TaskCmd {
	/// List the enabled tasks of one instance, or of every active instance.
	List {
		/// Only this instance.
		#[arg(long)]
		instance: Option<u64>,
		/// Only the tasks the signing account may complete.
		#[arg(long)]
		mine: bool,
	},
	/// Complete an enabled task, optionally setting variables and deciding the decision gateways
	/// (exclusive gateways without conditions) that follow it.
	Complete {
		/// Instance id.
		instance: u64,
		/// The task: BPMN element id, name, or element index.
		task: String,
		#[command(flatten)]
		vars: VarArgs,
		/// Choose the flow of a decision gateway the task leads to: `GATEWAY=FLOW`, the gateway
		/// by BPMN id, name or index, the flow by BPMN id, its target element's BPMN id or name,
		/// or its position among the gateway's outgoing flows (0-based). Repeat for several.
		#[arg(long = "decide", value_name = "GATEWAY=FLOW")]
		decide: Vec<String>,
	},
	/// Submit the work of a task that needs verification (`alstra:verifier` in the model): the
	/// variables and decisions its completion will use, and the SHA-256 of an evidence file.
	/// Nothing moves until an account of the verifier role approves it.
	Submit {
		/// Instance id.
		instance: u64,
		/// The task: BPMN element id, name, or element index.
		task: String,
		#[command(flatten)]
		vars: VarArgs,
		/// As for `task complete`: `GATEWAY=FLOW`, repeat for several.
		#[arg(long = "decide", value_name = "GATEWAY=FLOW")]
		decide: Vec<String>,
		/// Evidence document: its SHA-256 is submitted (the file itself stays off chain).
		#[arg(long, value_name = "FILE")]
		evidence: Option<std::path::PathBuf>,
	},
	/// Approve a task's submission as its verifier (not its performer): the task completes.
	Approve {
		/// Instance id.
		instance: u64,
		/// The task: BPMN element id, name, or element index.
		task: String,
		/// Check this file against the submitted evidence hash first; refuse when it differs.
		#[arg(long, value_name = "FILE")]
		evidence: Option<std::path::PathBuf>,
	},
	/// Reject a task's submission as its verifier: it is dropped and the task waits for a new one.
	Reject {
		/// Instance id.
		instance: u64,
		/// The task: BPMN element id, name, or element index.
		task: String,
		/// Why (logged on chain with the rejection).
		#[arg(long)]
		reason: String,
	},
}

/// `alstra message ...`
#[derive(Debug, Subcommand)]
pub enum MessageCmd {
	/// Deliver a message of a black-box participant (a message flow from its pool).
	Correlate {
		/// Instance id.
		instance: u64,
		/// The message flow: BPMN id, name, or index.
		message_flow: String,
		#[command(flatten)]
		vars: VarArgs,
	},
}

/// The public test keys of the Ethereum dev accounts endowed on `dev` and `local` chains
/// (Moonbeam's / `subxt_signer::eth::dev`'s well-known accounts).
pub const DEV_ACCOUNTS: [(&str, &str); 5] = [
	("alith", "0x5fb92d6e98884f76de468fa3f6278f8807c48bebc13595d45af5bdc4da702133"),
	("baltathar", "0x8075991ce870b93a8870eca0c0f91913d12f47948ca0fd25b49c6fa7cdbeee8b"),
	("charleth", "0x0b6e18cafb6ed99687ec547bd28139cafdd2bffe70e6b688025de6b445aa5c5b"),
	("dorothy", "0x39539ab1876910bbf3a223d84a29e28f1cb4e2e456503e7e91ed39b2e7223d68"),
	("ethan", "0x7dce9bc8babb68fec1409be38c8e1a52650206a7ed90ff956ae8a6d15eeaaef4"),
];

/// Resolves `--account` to a private key.
pub fn private_key(account: &str) -> Result<B256> {
	let hex = DEV_ACCOUNTS
		.iter()
		.find(|(name, _)| name.eq_ignore_ascii_case(account))
		.map(|(_, key)| *key)
		.unwrap_or(account);
	hex.parse::<B256>().map_err(|_| {
		anyhow!(
			"--account `{account}` is neither a dev account ({}) nor a 0x-prefixed 32-byte private key",
			DEV_ACCOUNTS.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
		)
	})
}

/// Role id of a role name: keccak256 of its UTF-8 bytes (docs/bpm-engine.md, "Roles").
pub fn role_id(name: &str) -> B256 {
	keccak256(name.as_bytes())
}

/// Splits `NAME=VALUE`.
pub fn split_pair<'a>(s: &'a str, what: &str) -> Result<(&'a str, &'a str)> {
	s.split_once('=').ok_or_else(|| anyhow!("{what} `{s}` must look like NAME=VALUE"))
}

fn check(file: &PathBuf, json: bool) -> Result<()> {
	// the file's XML encoding declaration is honoured (Latin-1 exports)
	let xml = alstra_bpmn::read_model(file).map_err(|e| anyhow!("{e}"))?;
	match alstra_bpmn::compile(&xml) {
		Ok(model) => {
			if json {
				println!("{}", serde_json::to_string_pretty(&model)?);
			} else {
				println!("{}: compiled", file.display());
				println!("{}", encode::describe(&model));
			}
			Ok(())
		},
		Err(e) => {
			if json {
				// the refusal as data (element id, type, line, reason) for tools, e.g. the web app
				println!("{}", serde_json::json!({ "refused": e }));
			}
			bail!("{}: refused: {e}", file.display())
		},
	}
}

fn encode_calls(file: &PathBuf, definition_id: u64) -> Result<()> {
	use alloy::sol_types::SolCall;
	let source = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
	let xml = alstra_bpmn::read_model(file).map_err(|e| anyhow!("{e}"))?;
	let model = alstra_bpmn::compile(&xml).map_err(|e| anyhow!("{}: refused: {e}", file.display()))?;
	let rec = encode::records(&model)?;
	let create = contracts::registry::ProcessDefinitionRegistry::createDefinitionCall {
		processKey: alloy::primitives::FixedBytes(model.process_key),
		name: model.name.clone(),
	};
	let calls = chain::deployment_calls(&rec, &source, alloy::primitives::U256::from(definition_id));
	println!(
		"{}",
		serde_json::json!({
			"processKey": format!("0x{}", encode::hex(&model.process_key)), "name": model.name,
			"createDefinition": alloy::primitives::Bytes::from(create.abi_encode()),
			"definitionId": definition_id, "calls": calls,
		})
	);
	Ok(())
}

#[tokio::main]
async fn main() {
	let cli = Cli::parse();
	if let Err(e) = run(cli).await {
		eprintln!("error: {e:#}");
		std::process::exit(1);
	}
}

async fn run(cli: Cli) -> Result<()> {
	let cli = match cli {
		Cli { command: Command::Bpmn(BpmnCmd::Check { file }), json, .. } => return check(&file, json),
		Cli { command: Command::Bpmn(BpmnCmd::Encode { file, definition_id }), .. } => return encode_calls(&file, definition_id),
		// Offline: derived from the runtime's pallet id.
		Cli { command: Command::Governance(governance::GovernanceCmd::CouncilAddress), json, .. } => {
			return governance::print_council_address(json)
		}
		// Offline: the prover needs no chain.
		Cli { command: Command::Prover(cmd), .. } => return alstra_prover::cli::run(cmd),
		// Talks to L1, not to AlstraNet.
		Cli { command: Command::L1(cmd), .. } => return l1::run(&cmd).await,
		// Talks to L1 and to AlstraNet's Substrate side.
		Cli { command: Command::Relayer(args), .. } => return relayer::run(&args).await,
		cli => cli,
	};
	let session = chain::Session::connect(&cli).await?;
	match &cli.command {
		Command::Engine(EngineCmd::Deploy { rollup }) => session.deploy_engine(&cli.deployment, rollup).await,
		Command::Participant(ParticipantCmd::Register { address, name, roles }) =>
			session.register_participant(*address, name, roles).await,
		Command::Bpmn(BpmnCmd::Deploy { file }) => session.deploy_model(file).await,
		Command::Bpmn(BpmnCmd::Deprecate { definition }) => session.set_deprecated(definition, true).await,
		Command::Bpmn(BpmnCmd::Reinstate { definition }) => session.set_deprecated(definition, false).await,
		Command::Bpmn(BpmnCmd::Source { definition, out }) => session.model_source(definition, out.as_deref()).await,
		Command::Oracle(oracle::OracleCmd::Deploy) => session.deploy_oracle_gateway(&cli.deployment).await,
		Command::Governance(governance::GovernanceCmd::HandOver { to }) => session.hand_over(*to).await,
		Command::Governance(governance::GovernanceCmd::Roles { also }) => session.show_roles(also).await,
		Command::Rewards(rewards::RewardsCmd::Deploy) => session.deploy_reward_units().await,
		Command::Rewards(rewards::RewardsCmd::Balance { holder }) => session.reward_balance(*holder).await,
		Command::Rewards(rewards::RewardsCmd::History { holder }) => session.reward_history(*holder).await,
		Command::Certificate(certificates::CertificateCmd::Deploy) => session.deploy_certificates(&cli.deployment).await,
		Command::Certificate(certificates::CertificateCmd::Claim { instance }) => session.claim_certificate(*instance).await,
		Command::Certificate(certificates::CertificateCmd::Show { instance }) => session.show_certificate(*instance).await,
		Command::Oracle(oracle::OracleCmd::Register { address }) => session.set_oracle(*address, true).await,
		Command::Oracle(oracle::OracleCmd::Remove { address }) => session.set_oracle(*address, false).await,
		Command::Oracle(oracle::OracleCmd::Run { endpoint, once, poll_seconds, retries, retry_seconds, validity_seconds }) => {
			session
				.run_oracle(
					private_key(&cli.account)?,
					endpoint,
					*once,
					std::time::Duration::from_secs(*poll_seconds),
					*retries,
					std::time::Duration::from_secs(*retry_seconds),
					*validity_seconds,
				)
				.await
		},
		Command::Bpmn(BpmnCmd::Check { .. } | BpmnCmd::Encode { .. })
		| Command::Governance(governance::GovernanceCmd::CouncilAddress)
		| Command::Prover(_) | Command::L1(_) | Command::Relayer(_) =>
			unreachable!("handled above"),
		Command::Instance(InstanceCmd::Start { definition, bind, vars }) =>
			session.start_instance(definition, bind, &vars.vars).await,
		Command::Instance(InstanceCmd::Show { instance }) => session.show_instance(*instance).await,
		Command::Task(TaskCmd::List { instance, mine }) => session.list_tasks(*instance, *mine).await,
		Command::Task(TaskCmd::Complete { instance, task, vars, decide }) =>
			session.complete_task(*instance, task, &vars.vars, decide).await,
		Command::Task(TaskCmd::Submit { instance, task, vars, decide, evidence }) =>
			session.submit_task(*instance, task, &vars.vars, decide, evidence.as_deref()).await,
		Command::Task(TaskCmd::Approve { instance, task, evidence }) =>
			session.approve_task(*instance, task, evidence.as_deref()).await,
		Command::Task(TaskCmd::Reject { instance, task, reason }) => session.reject_task(*instance, task, reason).await,
		Command::Message(MessageCmd::Correlate { instance, message_flow, vars }) =>
			session.correlate_message(*instance, message_flow, &vars.vars).await,
		Command::Trail { instance } => session.trail(*instance).await,
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn dev_accounts_resolve_and_bad_keys_are_explained() {
		assert_eq!(
			private_key("Alith").unwrap(),
			"0x5fb92d6e98884f76de468fa3f6278f8807c48bebc13595d45af5bdc4da702133".parse::<B256>().unwrap()
		);
		let err = private_key("mallory").unwrap_err().to_string();
		assert!(err.contains("alith, baltathar"), "{err}");
	}

	#[test]
	fn role_ids_are_keccak_of_names() {
		assert_eq!(role_id("Customer"), keccak256(b"Customer"));
		assert_ne!(role_id("Customer"), role_id("customer"));
	}

	#[test]
	fn the_command_line_is_consistent() {
		// Catches clashing argument ids (e.g. a positional named like a global option).
		<Cli as clap::CommandFactory>::command().debug_assert();
	}

	#[test]
	fn pairs_need_an_equals_sign() {
		assert_eq!(split_pair("a=b=c", "--var").unwrap(), ("a", "b=c"));
		assert!(split_pair("ab", "--var").unwrap_err().to_string().contains("NAME=VALUE"));
	}
}
