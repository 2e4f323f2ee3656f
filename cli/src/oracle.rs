//! `alstra oracle`: the Integration contract's off-chain side (spec 5.19). An *oracle* is an
//! adapter between a business system and the engine: it finds the enabled service tasks (service,
//! script and business-rule tasks) that the deployment's `OracleGateway` serves, asks the
//! system's HTTP endpoint for each task's result, signs the result (EIP-712, the gateway's
//! `ServiceResult`), and sends it to the gateway, which checks the signature, the deadline and the
//! nonce and completes the task as the participant bound to its role
//! (`contracts/bpm/src/OracleGateway.sol`).
//!
//! The endpoint contract (JSON over HTTP POST):
//! ```text
//! request:  {"instance": 7, "definition": 2, "process": "C.1.1", "task": "archiveInvoice",
//!            "taskName": "Archive Invoice", "variables": {"approved": "true", "amount": "1250"}}
//! answer:   {"outputs": {"archived": true, "reference": "AR-2291"}}      (HTTP 200)
//! ```
//! `variables` are the instance's values as the engine holds them (a String variable only as its
//! keccak256); `outputs` name the definition's variables, with a JSON bool, number or string for
//! Bool, Int and String variables. A failing endpoint (down, timeout, HTTP error, malformed answer)
//! is retried `--retries` times, then left for the next round: the task stays enabled on chain and
//! nothing is lost.

use crate::chain::{explain, ChainModel, Session};
use crate::contracts::oracle::OracleGateway;
use alloy::primitives::{Address, B256, U256};
use alloy::signers::{local::PrivateKeySigner, SignerSync};
use alloy::sol_types::{eip712_domain, SolStruct};
use anyhow::{anyhow, bail, Context, Result};
use clap::Subcommand;
use std::collections::BTreeMap;
use std::time::Duration;

/// The EIP-712 types of `OracleGateway`, for signing locally (the signer never signs a digest a
/// node computed). Their type strings are the gateway's `SERVICE_RESULT_TYPEHASH` preimage.
mod typed {
	alloy::sol! {
		struct Assignment { uint8 index; int256 value; }
		struct ServiceResult { uint256 instanceId; uint16 element; Assignment[] outputs; uint256 nonce; uint64 deadline; }
	}
}

/// `alstra oracle ...`
#[derive(Debug, Subcommand)]
pub enum OracleCmd {
	/// Deploy an OracleGateway for the deployment's engine and record it in the deployment file;
	/// the signer administers its oracles. Then register the gateway as a participant with the
	/// role of the service tasks it serves, and bind it to that role in their instances.
	Deploy,
	/// Register an oracle's signing account (ORACLE_ADMIN_ROLE).
	Register {
		/// The oracle's account (0x...).
		address: Address,
	},
	/// Remove an oracle: its signatures are refused from now on.
	Remove {
		/// The oracle's account (0x...).
		address: Address,
	},
	/// Run the adapter with `--account` as the oracle: complete every enabled service task the
	/// gateway serves with a signed result from the endpoint (module doc: the JSON it sends and
	/// expects).
	Run {
		/// The business system's HTTP endpoint (POST, JSON).
		#[arg(long)]
		endpoint: String,
		/// One round, then exit (non-zero when a task could not be served).
		#[arg(long)]
		once: bool,
		/// Seconds between rounds.
		#[arg(long, default_value_t = 5)]
		poll_seconds: u64,
		/// Attempts per task and round before the endpoint counts as down.
		#[arg(long, default_value_t = 3)]
		retries: u32,
		/// Seconds between two attempts.
		#[arg(long, default_value_t = 2)]
		retry_seconds: u64,
		/// Seconds a signed result stays valid (its EIP-712 `deadline`).
		#[arg(long, default_value_t = 600)]
		validity_seconds: u64,
	},
}

/// `BpmCore.ElementKind` ordinals of the tasks a system performs: ServiceTask, ScriptTask,
/// BusinessRuleTask (the gateway's `NotAServiceTask` check).
fn is_system_task(kind: u8) -> bool {
	use alstra_bpm_core::ElementKind as K;
	[K::ServiceTask, K::ScriptTask, K::BusinessRuleTask].iter().any(|k| *k as u8 == kind)
}

/// A variable's value as the endpoint sees it: `true`/`false`, an integer, or for a String the
/// keccak256 the engine keeps.
fn shown(ty: u8, v: alloy::primitives::I256) -> serde_json::Value {
	match ty {
		0 => serde_json::Value::Bool(!v.is_zero()),
		1 => serde_json::Value::String(v.to_string()),
		_ => serde_json::Value::String(format!("keccak256:{}", B256::from(v.into_raw().to_be_bytes::<32>()))),
	}
}

/// The endpoint's `outputs` as `NAME=VALUE` pairs for [`Session::assignments`].
fn output_pairs(answer: &serde_json::Value) -> Result<Vec<String>> {
	let outputs = answer
		.get("outputs")
		.and_then(|o| o.as_object())
		.ok_or_else(|| anyhow!("the answer has no \"outputs\" object: {answer}"))?;
	outputs
		.iter()
		.map(|(name, v)| match v {
			serde_json::Value::Bool(b) => Ok(format!("{name}={b}")),
			serde_json::Value::Number(n) => Ok(format!("{name}={n}")),
			serde_json::Value::String(s) => Ok(format!("{name}={s}")),
			other => Err(anyhow!("output `{name}` is {other}: a bool, a number or a string was expected")),
		})
		.collect()
}

impl Session {
	fn gateway(&self) -> Result<OracleGateway::OracleGatewayInstance<alloy::providers::DynProvider>> {
		let at = self
			.deployment()?
			.oracle_gateway
			.ok_or_else(|| anyhow!("the deployment file has no oracle gateway: run `alstra oracle deploy` first"))?;
		Ok(OracleGateway::new(at, self.provider.clone()))
	}

	/// `alstra oracle deploy`: deploys the gateway and writes it into the deployment file.
	pub async fn deploy_oracle_gateway(&self, path: &std::path::Path) -> Result<()> {
		let d = self.deployment()?.clone();
		let gw = OracleGateway::deploy(self.provider.clone(), self.signer, d.process_execution, d.definition_registry)
			.await
			.map_err(explain)?;
		let mut d = d;
		d.oracle_gateway = Some(*gw.address());
		std::fs::write(path, serde_json::to_string_pretty(&d)? + "\n").with_context(|| format!("cannot write {}", path.display()))?;
		self.print(
			format!(
				"OracleGateway deployed at {} (written to {}); its oracle admin is {}.\nNext: `alstra participant register {} --name ... --role <service role>`, `alstra oracle register <oracle account>`.",
				gw.address(),
				path.display(),
				self.signer,
				gw.address()
			),
			serde_json::json!({ "oracleGateway": gw.address(), "admin": self.signer }),
		);
		Ok(())
	}

	/// `alstra oracle register` (`true`) and `remove` (`false`).
	pub async fn set_oracle(&self, oracle: Address, registered: bool) -> Result<()> {
		let gw = self.gateway()?;
		let pending = if registered { gw.registerOracle(oracle).send().await } else { gw.removeOracle(oracle).send().await }
			.map_err(explain)?;
		let r = pending.get_receipt().await.context("waiting for the receipt")?;
		if !r.status() {
			bail!("transaction {} failed on chain", r.transaction_hash);
		}
		self.print(
			format!("oracle {oracle} {} (gas {})", if registered { "registered" } else { "removed" }, r.gas_used),
			serde_json::json!({ "oracle": oracle, "registered": registered, "gasUsed": r.gas_used }),
		);
		Ok(())
	}

	/// `alstra oracle run` (see the module doc).
	#[allow(clippy::too_many_arguments)]
	pub async fn run_oracle(
		&self,
		key: B256,
		endpoint: &str,
		once: bool,
		poll: Duration,
		retries: u32,
		retry_wait: Duration,
		validity: u64,
	) -> Result<()> {
		let signer = PrivateKeySigner::from_bytes(&key)?;
		let gw = self.gateway()?;
		if !gw.isOracle(signer.address()).call().await.map_err(explain)? {
			bail!(
				"account {} is not a registered oracle of the gateway {}: an oracle admin runs `alstra oracle register {}`",
				signer.address(),
				gw.address(),
				signer.address()
			);
		}
		let url: alloy::transports::http::reqwest::Url =
			endpoint.parse().with_context(|| format!("--endpoint `{endpoint}` is not a URL"))?;
		let http = alloy::transports::http::reqwest::Client::builder().timeout(Duration::from_secs(30)).build()?;
		let domain = eip712_domain! {
			name: "AlstraNet OracleGateway",
			version: "1",
			chain_id: self.chain_id,
			verifying_contract: *gw.address(),
		};
		let engine = self.engine()?;
		let mut models: BTreeMap<U256, ChainModel> = BTreeMap::new();
		loop {
			let mut failed = 0usize;
			let count = engine.instanceCount().call().await.map_err(explain)?.to::<u64>();
			for id in 1..=count {
				let info = engine.instance(U256::from(id)).call().await.map_err(explain)?;
				if info.status != 1 {
					continue;
				}
				if !models.contains_key(&info.definitionId) {
					models.insert(info.definitionId, self.model_of(info.definitionId).await?);
				}
				let model = &models[&info.definitionId];
				for element in engine.enabledTasks(U256::from(id)).call().await.map_err(explain)? {
					let Some((el, role)) = model.elements.get(element as usize) else { continue };
					if !is_system_task(el.kind) || !engine.hasRole(U256::from(id), *role, *gw.address()).call().await.map_err(explain)? {
						continue;
					}
					let mut variables = serde_json::Map::new();
					for (i, v) in model.variables.iter().enumerate() {
						let value = engine.variable(U256::from(id), U256::from(i)).call().await.map_err(explain)?;
						variables.insert(v.name.clone(), shown(v.varType, value));
					}
					let request = serde_json::json!({
						"instance": id, "definition": info.definitionId.to::<u64>(), "process": model.name,
						"task": el.bpmnId, "taskName": el.name, "variables": variables,
					});
					let mut answer = Err(anyhow!("no attempt"));
					for attempt in 1..=retries.max(1) {
						answer = async {
							let r = http.post(url.clone()).json(&request).send().await.context("unreachable")?;
							let status = r.status();
							if !status.is_success() {
								bail!("HTTP {status}");
							}
							r.json::<serde_json::Value>().await.context("the answer is not JSON")
						}
						.await;
						match &answer {
							Ok(_) => break,
							Err(e) => {
								eprintln!("instance {id}: {}: endpoint {endpoint}, attempt {attempt}/{retries}: {e:#}", el.bpmnId);
								if attempt < retries {
									tokio::time::sleep(retry_wait).await;
								}
							},
						}
					}
					let outcome = async {
						let answer = answer?;
						let outputs = Session::assignments(model, &output_pairs(&answer)?)?;
						let deadline = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs() + validity;
						// unordered nonces only need to be unique per oracle: the task, the time in
						// nanoseconds and this process (two adapters with one key do not collide)
						let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_nanos();
						let nonce = U256::from_be_bytes(
							alloy::primitives::keccak256(format!("{id}/{element}/{now}/{}", std::process::id())).0,
						);
						let typed = typed::ServiceResult {
							instanceId: U256::from(id),
							element,
							outputs: outputs.iter().map(|a| typed::Assignment { index: a.index, value: a.value }).collect(),
							nonce,
							deadline,
						};
						let signature = signer.sign_hash_sync(&typed.eip712_signing_hash(&domain))?;
						let result = OracleGateway::ServiceResult {
							instanceId: U256::from(id),
							element,
							outputs: outputs
								.iter()
								.map(|a| crate::contracts::oracle::BpmRuntime::VariableAssignment { index: a.index, value: a.value })
								.collect(),
							nonce,
							deadline,
						};
						let pending = gw.completeServiceTask(result, signature.as_bytes().to_vec().into()).send().await.map_err(explain)?;
						let r = pending.get_receipt().await.context("waiting for the receipt")?;
						if !r.status() {
							bail!("transaction {} failed on chain", r.transaction_hash);
						}
						Ok::<_, anyhow::Error>((r.transaction_hash, r.gas_used, answer))
					}
					.await;
					match outcome {
						Ok((tx, gas, answer)) => self.print(
							format!("instance {id}: {} \"{}\" completed with the signed result {} (tx {tx}, gas {gas})", el.bpmnId, el.name, answer["outputs"]),
							serde_json::json!({ "instance": id, "task": el.bpmnId, "outputs": answer["outputs"], "transaction": tx, "gasUsed": gas, "oracle": signer.address() }),
						),
						Err(e) => {
							failed += 1;
							eprintln!("instance {id}: {} \"{}\" not served this round, it stays enabled: {e:#}", el.bpmnId, el.name);
						},
					}
				}
			}
			if once {
				if failed > 0 {
					bail!("{failed} task(s) could not be served (see above); they stay enabled for the next run");
				}
				return Ok(());
			}
			tokio::time::sleep(poll).await;
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_signed_types_are_the_gateways() {
		// OracleGateway.SERVICE_RESULT_TYPEHASH's preimage
		assert_eq!(
			typed::ServiceResult::eip712_encode_type(),
			"ServiceResult(uint256 instanceId,uint16 element,Assignment[] outputs,uint256 nonce,uint64 deadline)Assignment(uint8 index,int256 value)"
		);
	}

	#[test]
	fn outputs_are_read_by_type_and_bad_ones_say_which() {
		let a = serde_json::json!({ "outputs": { "archived": true, "amount": 1250, "reference": "AR-7" } });
		assert_eq!(output_pairs(&a).unwrap(), ["amount=1250", "archived=true", "reference=AR-7"]);
		let e = output_pairs(&serde_json::json!({ "outputs": { "x": [1] } })).unwrap_err().to_string();
		assert!(e.contains("output `x` is [1]"), "{e}");
		assert!(output_pairs(&serde_json::json!({ "result": 1 })).is_err());
	}
}
