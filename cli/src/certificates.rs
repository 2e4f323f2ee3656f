//! `alstra certificate`: the ERC-721 certificate of a completed process instance (AlstraNet
//! specification 5.13 Token; `contracts/bpm/src/InstanceCertificates.sol`). A definition asks for
//! certificates with `alstra:certificate="true"` on its executable process (`alstra bpmn deploy`
//! then calls `requestCertificates` before publishing); once a root instance of it completes,
//! anyone claims its certificate, which goes to the instance's starter (token id = instance id).

use crate::chain::{explain, send, Session};
use crate::contracts::certificates::InstanceCertificates;
use alloy::primitives::{Address, U256};
use alloy::providers::DynProvider;
use anyhow::{anyhow, bail, Context, Result};
use clap::Subcommand;

/// `alstra certificate ...`
#[derive(Debug, Subcommand)]
pub enum CertificateCmd {
	/// Deploy InstanceCertificates for the deployment's engine and registry, and record it in the
	/// deployment file.
	Deploy,
	/// Issue the certificate of a completed instance to its starter (anyone may send it).
	Claim {
		/// The instance id.
		instance: u64,
	},
	/// The holder and definition of an instance's certificate.
	Show {
		/// The instance id.
		instance: u64,
	},
}

impl Session {
	fn certificates(&self) -> Result<InstanceCertificates::InstanceCertificatesInstance<DynProvider>> {
		let at = self
			.deployment()?
			.instance_certificates
			.ok_or_else(|| anyhow!("the deployment file has no InstanceCertificates: run `alstra certificate deploy` first"))?;
		Ok(InstanceCertificates::new(at, self.provider.clone()))
	}

	/// `alstra certificate deploy`: deploys the contract and writes it into the deployment file.
	pub async fn deploy_certificates(&self, path: &std::path::Path) -> Result<()> {
		let mut d = self.deployment()?.clone();
		let certs =
			InstanceCertificates::deploy(self.provider.clone(), d.process_execution, d.definition_registry, d.participant_registry)
				.await
				.map_err(explain)?;
		d.instance_certificates = Some(*certs.address());
		std::fs::write(path, serde_json::to_string_pretty(&d)? + "\n").with_context(|| format!("cannot write {}", path.display()))?;
		self.print(
			format!("InstanceCertificates deployed at {} (written to {})", certs.address(), path.display()),
			serde_json::json!({ "instanceCertificates": certs.address() }),
		);
		Ok(())
	}

	/// `alstra certificate claim`.
	pub async fn claim_certificate(&self, instance: u64) -> Result<()> {
		let certs = self.certificates()?;
		let r = send!(certs.claim(U256::from(instance)));
		let holder = certs.ownerOf(U256::from(instance)).call().await.map_err(explain)?;
		self.print(
			format!("instance {instance}: certificate issued to {holder} (gas {})", r.gas_used),
			serde_json::json!({ "instance": instance, "holder": holder, "gasUsed": r.gas_used, "transaction": r.transaction_hash }),
		);
		Ok(())
	}

	/// `alstra certificate show`.
	pub async fn show_certificate(&self, instance: u64) -> Result<()> {
		let certs = self.certificates()?;
		let holder: Address = certs
			.ownerOf(U256::from(instance))
			.call()
			.await
			.map_err(|_| anyhow!("instance {instance} has no certificate (not completed, not claimed, or its definition asks for none)"))?;
		let definition = certs.definitionOf(U256::from(instance)).call().await.map_err(explain)?;
		let uri = certs.tokenURI(U256::from(instance)).call().await.map_err(explain)?;
		self.print(
			format!("instance {instance} (definition {definition}): certificate held by {holder}\n  {uri}"),
			serde_json::json!({ "instance": instance, "definition": definition.to::<u64>(), "holder": holder, "tokenURI": uri }),
		);
		Ok(())
	}
}
