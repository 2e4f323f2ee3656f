//! `alstra governance`: the BPM contracts governed by the consortium (AlstraNet specification
//! 5.18, Governance). The contracts' governance roles — who registers participants and verifiers
//! (`REGISTRAR_ROLE`), who registers oracles (`ORACLE_ADMIN_ROLE`), who sets the reward units and
//! administers every role (`DEFAULT_ADMIN_ROLE`) — are handed over from the deploying account to
//! the **council account** (`pallet-council-account`): an account that only a 2/3 council motion
//! acts for (`councilAccount.dispatch(revive.call(..))`, `governance/council-cli.cjs
//! propose-contract-call`). From then on the same 2/3 rule that changes the validators changes
//! the contracts, and no single member's key can. See docs/governance.md.

use crate::chain::{explain, Session};
use crate::contracts::{oracle::OracleGateway, participants::ParticipantRegistry, registry::ProcessDefinitionRegistry};
use alloy::primitives::{keccak256, Address, FixedBytes};
use alloy::providers::Provider;
use anyhow::{bail, Context, Result};
use clap::Subcommand;

alloy::sol! {
	/// OpenZeppelin 5 `IAccessControl`, the part every BPM contract with roles implements.
	#[sol(rpc)]
	interface IAccessControl {
		function hasRole(bytes32 role, address account) external view returns (bool);
		function grantRole(bytes32 role, address account) external;
		function renounceRole(bytes32 role, address callerConfirmation) external;
	}
}

/// `PalletId` of the council account in AlstraNet's runtime (`CouncilAccountPalletId` in
/// `runtime/src/governance.rs`); the e2e test `governance` checks the address derived here against
/// the runtime's constant `councilAccount.evmAddress`.
pub const COUNCIL_PALLET_ID: [u8; 8] = *b"alstr/cl";

/// The council account's EVM address: the account is `b"modl" ++ pallet id`, zero-padded to 32
/// bytes (`PalletId::into_account_truncating`), and pallet-revive maps an account that is not
/// derived from an Ethereum key to `keccak256(account)[12..]` (`AccountId32Mapper::to_address`).
pub fn council_address() -> Address {
	let mut account = [0u8; 32];
	account[..4].copy_from_slice(b"modl");
	account[4..12].copy_from_slice(&COUNCIL_PALLET_ID);
	Address::from_slice(&keccak256(account)[12..])
}

/// `alstra governance ...`
#[derive(Debug, Subcommand)]
pub enum GovernanceCmd {
	/// Print the council account's EVM address (the `msg.sender` of council motions in the EVM).
	CouncilAddress,
	/// Hand the governance roles of the deployment's contracts over to the council account (or
	/// `--to`): grant each, check it, then renounce the signer's. The signer keeps
	/// `DEPLOYER_ROLE` (publishing definitions), which the council can revoke.
	HandOver {
		/// The new holder (default: the council account's EVM address).
		#[arg(long)]
		to: Option<Address>,
	},
	/// Who holds each governance role of the deployment: the signer, the council account (and
	/// `--also` accounts).
	Roles {
		/// Further accounts to check.
		#[arg(long)]
		also: Vec<Address>,
	},
}

/// One governance role of one contract.
struct Role {
	contract: &'static str,
	address: Address,
	name: &'static str,
	id: FixedBytes<32>,
}

/// `alstra governance council-address` (offline).
pub fn print_council_address(json: bool) -> Result<()> {
	let a = council_address();
	if json {
		println!("{}", serde_json::json!({ "councilAddress": a }));
	} else {
		println!("the council account's EVM address: {a} (only a 2/3 council motion acts for it)");
	}
	Ok(())
}

impl Session {
	/// The governance roles of the deployment, read from the contracts; each contract's
	/// `DEFAULT_ADMIN_ROLE` comes last (it administers the others).
	async fn governance_roles(&self) -> Result<Vec<Role>> {
		let d = self.deployment()?.clone();
		let p = &self.provider;
		let participants = ParticipantRegistry::new(d.participant_registry, p.clone());
		let registry = ProcessDefinitionRegistry::new(d.definition_registry, p.clone());
		let admin = registry.DEFAULT_ADMIN_ROLE().call().await.map_err(explain)?;
		let mut roles = vec![
			Role {
				contract: "ParticipantRegistry",
				address: d.participant_registry,
				name: "REGISTRAR_ROLE",
				id: participants.REGISTRAR_ROLE().call().await.map_err(explain)?,
			},
			Role { contract: "ParticipantRegistry", address: d.participant_registry, name: "DEFAULT_ADMIN_ROLE", id: admin },
			Role { contract: "ProcessDefinitionRegistry", address: d.definition_registry, name: "DEFAULT_ADMIN_ROLE", id: admin },
		];
		if let Some(gateway) = d.oracle_gateway {
			let oracle = OracleGateway::new(gateway, p.clone());
			roles.push(Role {
				contract: "OracleGateway",
				address: gateway,
				name: "ORACLE_ADMIN_ROLE",
				id: oracle.ORACLE_ADMIN_ROLE().call().await.map_err(explain)?,
			});
			roles.push(Role { contract: "OracleGateway", address: gateway, name: "DEFAULT_ADMIN_ROLE", id: admin });
		}
		Ok(roles)
	}

	/// `alstra governance hand-over`.
	pub async fn hand_over(&self, to: Option<Address>) -> Result<()> {
		let to = to.unwrap_or_else(council_address);
		if to == self.signer {
			bail!("the new holder {to} is the signer itself: nothing to hand over");
		}
		if to == Address::ZERO {
			bail!("the new holder is the zero address: the roles would be lost");
		}
		let roles = self.governance_roles().await?;
		// The signer must hold every role before anything moves: a partial hand-over would
		// leave a contract governed by two parties.
		for r in &roles {
			let ac = IAccessControl::new(r.address, self.provider.clone());
			if !ac.hasRole(r.id, self.signer).call().await.map_err(explain)? {
				bail!("the signer {} does not hold {} of {} ({}): nothing was handed over", self.signer, r.name, r.contract, r.address);
			}
		}
		// Grants first, all sent at once (nonces from the pool's pending count), then each
		// checked on chain; renounces only then, again at once (a contract's DEFAULT_ADMIN_ROLE
		// after its other roles, by nonce order).
		let mut pending = Vec::new();
		for r in &roles {
			let ac = IAccessControl::new(r.address, self.provider.clone());
			if !ac.hasRole(r.id, to).call().await.map_err(explain)? {
				pending.push((r, ac.grantRole(r.id, to).send().await.map_err(explain)?));
			}
		}
		self.await_all("grantRole", pending).await?;
		for r in &roles {
			let ac = IAccessControl::new(r.address, self.provider.clone());
			if !ac.hasRole(r.id, to).call().await.map_err(explain)? {
				bail!("{} of {} was granted to {to} but it does not hold it: the signer keeps every role", r.name, r.contract);
			}
		}
		let mut pending = Vec::new();
		for r in &roles {
			let ac = IAccessControl::new(r.address, self.provider.clone());
			pending.push((r, ac.renounceRole(r.id, self.signer).send().await.map_err(explain)?));
		}
		self.await_all("renounceRole", pending).await?;
		let rows: Vec<_> = roles
			.iter()
			.map(|r| serde_json::json!({ "contract": r.contract, "address": r.address, "role": r.name, "holder": to }))
			.collect();
		let code = self.provider.get_code_at(to).await.context("eth_getCode")?;
		let what = if to == council_address() { "the council account" } else if code.is_empty() { "an account" } else { "a contract" };
		self.print(
			format!(
				"{} governance roles handed over to {to} ({what}); {} no longer holds them:\n{}",
				rows.len(),
				self.signer,
				roles.iter().map(|r| format!("  {} {} ({})", r.contract, r.name, r.address)).collect::<Vec<_>>().join("\n")
			),
			serde_json::json!({ "to": to, "roles": rows }),
		);
		Ok(())
	}

	/// Waits for the receipts of transactions sent for `roles`; an error names the first that
	/// failed.
	async fn await_all(
		&self,
		what: &str,
		pending: Vec<(&Role, alloy::providers::PendingTransactionBuilder<alloy::network::Ethereum>)>,
	) -> Result<()> {
		for (r, tx) in pending {
			let receipt = tx.get_receipt().await.with_context(|| format!("waiting for {what} of {} on {}", r.name, r.contract))?;
			if !receipt.status() {
				bail!("{what} of {} on {} ({}) failed on chain: transaction {}", r.name, r.contract, r.address, receipt.transaction_hash);
			}
		}
		Ok(())
	}

	/// `alstra governance roles`.
	pub async fn show_roles(&self, also: &[Address]) -> Result<()> {
		let council = council_address();
		let mut who = vec![("signer", self.signer), ("council", council)];
		who.extend(also.iter().map(|a| ("account", *a)));
		let roles = self.governance_roles().await?;
		let mut rows = Vec::new();
		let mut text = Vec::new();
		for r in &roles {
			let ac = IAccessControl::new(r.address, self.provider.clone());
			let mut holders = Vec::new();
			for (label, a) in &who {
				if ac.hasRole(r.id, *a).call().await.map_err(explain)? {
					holders.push(serde_json::json!({ "account": a, "is": label }));
					text.push(format!("  {} {}: {label} {a}", r.contract, r.name));
				}
			}
			if holders.is_empty() {
				text.push(format!("  {} {}: none of the accounts checked", r.contract, r.name));
			}
			rows.push(serde_json::json!({ "contract": r.contract, "address": r.address, "role": r.name, "holders": holders }));
		}
		self.print(
			format!("governance roles (council account {council}):\n{}", text.join("\n")),
			serde_json::json!({ "council": council, "roles": rows }),
		);
		Ok(())
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	/// The derivation of `PalletId::into_account_truncating` and pallet-revive's mapping, step by
	/// step: 32 bytes `modl` ++ `alstr/cl` ++ 20 zeros, then the last 20 bytes of its keccak256.
	#[test]
	fn the_council_address_is_derived_like_the_runtime() {
		let account = alloy::hex!("6d6f646c616c7374722f636c0000000000000000000000000000000000000000");
		assert_eq!(&account[..12], b"modlalstr/cl");
		assert_eq!(council_address(), Address::from_slice(&keccak256(account)[12..]));
		assert_ne!(council_address(), Address::ZERO);
	}
}
