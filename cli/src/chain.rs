//! Everything `alstra` does against the chain, through the node's Ethereum JSON-RPC endpoint.

use crate::{
	contracts::{
		execution::{BpmRuntime as ExecRt, ProcessExecution},
		participants::ParticipantRegistry,
		registry::ProcessDefinitionRegistry,
	},
	encode, private_key, role_id, split_pair, Cli,
};
use alloy::{
	network::EthereumWallet,
	primitives::{keccak256, Address, FixedBytes, I256, U256},
	providers::{DynProvider, Provider, ProviderBuilder},
	rpc::types::{Filter, TransactionReceipt},
	signers::local::PrivateKeySigner,
	sol_types::{SolEvent, SolEventInterface},
};
use anyhow::{anyhow, bail, Context, Result};
use serde::{Deserialize, Serialize};
use std::{collections::BTreeMap, path::Path};

/// Addresses of the BPM contracts on one chain (the deployment file).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Deployment {
	/// EIP-155 chain id the contracts live on.
	pub chain_id: u64,
	/// `ParticipantRegistry`.
	pub participant_registry: Address,
	/// `ProcessDefinitionRegistry`.
	pub definition_registry: Address,
	/// `ProcessExecution`.
	pub process_execution: Address,
	/// The rollup precompile registry and engine report to (absent on a chain without one).
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub rollup: Option<Address>,
	/// `OracleGateway` (`alstra oracle deploy`), when the deployment has one.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub oracle_gateway: Option<Address>,
	/// `InstanceCertificates` (`alstra certificate deploy`), when the deployment has one.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub instance_certificates: Option<Address>,
}

/// A connection with a signer, and the deployment when one is known.
pub struct Session {
	pub(crate) provider: DynProvider,
	pub(crate) signer: Address,
	pub(crate) chain_id: u64,
	pub(crate) deployment: Option<Deployment>,
	pub(crate) json: bool,
}

/// A decoded revert of one of the BPM contracts, or the transport error as is.
pub(crate) fn explain(e: alloy::contract::Error) -> anyhow::Error {
	match e.as_revert_data().and_then(|d| explain_revert(&d)) {
		Some(err) => err,
		None => anyhow!(e),
	}
}

/// The same for a transaction sent without a typed binding (`eth_estimateGas` reverts).
fn explain_rpc(e: alloy::transports::TransportError) -> anyhow::Error {
	match e.as_error_resp().and_then(|r| r.as_revert_data()).and_then(|d| explain_revert(&d)) {
		Some(err) => err,
		None => anyhow!(e),
	}
}

/// Revert data as a custom error of the engine or the registries, or an `Error(string)` (the
/// rollup precompile's refusals, "rollup: FiringRefused: ..."); `None` for anything else.
fn explain_revert(data: &[u8]) -> Option<anyhow::Error> {
	use crate::contracts::{
		execution::ProcessExecution::ProcessExecutionErrors as E,
		oracle::OracleGateway::OracleGatewayErrors as O,
		participants::ParticipantRegistry::ParticipantRegistryErrors as P,
		registry::ProcessDefinitionRegistry::ProcessDefinitionRegistryErrors as R,
		certificates::InstanceCertificates::InstanceCertificatesErrors as C,
		rewards::RewardUnits::RewardUnitsErrors as U,
	};
	use alloy::sol_types::{SolError, SolInterface};
	if let Ok(err) = E::abi_decode(data) {
		return Some(anyhow!("reverted: {err:?}"));
	}
	if let Ok(err) = R::abi_decode(data) {
		return Some(anyhow!("reverted: {err:?}"));
	}
	if let Ok(err) = P::abi_decode(data) {
		return Some(anyhow!("reverted: {err:?}"));
	}
	if let Ok(err) = O::abi_decode(data) {
		return Some(anyhow!("reverted: {err:?}"));
	}
	if let Ok(err) = U::abi_decode(data) {
		return Some(anyhow!("reverted: {err:?}"));
	}
	if let Ok(err) = C::abi_decode(data) {
		return Some(anyhow!("reverted: {err:?}"));
	}
	alloy::sol_types::Revert::abi_decode(data).ok().map(|r| anyhow!("reverted: {}", r.reason))
}

/// Sends a call builder and waits for its receipt; a revert is decoded into its custom error.
macro_rules! send {
	($call:expr) => {{
		let pending = $call.send().await.map_err(explain)?;
		let receipt = pending.get_receipt().await.context("waiting for the receipt")?;
		if !receipt.status() {
			bail!("transaction {} failed on chain", receipt.transaction_hash);
		}
		receipt
	}};
}
pub(crate) use send;

pub(crate) fn status_name(s: u8) -> &'static str {
	match s {
		1 => "Active",
		2 => "Completed",
		3 => "Terminated",
		_ => "None",
	}
}

impl Session {
	/// Connects to `--rpc-url` with the `--account` signer and reads the deployment file when it exists.
	pub async fn connect(cli: &Cli) -> Result<Self> {
		let signer = PrivateKeySigner::from_bytes(&private_key(&cli.account)?)?;
		let address = signer.address();
		let url = cli.rpc_url.parse().with_context(|| format!("--rpc-url `{}`", cli.rpc_url))?;
		let provider = ProviderBuilder::new().wallet(EthereumWallet::from(signer)).connect_http(url).erased();
		let chain_id = provider
			.get_chain_id()
			.await
			.with_context(|| format!("cannot reach the Ethereum JSON-RPC endpoint {}", cli.rpc_url))?;
		let deployment = match std::fs::read_to_string(&cli.deployment) {
			Ok(text) => {
				let d: Deployment = serde_json::from_str(&text)
					.with_context(|| format!("malformed deployment file {}", cli.deployment.display()))?;
				if d.chain_id != chain_id {
					bail!(
						"{} is for chain id {}, but the endpoint is chain id {chain_id}",
						cli.deployment.display(),
						d.chain_id
					);
				}
				Some(d)
			},
			Err(_) => None,
		};
		Ok(Self { provider, signer: address, chain_id, deployment, json: cli.json })
	}

	pub(crate) fn deployment(&self) -> Result<&Deployment> {
		self.deployment
			.as_ref()
			.ok_or_else(|| anyhow!("no deployment file: run `alstra engine deploy` first (or pass --deployment)"))
	}

	fn registry(&self) -> Result<ProcessDefinitionRegistry::ProcessDefinitionRegistryInstance<DynProvider>> {
		Ok(ProcessDefinitionRegistry::new(self.deployment()?.definition_registry, self.provider.clone()))
	}

	pub(crate) fn engine(&self) -> Result<ProcessExecution::ProcessExecutionInstance<DynProvider>> {
		Ok(ProcessExecution::new(self.deployment()?.process_execution, self.provider.clone()))
	}

	pub(crate) fn print(&self, text: String, json: serde_json::Value) {
		if self.json {
			println!("{json}");
		} else {
			println!("{text}");
		}
	}

	/// The rollup precompile, if this chain has one: it answers `stateRoot()` with a word.
	async fn detect_rollup(&self) -> Result<Option<Address>> {
		use alloy::{rpc::types::TransactionRequest, sol_types::SolCall};
		let at = Address::from(alstra_bpm_core::proof::ROLLUP_PRECOMPILE_ADDRESS);
		let call = TransactionRequest::default().to(at).input(crate::contracts::rollup::IRollup::stateRootCall {}.abi_encode().into());
		Ok(match self.provider.call(call).await {
			Ok(out) if out.len() == 32 => Some(at),
			_ => None,
		})
	}

	/// `alstra engine deploy`. `rollup`: `auto` (the precompile when the chain has it),
	/// `none`, or an address.
	pub async fn deploy_engine(&self, path: &Path, rollup: &str) -> Result<()> {
		let rollup = match rollup {
			"auto" => self.detect_rollup().await?,
			"none" => None,
			a => Some(a.parse::<Address>().with_context(|| format!("--rollup `{a}`: not auto, none or an address"))?),
		};
		let p = self.provider.clone();
		let participants = ParticipantRegistry::deploy(p.clone(), self.signer).await.map_err(explain)?;
		let registry = ProcessDefinitionRegistry::deploy(p.clone(), self.signer, rollup.unwrap_or_default())
			.await
			.map_err(explain)?;
		let engine =
			ProcessExecution::deploy(p, *registry.address(), *participants.address(), rollup.unwrap_or_default())
				.await
				.map_err(explain)?;
		let d = Deployment {
			chain_id: self.chain_id,
			participant_registry: *participants.address(),
			definition_registry: *registry.address(),
			process_execution: *engine.address(),
			rollup,
			oracle_gateway: None,
			instance_certificates: None,
		};
		std::fs::write(path, serde_json::to_string_pretty(&d)? + "\n")
			.with_context(|| format!("cannot write {}", path.display()))?;
		self.print(
			format!(
				"BPM contracts deployed on chain {}:\n  ParticipantRegistry        {}\n  ProcessDefinitionRegistry  {}\n  ProcessExecution           {}\n  (written to {}){}",
				d.chain_id,
				d.participant_registry,
				d.definition_registry,
				d.process_execution,
				path.display(),
				match d.rollup {
					Some(r) => format!(
						"\nThey report to the rollup precompile {r}: governance must authorize them before the first\npublication (a council motion; sudo on dev): Rollup.authorize_contract({}, Registry) and\nRollup.authorize_contract({}, Engine).",
						d.definition_registry, d.process_execution
					),
					None => "\nNo rollup precompile on this chain: nothing is reported for proving.".into(),
				}
			),
			serde_json::to_value(&d)?,
		);
		Ok(())
	}

	/// `alstra participant register`.
	pub async fn register_participant(&self, account: Address, name: &str, roles: &[String]) -> Result<()> {
		let reg = ParticipantRegistry::new(self.deployment()?.participant_registry, self.provider.clone());
		let ids: Vec<FixedBytes<32>> = roles.iter().map(|r| role_id(r)).collect();
		let r = send!(reg.registerParticipant(account, name.to_string(), ids));
		self.print(
			format!("registered {name} ({account}) with roles {} (gas {})", roles.join(", "), r.gas_used),
			serde_json::json!({ "account": account, "name": name, "roles": roles, "gasUsed": r.gas_used }),
		);
		Ok(())
	}

	/// `alstra bpmn deploy`: createDefinition, then [`deployment_calls`]: the add* batches, the
	/// BPMN source in parts, publish.
	pub async fn deploy_model(&self, file: &Path) -> Result<()> {
		let source = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
		let model = alstra_bpmn::read_model(file)
			.map_err(|e| anyhow!("{e}"))
			.and_then(|xml| alstra_bpmn::compile(&xml).map_err(|e| anyhow!("{}: refused: {e}", file.display())))?;
		let rec = encode::records(&model)?;
		let reg = self.registry()?;
		let mut gas: u64 = 0;
		let mut txs = 0usize;
		let r = send!(reg.createDefinition(FixedBytes(model.process_key), model.name.clone()));
		gas += r.gas_used;
		txs += 1;
		let id = decode_one::<ProcessDefinitionRegistry::DefinitionCreated>(&r)?.definitionId;

		let total = rec.pools.len()
			+ rec.swimlanes.len()
			+ rec.scopes.len()
			+ rec.activities.len()
			+ rec.events.len()
			+ rec.gateways.len()
			+ rec.activity_flows.len()
			+ rec.gateway_flows.len()
			+ rec.triggers.len()
			+ rec.variables.len();
		let bar = if self.json {
			indicatif::ProgressBar::hidden()
		} else {
			indicatif::ProgressBar::new(total as u64)
		};
		bar.set_style(
			indicatif::ProgressStyle::with_template("  {msg:<24} [{bar:30}] {pos}/{len} records")
				.expect("static template")
				.progress_chars("=> "),
		);
		let mut last = None;
		for call in deployment_calls(&rec, &source, id) {
			bar.set_message(call.label);
			let tx = alloy::rpc::types::TransactionRequest::default()
				.to(self.deployment()?.definition_registry)
				.input(call.data.into());
			let pending = self.provider.send_transaction(tx).await.map_err(explain_rpc).with_context(|| call.label)?;
			let r = pending.get_receipt().await.context("waiting for the receipt")?;
			if !r.status() {
				bail!("transaction {} ({}) failed on chain", r.transaction_hash, call.label);
			}
			gas += r.gas_used;
			txs += 1;
			bar.inc(call.records as u64);
			last = Some(r);
		}
		bar.finish_and_clear();
		let r = last.expect("a deployment ends with publish");
		let published = decode_one::<ProcessDefinitionRegistry::DefinitionPublished>(&r)?;
		let summary = model.summary();
		self.print(
			format!(
				"deployed {} as definition {id}, version {} of process key 0x{} ({summary}); {txs} transactions, {gas} gas",
				file.display(),
				published.version,
				encode::hex(&model.process_key),
			),
			serde_json::json!({
				"definitionId": id.to::<u64>(), "version": published.version,
				"processKey": format!("0x{}", encode::hex(&model.process_key)),
				"transactions": txs, "gasUsed": gas, "summary": summary,
			}),
		);
		Ok(())
	}

	/// `alstra bpmn source`: rebuilds a definition's BPMN source from its
	/// `DefinitionSourceAttached` logs and checks it against the hash chain the registry keeps;
	/// writes it to `out`, or to standard output.
	pub async fn model_source(&self, definition: &str, out: Option<&Path>) -> Result<()> {
		let id = self.definition_id(definition).await?;
		let reg = self.registry()?;
		let info = reg.definition(id).call().await.map_err(explain)?;
		if info.sourceParts == 0 {
			bail!("definition {id} has no BPMN source on chain (deployed without one)");
		}
		let filter = Filter::new()
			.address(self.deployment()?.definition_registry)
			.from_block(0)
			.event_signature(ProcessDefinitionRegistry::DefinitionSourceAttached::SIGNATURE_HASH)
			.topic1(FixedBytes(id.to_be_bytes::<32>()));
		let logs = self.provider.get_logs(&filter).await.context("eth_getLogs")?;
		let mut parts = BTreeMap::new();
		for log in &logs {
			let ev = ProcessDefinitionRegistry::DefinitionSourceAttached::decode_log(&log.inner)
				.context("malformed DefinitionSourceAttached log")?
				.data;
			parts.insert(ev.part, ev.data);
		}
		let source = rebuild_source(&parts, info.sourceParts, info.sourceHash.0)
			.map_err(|e| anyhow!("definition {id}: {e}"))?;
		match out {
			Some(path) => {
				std::fs::write(path, &source).with_context(|| format!("cannot write {}", path.display()))?;
				self.print(
					format!(
						"wrote the BPMN source of definition {id} (\"{}\" version {}) to {}: {} bytes in {} parts, hash chain 0x{} checked",
						info.name,
						info.version,
						path.display(),
						source.len(),
						info.sourceParts,
						encode::hex(&info.sourceHash.0)
					),
					serde_json::json!({ "definitionId": id.to::<u64>(), "bytes": source.len(), "parts": info.sourceParts,
						"sourceHash": format!("0x{}", encode::hex(&info.sourceHash.0)) }),
				);
			},
			None => {
				use std::io::Write;
				std::io::stdout().write_all(&source)?;
			},
		}
		Ok(())
	}

	/// `alstra bpmn deprecate` / `reinstate`.
	pub async fn set_deprecated(&self, definition: &str, deprecated: bool) -> Result<()> {
		let id = self.definition_id(definition).await?;
		let reg = self.registry()?;
		let r = if deprecated { send!(reg.deprecate(id)) } else { send!(reg.reinstate(id)) };
		let info = reg.definition(id).call().await.map_err(explain)?;
		self.print(
			format!(
				"definition {id} (\"{}\" version {}) is {}; gas {}",
				info.name,
				info.version,
				if info.deprecated { "deprecated: it starts no new instance" } else { "active" },
				r.gas_used
			),
			serde_json::json!({ "definitionId": id.to::<u64>(), "deprecated": info.deprecated, "gasUsed": r.gas_used }),
		);
		Ok(())
	}

	/// Resolves `id` or `key:<process id>` to a definition id.
	async fn definition_id(&self, s: &str) -> Result<U256> {
		if let Some(key) = s.strip_prefix("key:") {
			let key = keccak256(key.as_bytes());
			let reg = self.registry()?;
			let version = reg.latestVersion(key).call().await.map_err(explain)?;
			if version == 0 {
				bail!("no published definition for process `{s}`");
			}
			return reg.definitionOf(key, U256::from(version)).call().await.map_err(explain);
		}
		s.parse::<U256>().map_err(|_| anyhow!("definition `{s}` is neither an id nor key:<process id>"))
	}

	/// Reads a definition's element and variable tables back from the chain.
	pub(crate) async fn model_of(&self, definition: U256) -> Result<ChainModel> {
		let reg = self.registry()?;
		let info = reg.definition(definition).call().await.map_err(explain)?;
		let mut elements = Vec::new();
		for i in 0..info.elementCount.to::<u64>() {
			let e = reg.element(definition, U256::from(i)).call().await.map_err(explain)?;
			let role = reg.roleOf(definition, U256::from(i)).call().await.map_err(explain)?;
			elements.push((e, role));
		}
		let mut variables = Vec::new();
		for i in 0..info.variableCount.to::<u64>() {
			variables.push(reg.variable(definition, U256::from(i)).call().await.map_err(explain)?);
		}
		let mut triggers = Vec::new();
		for i in 0..info.eventTriggerCount.to::<u64>() {
			triggers.push(reg.eventTrigger(definition, U256::from(i)).call().await.map_err(explain)?);
		}
		let mut roles = BTreeMap::new();
		for i in 0..info.poolCount.to::<u64>() {
			let p = reg.pool(definition, U256::from(i)).call().await.map_err(explain)?;
			roles.insert(p.role, p.name);
		}
		for i in 0..info.swimlaneCount.to::<u64>() {
			let l = reg.swimlane(definition, U256::from(i)).call().await.map_err(explain)?;
			roles.insert(l.role, l.name);
		}
		let mut verifications = BTreeMap::new();
		for v in reg.taskVerifications(definition).call().await.map_err(explain)? {
			roles.insert(v.verifierRole, v.verifierName);
			verifications.insert(v.element, (v.verifierRole, v.evidenceRequired, v.reward));
		}
		Ok(ChainModel { name: info.name, version: info.version, elements, variables, triggers, roles, verifications })
	}

	/// Parses `--var NAME=VALUE` against the definition's variable table.
	pub(crate) fn assignments(model: &ChainModel, vars: &[String]) -> Result<Vec<ExecRt::VariableAssignment>> {
		vars.iter()
			.map(|v| {
				let (name, value) = split_pair(v, "--var")?;
				let (index, var) = model
					.variables
					.iter()
					.enumerate()
					.find(|(_, x)| x.name == name)
					.ok_or_else(|| {
						anyhow!(
							"unknown variable `{name}`; the model declares: {}",
							model.variables.iter().map(|x| x.name.clone()).collect::<Vec<_>>().join(", ")
						)
					})?;
				let value = match var.varType {
					0 => match value {
						"true" => I256::ONE,
						"false" => I256::ZERO,
						_ => bail!("variable `{name}` is a bool: use true or false, not `{value}`"),
					},
					1 => value.parse::<I256>().map_err(|_| anyhow!("variable `{name}` is an int: `{value}` is not one"))?,
					_ => I256::from_raw(U256::from_be_bytes(keccak256(value.as_bytes()).0)),
				};
				Ok(ExecRt::VariableAssignment { index: index as u8, value })
			})
			.collect()
	}

	/// `alstra instance start`.
	pub async fn start_instance(&self, definition: &str, bind: &[String], vars: &[String]) -> Result<()> {
		let id = self.definition_id(definition).await?;
		let model = self.model_of(id).await?;
		let bindings = bind
			.iter()
			.map(|b| {
				let (role, addr) = split_pair(b, "--bind")?;
				let account = addr.parse::<Address>().map_err(|_| anyhow!("--bind {b}: `{addr}` is not an address"))?;
				Ok(ExecRt::RoleBinding { role: role_id(role), account })
			})
			.collect::<Result<Vec<_>>>()?;
		let assignments = Self::assignments(&model, vars)?;
		let engine = self.engine()?;
		let r = send!(engine.startInstance(id, bindings, assignments));
		let started = decode_one::<ProcessExecution::InstanceStarted>(&r)?;
		self.print(
			format!(
				"started instance {} of \"{}\" v{} (definition {id}); gas {}",
				started.instanceId, model.name, model.version, r.gas_used
			),
			serde_json::json!({ "instanceId": started.instanceId.to::<u64>(), "definitionId": id.to::<u64>(), "gasUsed": r.gas_used }),
		);
		Ok(())
	}

	/// Enabled tasks of an instance: (element index, element, role name).
	async fn enabled(&self, instance: u64, model: &ChainModel) -> Result<Vec<(u16, String)>> {
		let tasks = self.engine()?.enabledTasks(U256::from(instance)).call().await.map_err(explain)?;
		Ok(tasks
			.into_iter()
			.map(|t| {
				let (e, role) = &model.elements[t as usize];
				let verified = match model.verifications.get(&t) {
					Some((v, evidence, reward)) => format!(
						", verified by {}{}{}",
						model.role_name(v),
						if *evidence { " with evidence" } else { "" },
						if *reward != 0 { format!(", rewards {reward} units") } else { String::new() }
					),
					None => String::new(),
				};
				(t, format!("{} \"{}\" ({}) role {}{verified}", e.bpmnId, e.name, encode::kind_name(e.kind), model.role_name(role)))
			})
			.collect())
	}

	/// `alstra instance show`.
	pub async fn show_instance(&self, instance: u64) -> Result<()> {
		let engine = self.engine()?;
		let info = engine.instance(U256::from(instance)).call().await.map_err(explain)?;
		if info.status as u8 == 0 {
			bail!("no instance {instance}");
		}
		let model = self.model_of(info.definitionId).await?;
		let enabled = self.enabled(instance, &model).await?;
		let mut vars = Vec::new();
		for (i, v) in model.variables.iter().enumerate() {
			let value = engine.variable(U256::from(instance), U256::from(i)).call().await.map_err(explain)?;
			vars.push((v.name.clone(), value.to_string()));
		}
		let marking = engine.marking(U256::from(instance), U256::ZERO).call().await.map_err(explain)?;
		let status = status_name(info.status as u8);
		let mut text = format!(
			"instance {instance}: \"{}\" v{} (definition {}), {status}, started by {}\n  marking of scope 0: {marking:#x}\n",
			model.name, model.version, info.definitionId, info.starter
		);
		for (i, t) in &enabled {
			text += &format!("  enabled task [{i}] {t}\n");
		}
		for (n, v) in &vars {
			text += &format!("  var {n} = {v}\n");
		}
		self.print(
			text.trim_end().to_string(),
			serde_json::json!({
				"instanceId": instance, "definitionId": info.definitionId.to::<u64>(), "status": status,
				"starter": info.starter, "enabledTasks": enabled.iter().map(|(i, _)| *i).collect::<Vec<_>>(),
				"enabledTaskIds": enabled.iter().map(|(i, _)| model.elements[*i as usize].0.bpmnId.clone()).collect::<Vec<_>>(),
				"variables": vars.into_iter().collect::<BTreeMap<_, _>>(),
			}),
		);
		Ok(())
	}

	/// `alstra task list`.
	pub async fn list_tasks(&self, instance: Option<u64>, mine: bool) -> Result<()> {
		let engine = self.engine()?;
		let ids: Vec<u64> = match instance {
			Some(i) => vec![i],
			None => (1..=engine.instanceCount().call().await.map_err(explain)?.to::<u64>()).collect(),
		};
		let mut rows = Vec::new();
		for id in ids {
			let info = engine.instance(U256::from(id)).call().await.map_err(explain)?;
			if info.status as u8 != 1 {
				continue;
			}
			let model = self.model_of(info.definitionId).await?;
			for (t, mut text) in self.enabled(id, &model).await? {
				let mut role = model.elements[t as usize].1;
				let mut may_not = None;
				if let Some((verifier, _, _)) = model.verifications.get(&t) {
					let s = engine.submission(U256::from(id), t).call().await.map_err(explain)?;
					if !s.performer.is_zero() {
						// waiting for its verifier: the verifier's turn, never the performer's
						text += &format!("; submitted by {}, awaiting verification", s.performer);
						role = *verifier;
						may_not = Some(s.performer);
					}
				}
				let may = may_not != Some(self.signer)
					&& engine.hasRole(U256::from(id), role, self.signer).call().await.map_err(explain)?;
				if !mine || may {
					rows.push((id, t, model.elements[t as usize].0.bpmnId.clone(), text, may));
				}
			}
		}
		let text = if rows.is_empty() {
			"no enabled tasks".to_string()
		} else {
			rows.iter()
				.map(|(i, t, _, s, may)| format!("instance {i} task [{t}] {s}{}", if *may { "  <- you" } else { "" }))
				.collect::<Vec<_>>()
				.join("\n")
		};
		self.print(
			text,
			serde_json::json!(rows
				.iter()
				.map(|(i, t, id, _, may)| serde_json::json!({"instance": i, "element": t, "id": id, "mine": may}))
				.collect::<Vec<_>>()),
		);
		Ok(())
	}

	/// Resolves a task given as BPMN id, name or index.
	pub(crate) fn element_index(model: &ChainModel, task: &str) -> Result<u16> {
		if let Some(i) = model.elements.iter().position(|(e, _)| e.bpmnId == task || e.name == task) {
			return Ok(i as u16);
		}
		// a multi-instance activity is compiled to its copies `<id>#k` (docs/bpm-engine.md)
		let copies: Vec<&str> = model
			.elements
			.iter()
			.map(|(e, _)| e.bpmnId.as_str())
			.filter(|id| id.strip_prefix(task).and_then(|r| r.strip_prefix('#')).is_some_and(|k| k.parse::<u16>().is_ok()))
			.collect();
		if !copies.is_empty() {
			bail!("`{task}` is a multi-instance activity: name one of its instances ({})", copies.join(", "));
		}
		task.parse::<u16>()
			.ok()
			.filter(|i| (*i as usize) < model.elements.len())
			.ok_or_else(|| anyhow!("no element `{task}` in \"{}\" (give a BPMN id, a name or an index)", model.name))
	}

	/// The outgoing flows of gateway `gateway` in branch order: (flow BPMN id, target element
	/// index, conditional, default, place).
	async fn branches(&self, definition: U256, gateway: u16) -> Result<Vec<(String, u16, bool, bool, u8)>> {
		let reg = self.registry()?;
		let mut out = Vec::new();
		for f in reg.gatewayFlowsOf(definition, U256::from(gateway)).call().await.map_err(explain)? {
			let fl = reg.gatewaySequenceFlow(definition, U256::from(f)).call().await.map_err(explain)?;
			out.push((fl.bpmnId, fl.target, !fl.condition.is_empty(), fl.isDefault, fl.place));
		}
		Ok(out)
	}

	/// Parses `--decide GATEWAY=FLOW` against the definition's gateways and their flows.
	pub(crate) async fn decisions(&self, definition: U256, model: &ChainModel, decide: &[String]) -> Result<Vec<ExecRt::Decision>> {
		let mut out = Vec::new();
		for d in decide {
			let (g, f) = split_pair(d, "--decide")?;
			let gateway = Self::element_index(model, g)?;
			let name = |e: u16| {
				let x = &model.elements[e as usize].0;
				if x.name.is_empty() { x.bpmnId.clone() } else { format!("{} \"{}\"", x.bpmnId, x.name) }
			};
			let branches = self.branches(definition, gateway).await?;
			let choosable: Vec<usize> = (0..branches.len()).filter(|b| !branches[*b].2).collect();
			if branches.len() < 2 || !branches.iter().any(|b| !b.2 && !b.3) {
				bail!("--decide {d}: {} is not a decision gateway (an exclusive gateway with outgoing flows without conditions)", name(gateway));
			}
			let target = |b: &(String, u16, bool, bool, u8)| &model.elements[b.1 as usize].0;
			let branch = branches
				.iter()
				.position(|b| b.0 == f || target(b).bpmnId == f || (!target(b).name.is_empty() && target(b).name == f))
				.or_else(|| f.parse::<usize>().ok().filter(|i| *i < branches.len()))
				.filter(|b| choosable.contains(b))
				.ok_or_else(|| {
					let options: Vec<String> = choosable
						.iter()
						.map(|b| format!("{} (to {}){}", branches[*b].0, name(branches[*b].1), if branches[*b].3 { ", default" } else { "" }))
						.collect();
					anyhow!("--decide {d}: gateway {} has no flow `{f}` to choose; its choices: {}", name(gateway), options.join("; "))
				})?;
			out.push(ExecRt::Decision { gateway, branch: branch as u8 });
		}
		Ok(out)
	}

	/// `alstra task complete`.
	pub async fn complete_task(&self, instance: u64, task: &str, vars: &[String], decide: &[String]) -> Result<()> {
		let engine = self.engine()?;
		let info = engine.instance(U256::from(instance)).call().await.map_err(explain)?;
		if info.status as u8 == 0 {
			bail!("no instance {instance}");
		}
		let model = self.model_of(info.definitionId).await?;
		let element = Self::element_index(&model, task)?;
		if let Some((verifier, _, _)) = model.verifications.get(&element) {
			bail!(
				"task {} needs verification by {}: submit it with `alstra task submit {instance} {task}` (same --var/--decide), then an account of role {} approves it",
				model.element_name(element),
				model.role_name(verifier),
				model.role_name(verifier)
			);
		}
		let assignments = Self::assignments(&model, vars)?;
		let decisions = self.decisions(info.definitionId, &model, decide).await?;
		let sent = if decisions.is_empty() {
			engine.completeTask(U256::from(instance), element, assignments).send().await
		} else {
			engine.completeTaskWithDecisions(U256::from(instance), element, assignments, decisions).send().await
		};
		let pending = match sent {
			Ok(p) => p,
			Err(e) => {
				use crate::contracts::execution::ProcessExecution::ProcessExecutionErrors as E;
				if let Some(E::DecisionRequired(x)) = e.as_decoded_interface_error::<E>() {
					// say what to choose from
					let g = &model.elements[x.gateway as usize].0;
					let flows = self.branches(info.definitionId, x.gateway).await?;
					let options: Vec<String> = flows
						.iter()
						.filter(|b| !b.2)
						.map(|b| format!("{} (to {})", b.0, model.elements[b.1 as usize].0.bpmnId))
						.collect();
					bail!(
						"reverted: DecisionRequired: gateway {} \"{}\" needs a decision: add --decide {}=FLOW, FLOW one of: {}",
						g.bpmnId,
						g.name,
						g.bpmnId,
						options.join("; ")
					);
				}
				return Err(explain(e));
			}
		};
		let r = pending.get_receipt().await.context("waiting for the receipt")?;
		if !r.status() {
			bail!("transaction {} failed on chain", r.transaction_hash);
		}
		let after = engine.instance(U256::from(instance)).call().await.map_err(explain)?;
		let status = status_name(after.status as u8);
		self.print(
			format!(
				"completed task {} \"{}\" of instance {instance} as {}; instance is {status}; gas {}",
				model.elements[element as usize].0.bpmnId, model.elements[element as usize].0.name, self.signer, r.gas_used
			),
			serde_json::json!({ "instance": instance, "element": element, "status": status, "gasUsed": r.gas_used }),
		);
		Ok(())
	}

	/// `alstra message correlate`.
	pub async fn correlate_message(&self, instance: u64, flow: &str, vars: &[String]) -> Result<()> {
		let engine = self.engine()?;
		let info = engine.instance(U256::from(instance)).call().await.map_err(explain)?;
		let model = self.model_of(info.definitionId).await?;
		let index = model
			.triggers
			.iter()
			.position(|t| t.bpmnId == flow || t.name == flow)
			.or_else(|| flow.parse::<usize>().ok().filter(|i| *i < model.triggers.len()))
			.ok_or_else(|| anyhow!("no message flow `{flow}` in \"{}\"", model.name))?;
		let assignments = Self::assignments(&model, vars)?;
		let r = send!(engine.correlateMessage(U256::from(instance), index as u16, assignments));
		self.print(
			format!("delivered message {flow} to instance {instance}; gas {}", r.gas_used),
			serde_json::json!({ "instance": instance, "messageFlow": index, "gasUsed": r.gas_used }),
		);
		Ok(())
	}

	/// `alstra trail`: the instance's events (and those of its call-activity children), in
	/// chain order, with block, time, actor and element names.
	pub async fn trail(&self, instance: u64) -> Result<()> {
		let engine = self.engine()?;
		let mut ids = vec![U256::from(instance)];
		let mut i = 0;
		while i < ids.len() {
			ids.extend(engine.childInstances(ids[i]).call().await.map_err(explain)?);
			i += 1;
		}
		let topics: Vec<FixedBytes<32>> = ids.iter().map(|id| FixedBytes(id.to_be_bytes())).collect();
		let filter = Filter::new().address(self.deployment()?.process_execution).from_block(0).topic1(topics);
		let mut logs = self.provider.get_logs(&filter).await.context("eth_getLogs")?;
		// eth_getLogs does not promise an order (pallet-revive-eth-rpc answers from its own
		// index): put the events in chain order — block, transaction, log index.
		logs.sort_by_key(|l| (l.block_number, l.transaction_index, l.log_index));
		let mut models = BTreeMap::new();
		let mut lines = Vec::new();
		let mut json = Vec::new();
		let mut times = BTreeMap::new();
		for log in logs {
			let Ok(ev) = ProcessExecution::ProcessExecutionEvents::decode_log(&log.inner) else { continue };
			let inst: U256 = log.topics().get(1).map(|t| U256::from_be_bytes(t.0)).unwrap_or_default();
			if !models.contains_key(&inst) {
				let info = engine.instance(inst).call().await.map_err(explain)?;
				models.insert(inst, (self.model_of(info.definitionId).await?, info.definitionId));
			}
			let (model, definition) = &models[&inst];
			// an exclusive gateway: the flow it took (a decision gateway: its actor's choice)
			let mut took = String::new();
			if let ProcessExecution::ProcessExecutionEvents::ElementFired(e) = &ev.data {
				if alstra_bpm_core::ElementKind::from_ordinal(e.kind) == Some(alstra_bpm_core::ElementKind::ExclusiveGateway) {
					let flows = self.branches(*definition, e.element).await?;
					if let Some(f) = flows.iter().find(|f| U256::from(1u8) << (f.4 as usize) == e.produced) {
						let t = &model.elements[f.1 as usize].0;
						took = format!(" and took flow {} to {}", f.0, if t.name.is_empty() { &t.bpmnId } else { &t.name });
					}
				}
			}
			let name = |e: u16| {
				model.elements.get(e as usize).map(|(x, _)| format!("{} \"{}\"", x.bpmnId, x.name)).unwrap_or(e.to_string())
			};
			use ProcessExecution::ProcessExecutionEvents as Ev;
			let what = match &ev.data {
				Ev::InstanceStarted(e) => format!("instance started by {} (definition {})", e.starter, e.definitionId),
				Ev::RoleBound(e) => format!("role {} bound to {}", model.role_name(&e.role), e.account),
				Ev::ElementFired(e)
					if alstra_bpm_core::ElementKind::from_ordinal(e.kind).is_some_and(|k| k.is_role_task()) =>
				{
					format!("{} {} completed by {}", encode::kind_name(e.kind), name(e.element), e.actor)
				},
				Ev::ElementFired(e) => format!("{} {} fired{took} (by {})", encode::kind_name(e.kind), name(e.element), e.actor),
				Ev::MessageSent(e) => format!("message {} sent", model.trigger_name(e.messageFlow)),
				Ev::MessageCorrelated(e) => format!("message {} delivered by {}", model.trigger_name(e.messageFlow), e.actor),
				Ev::VariableSet(e) => {
					let var = model.variables.get(e.index as usize);
					format!(
						"variable {} = {} (by {})",
						var.map(|v| v.name.clone()).unwrap_or(e.index.to_string()),
						var.map(|v| variable_value(v.varType, e.value)).unwrap_or(e.value.to_string()),
						e.actor
					)
				},
				Ev::InstanceCompleted(_) => "instance completed".to_string(),
				Ev::TaskSubmitted(e) => format!(
					"task {} submitted for verification by {}{}",
					name(e.element),
					e.performer,
					if e.evidence.is_zero() { String::new() } else { format!(" with evidence sha256 {}", e.evidence) }
				),
				Ev::TaskApproved(e) if e.reward != 0 => format!(
					"task {} of {} approved by {} ({} reward units to {})",
					name(e.element),
					e.performer,
					e.verifier,
					e.reward,
					e.performer
				),
				Ev::TaskApproved(e) => format!("task {} of {} approved by {}", name(e.element), e.performer, e.verifier),
				Ev::TaskRejected(e) => {
					format!("task {} of {} rejected by {}: {}", name(e.element), e.performer, e.verifier, e.reason)
				},
				other => format!("{other:?}"),
			};
			let block = log.block_number.unwrap_or_default();
			if !times.contains_key(&block) {
				let ts = self
					.provider
					.get_block_by_number(block.into())
					.await
					.ok()
					.flatten()
					.map(|b| b.header.timestamp)
					.unwrap_or_default();
				times.insert(block, ts);
			}
			lines.push(format!("#{block:<6} t={:<10} instance {inst}: {what}", times[&block]));
			json.push(serde_json::json!({ "block": block, "timestamp": times[&block], "instance": inst.to::<u64>(), "event": what }));
		}
		if lines.is_empty() {
			bail!("no events for instance {instance}");
		}
		self.print(lines.join("\n"), serde_json::Value::Array(json));
		Ok(())
	}
}

/// A variable's value as stored on chain, in its BPMN type: `true`/`false`, an integer, or for
/// a string the `keccak256` of its UTF-8 bytes (the engine keeps only that: equality only, see
/// `BpmnModel.VariableType`).
fn variable_value(ty: u8, value: I256) -> String {
	match ty {
		0 => (!value.is_zero()).to_string(),
		2 => format!("string with keccak256 {}", FixedBytes::<32>::from(value.into_raw().to_be_bytes::<32>())),
		_ => value.to_string(),
	}
}

/// A definition as read back from the registry.
pub(crate) struct ChainModel {
	pub(crate) name: String,
	pub(crate) version: u32,
	pub(crate) elements: Vec<(crate::contracts::registry::BpmnModel::Element, FixedBytes<32>)>,
	pub(crate) variables: Vec<crate::contracts::registry::BpmnModel::Variable>,
	pub(crate) triggers: Vec<crate::contracts::registry::BpmnModel::EventTrigger>,
	pub(crate) roles: BTreeMap<FixedBytes<32>, String>,
	/// Verified tasks: element -> (verifier role, evidence required, reward units).
	pub(crate) verifications: BTreeMap<u16, (FixedBytes<32>, bool, u64)>,
}

impl ChainModel {
	pub(crate) fn role_name(&self, role: &FixedBytes<32>) -> String {
		self.roles.get(role).cloned().unwrap_or_else(|| format!("{role}"))
	}
	/// `<BPMN id> "<name>"` of element `e`.
	pub(crate) fn element_name(&self, e: u16) -> String {
		self.elements.get(e as usize).map(|(x, _)| format!("{} \"{}\"", x.bpmnId, x.name)).unwrap_or(e.to_string())
	}
	fn trigger_name(&self, i: u16) -> String {
		self.triggers.get(i as usize).map(|t| format!("{} \"{}\"", t.bpmnId, t.name)).unwrap_or(i.to_string())
	}
}

/// The first log of type `E` in a receipt.
/// One registry transaction of a deployment after `createDefinition`.
#[derive(Debug, Clone, Serialize)]
pub struct RegistryCall {
	/// What it does (`pools`, `activities`, ..., `BPMN source`, `publish`).
	pub label: &'static str,
	/// Records it appends (0 for the source and publish).
	pub records: usize,
	/// Its calldata for `ProcessDefinitionRegistry`.
	pub data: alloy::primitives::Bytes,
}

/// The transactions that fill Draft `id` with `rec` in batches of [`encode::BATCH`] records
/// (tables in the registry's append order), attach `source` in parts of [`SOURCE_PART`] bytes,
/// and publish it: what `alstra bpmn deploy` sends and `alstra bpmn encode` prints (for a
/// wallet to send, e.g. the web app's modeler).
pub fn deployment_calls(rec: &encode::Records, source: &[u8], id: U256) -> Vec<RegistryCall> {
	use alloy::sol_types::SolCall;
	use ProcessDefinitionRegistry as R;
	let mut out = Vec::new();
	macro_rules! batches {
		($label:literal, $items:expr, $call:ident) => {
			for chunk in $items.chunks(encode::BATCH) {
				let data = R::$call { definitionId: id, records: chunk.to_vec() }.abi_encode();
				out.push(RegistryCall { label: $label, records: chunk.len(), data: data.into() });
			}
		};
	}
	batches!("pools", rec.pools, addPoolsCall);
	batches!("swimlanes", rec.swimlanes, addSwimlanesCall);
	batches!("scopes", rec.scopes, addSubprocessesCall);
	batches!("activities", rec.activities, addActivitiesCall);
	batches!("events", rec.events, addEventsCall);
	batches!("gateways", rec.gateways, addGatewaysCall);
	batches!("activity flows", rec.activity_flows, addActivitySequenceFlowsCall);
	batches!("gateway flows", rec.gateway_flows, addGatewaySequenceFlowsCall);
	batches!("event triggers", rec.triggers, addEventTriggersCall);
	batches!("variables", rec.variables, addVariablesCall);
	batches!("task verifications", rec.verifications, addTaskVerificationsCall);
	if rec.certificate {
		let data = R::requestCertificatesCall { definitionId: id }.abi_encode();
		out.push(RegistryCall { label: "certificates", records: 0, data: data.into() });
	}
	for part in source.chunks(SOURCE_PART) {
		let data = R::attachSourceCall { definitionId: id, data: part.to_vec().into() }.abi_encode();
		out.push(RegistryCall { label: "BPMN source", records: 0, data: data.into() });
	}
	out.push(RegistryCall { label: "publish", records: 0, data: R::publishCall { definitionId: id }.abi_encode().into() });
	out
}

/// Bytes of BPMN source per `attachSource` transaction: below pallet-revive's 64 KiB for the
/// data of one event (`limits::EVENT_BYTES`) with room for the event's other fields.
pub const SOURCE_PART: usize = 48 * 1024;

/// Concatenates source parts `0..count` and checks the registry's hash chain
/// (`h = keccak256(h ++ part)` from `h = 0`, `ProcessDefinitionRegistry.attachSource`).
/// Errors name a missing part or a chain that does not end at `expected`.
fn rebuild_source(parts: &BTreeMap<u32, alloy::primitives::Bytes>, count: u32, expected: [u8; 32]) -> Result<Vec<u8>> {
	let mut h = [0u8; 32];
	let mut out = Vec::new();
	for i in 0..count {
		let part = parts.get(&i).ok_or_else(|| anyhow!("source part {i} of {count} is missing from the logs"))?;
		h = keccak256([&h[..], &part[..]].concat()).0;
		out.extend_from_slice(part);
	}
	if h != expected {
		bail!("the source in the logs does not match the hash chain on chain (0x{} != 0x{})", encode::hex(&h), encode::hex(&expected));
	}
	Ok(out)
}

fn decode_one<E: SolEvent>(r: &TransactionReceipt) -> Result<E> {
	r.inner
		.logs()
		.iter()
		.find_map(|l| E::decode_log(&l.inner).ok().map(|d| d.data))
		.ok_or_else(|| anyhow!("receipt {} has no {} event", r.transaction_hash, E::SIGNATURE))
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn source_parts_rebuild_under_the_hash_chain() {
		let parts: BTreeMap<u32, alloy::primitives::Bytes> =
			[(0, b"<definitions>".to_vec().into()), (1, b"</definitions>".to_vec().into())].into();
		let h1 = keccak256([&[0u8; 32][..], b"<definitions>"].concat());
		let h2 = keccak256([&h1[..], b"</definitions>"].concat());
		assert_eq!(rebuild_source(&parts, 2, h2.0).unwrap(), b"<definitions></definitions>");
		// a changed expectation (a different file) and a missing part are refused
		assert!(rebuild_source(&parts, 2, h1.0).unwrap_err().to_string().contains("does not match"));
		assert!(rebuild_source(&parts, 3, h2.0).unwrap_err().to_string().contains("part 2 of 3 is missing"));
	}

	#[test]
	fn variable_values_print_in_their_type() {
		assert_eq!(variable_value(0, I256::ONE), "true");
		assert_eq!(variable_value(0, I256::ZERO), "false");
		assert_eq!(variable_value(1, I256::try_from(-42).unwrap()), "-42");
		// A string is stored as int256(keccak256(bytes)): printed back as that hash.
		let stored = I256::from_raw(U256::from_be_bytes(keccak256("yes").0));
		assert_eq!(variable_value(2, stored), format!("string with keccak256 {}", keccak256("yes")));
	}
}
