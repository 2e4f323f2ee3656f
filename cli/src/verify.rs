//! `alstra task submit | approve | reject`: task verification (AlstraNet specification 5.22;
//! docs/bpm-engine.md, "Task verification"). A task the model marks with `alstra:verifier` is
//! completed in two steps: its performer submits the work (variables, decisions and, when the
//! model requires it, the SHA-256 of an evidence document), then an account bound to the
//! verifier role — never the performer — approves it (the task completes) or rejects it (the
//! task waits for a new submission). `approve --evidence FILE` checks the file against the
//! submitted hash before approving.

use crate::chain::{explain, ChainModel, Session};
use alloy::primitives::{FixedBytes, U256};
use anyhow::{bail, Context, Result};
use sha2::{Digest, Sha256};
use std::path::Path;

/// SHA-256 of a file: the evidence hash a submission carries.
pub fn evidence_hash(path: &Path) -> Result<FixedBytes<32>> {
	let bytes = std::fs::read(path).with_context(|| format!("reading evidence {}", path.display()))?;
	Ok(FixedBytes(Sha256::digest(&bytes).into()))
}

impl Session {
	/// The instance's definition and task `task`, which must be verified.
	async fn verified_task(&self, instance: u64, task: &str) -> Result<(U256, ChainModel, u16, FixedBytes<32>, bool)> {
		let info = self.engine()?.instance(U256::from(instance)).call().await.map_err(explain)?;
		if info.status as u8 == 0 {
			bail!("no instance {instance}");
		}
		let model = self.model_of(info.definitionId).await?;
		let element = Self::element_index(&model, task)?;
		let Some((role, evidence, _)) = model.verifications.get(&element).copied() else {
			bail!(
				"task {} of \"{}\" needs no verification: complete it with `alstra task complete {instance} {task}`",
				model.element_name(element),
				model.name
			);
		};
		Ok((info.definitionId, model, element, role, evidence))
	}

	/// `alstra task submit`.
	pub async fn submit_task(&self, instance: u64, task: &str, vars: &[String], decide: &[String], evidence: Option<&Path>) -> Result<()> {
		let (definition, model, element, role, required) = self.verified_task(instance, task).await?;
		let hash = match evidence {
			Some(p) => evidence_hash(p)?,
			None if required => bail!(
				"task {} requires evidence: add --evidence FILE (its SHA-256 goes on chain, the file stays with you)",
				model.element_name(element)
			),
			None => FixedBytes::ZERO,
		};
		let assignments = Self::assignments(&model, vars)?;
		let decisions = self.decisions(definition, &model, decide).await?;
		let engine = self.engine()?;
		let r = crate::chain::send!(engine.submitTask(U256::from(instance), element, assignments, decisions, hash));
		self.print(
			format!(
				"submitted task {} of instance {instance} as {} for verification by {}{}; gas {}",
				model.element_name(element),
				self.signer,
				model.role_name(&role),
				if hash == FixedBytes::ZERO { String::new() } else { format!(" (evidence sha256 {hash})") },
				r.gas_used
			),
			serde_json::json!({ "instance": instance, "element": element, "evidence": hash, "gasUsed": r.gas_used }),
		);
		Ok(())
	}

	/// `alstra task approve`.
	pub async fn approve_task(&self, instance: u64, task: &str, evidence: Option<&Path>) -> Result<()> {
		let (_, model, element, _, _) = self.verified_task(instance, task).await?;
		let engine = self.engine()?;
		let s = engine.submission(U256::from(instance), element).call().await.map_err(explain)?;
		if s.performer.is_zero() {
			bail!("task {} of instance {instance} has no submission to approve", model.element_name(element));
		}
		if let Some(p) = evidence {
			let hash = evidence_hash(p)?;
			if hash != s.evidence {
				bail!(
					"{} is not the submitted evidence: its SHA-256 is {hash}, the submission's {}; not approved",
					p.display(),
					s.evidence
				);
			}
		}
		let r = crate::chain::send!(engine.approveTask(U256::from(instance), element));
		let after = engine.instance(U256::from(instance)).call().await.map_err(explain)?;
		let status = crate::chain::status_name(after.status as u8);
		self.print(
			format!(
				"approved task {} of instance {instance} (submitted by {}); instance is {status}; gas {}",
				model.element_name(element),
				s.performer,
				r.gas_used
			),
			serde_json::json!({ "instance": instance, "element": element, "performer": s.performer, "status": status, "gasUsed": r.gas_used }),
		);
		Ok(())
	}

	/// `alstra task reject`.
	pub async fn reject_task(&self, instance: u64, task: &str, reason: &str) -> Result<()> {
		let (_, model, element, _, _) = self.verified_task(instance, task).await?;
		let engine = self.engine()?;
		let r = crate::chain::send!(engine.rejectTask(U256::from(instance), element, reason.to_string()));
		self.print(
			format!("rejected the submission of task {} of instance {instance}: {reason}; gas {}", model.element_name(element), r.gas_used),
			serde_json::json!({ "instance": instance, "element": element, "reason": reason, "gasUsed": r.gas_used }),
		);
		Ok(())
	}
}
