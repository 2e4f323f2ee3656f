//! `alstra rewards`: recognition units for verified work (AlstraNet specification 5.13 Token and
//! 5.15 Reward; `contracts/bpm/src/RewardUnits.sol`). A task's reward rule is declared in the
//! model (`alstra:reward="<units>"` next to `alstra:verifier`); the engine mints the units to the
//! performer when a verifier approves the task. Units never move between accounts (Alastria:
//! no speculative currency), so an account's balance is the sum of its approved work, and its
//! history is the `Rewarded` events of the `RewardUnits` contract that the registry names.

use crate::chain::{explain, send, Session};
use crate::contracts::{registry::ProcessDefinitionRegistry, rewards::RewardUnits};
use alloy::primitives::{Address, FixedBytes};
use alloy::providers::{DynProvider, Provider};
use alloy::rpc::types::Filter;
use alloy::sol_types::SolEvent;
use anyhow::{anyhow, bail, Context, Result};
use clap::Subcommand;

/// `alstra rewards ...`
#[derive(Debug, Subcommand)]
pub enum RewardsCmd {
	/// Deploy RewardUnits for the deployment's engine and set it in the definition registry
	/// (`setRewardUnits`: the signer needs the registry's DEFAULT_ADMIN_ROLE). Definitions with
	/// `alstra:reward` publish only once it is set.
	Deploy,
	/// The units an account earned (default: `--account`'s) and the total minted.
	Balance {
		/// The account (0x...).
		#[arg(value_name = "ACCOUNT")]
		holder: Option<Address>,
	},
	/// Every reward an account earned (default: `--account`'s): instance, task, units, block.
	History {
		/// The account (0x...).
		#[arg(value_name = "ACCOUNT")]
		holder: Option<Address>,
	},
}

impl Session {
	/// The registry's `RewardUnits`, or an error saying how to get one.
	async fn reward_units(&self) -> Result<RewardUnits::RewardUnitsInstance<DynProvider>> {
		let reg = ProcessDefinitionRegistry::new(self.deployment()?.definition_registry, self.provider.clone());
		let at = reg.rewardUnits().call().await.map_err(explain)?;
		if at == Address::ZERO {
			bail!("the definition registry has no RewardUnits: its admin runs `alstra rewards deploy`");
		}
		Ok(RewardUnits::new(at, self.provider.clone()))
	}

	/// `alstra rewards deploy`.
	pub async fn deploy_reward_units(&self) -> Result<()> {
		let d = self.deployment()?.clone();
		let units = RewardUnits::deploy(self.provider.clone(), d.process_execution).await.map_err(explain)?;
		let reg = ProcessDefinitionRegistry::new(d.definition_registry, self.provider.clone());
		let r = send!(reg.setRewardUnits(*units.address()));
		self.print(
			format!(
				"RewardUnits deployed at {} for the engine {} and set in the definition registry (gas {}): \
				 approvals of tasks with alstra:reward mint units to their performers",
				units.address(),
				d.process_execution,
				r.gas_used
			),
			serde_json::json!({ "rewardUnits": units.address(), "engine": d.process_execution, "gasUsed": r.gas_used }),
		);
		Ok(())
	}

	/// `alstra rewards balance`.
	pub async fn reward_balance(&self, account: Option<Address>) -> Result<()> {
		let who = account.unwrap_or(self.signer);
		let units = self.reward_units().await?;
		let balance = units.balanceOf(who).call().await.map_err(explain)?;
		let total = units.totalSupply().call().await.map_err(explain)?;
		self.print(
			format!("{who}: {balance} units earned ({total} minted in all, on {})", units.address()),
			serde_json::json!({ "account": who, "balance": balance.to_string(), "totalSupply": total.to_string(), "rewardUnits": units.address() }),
		);
		Ok(())
	}

	/// `alstra rewards history`.
	pub async fn reward_history(&self, account: Option<Address>) -> Result<()> {
		let who = account.unwrap_or(self.signer);
		let units = self.reward_units().await?;
		let filter = Filter::new()
			.address(*units.address())
			.from_block(0)
			.event_signature(RewardUnits::Rewarded::SIGNATURE_HASH)
			.topic1(FixedBytes::<32>::left_padding_from(who.as_slice()));
		let logs = self.provider.get_logs(&filter).await.context("eth_getLogs")?;
		let mut rows = Vec::new();
		let mut text = Vec::new();
		for log in &logs {
			let ev = RewardUnits::Rewarded::decode_log(&log.inner).context("malformed Rewarded log")?.data;
			let block = log.block_number.ok_or_else(|| anyhow!("a Rewarded log without its block"))?;
			text.push(format!("  block {block}: instance {} task {}: {} units", ev.instanceId, ev.element, ev.units));
			rows.push(serde_json::json!({
				"instance": ev.instanceId.to_string(),
				"element": ev.element,
				"units": ev.units,
				"block": block,
				"transaction": log.transaction_hash,
			}));
		}
		let total: u64 = rows.iter().map(|r| r["units"].as_u64().unwrap_or_default()).sum();
		let head = format!("{who}: {} rewards, {total} units", rows.len());
		self.print(
			std::iter::once(head).chain(text).collect::<Vec<_>>().join("\n"),
			serde_json::json!({ "account": who, "rewards": rows, "units": total }),
		);
		Ok(())
	}
}
