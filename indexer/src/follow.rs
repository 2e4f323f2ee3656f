//! Following the chain: each [`Indexer::step`] checks that the last indexed block is still on
//! the chain, rolls the index back to the fork point when it is not, then indexes the next range
//! of blocks up to the best block.
//!
//! ## Reorganisations
//! AlstraNet's best chain can change until GRANDPA finalizes it (two Aura authors in one slot,
//! a network partition). The indexer indexes up to the *best* block, so that the analytics
//! are as fresh as the worklist, and keeps for every block with events its hash:
//! * The cursor (the last indexed block) is checked first: when the chain's block at that
//!   number has another hash, the indexed blocks are walked down to the highest one whose hash
//!   is still the chain's (a block is on the chain exactly when its hash is the chain's at its
//!   number); everything above it is deleted ([`Store::rollback`]) and indexed again from the
//!   new chain. Blocks without events hold nothing to delete: the range above the fork point is
//!   read again whole.
//! * A range is read as *last block, logs, last block again*: when the range's last block
//!   changed meanwhile (a block's hash fixes every block below it), the range is dropped and
//!   read again at the next step. A log whose block hash is not the chain's at its number is of
//!   a branch that was retracted (eth-rpc keeps the logs of every block it imported until
//!   finality prunes them): it is left out.
//! * Below the finalized block nothing can change: the walk never needs to go below it.
//!
//! ## Restarts
//! A range and the cursor that ends it are one database transaction: an indexer killed at any
//! point restarts at the cursor, with no event missing or repeated.

use crate::events::{decode, IndexedEvent};
use crate::source::{BlockRef, Source};
use crate::store::{Batch, Store};
use anyhow::{anyhow, Context, Result};
use std::collections::BTreeMap;

/// What one [`Indexer::step`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
	/// A block range indexed.
	Indexed {
		/// Its first block.
		from: u64,
		/// Its last block (the new cursor).
		to: u64,
		/// Engine events found in it.
		events: usize,
	},
	/// The index was rolled back.
	RolledBack {
		/// The highest indexed block still on the chain: the blocks above it were on another
		/// branch (`None`: every indexed block was).
		fork: Option<u64>,
	},
	/// The chain changed while the range was read: nothing written, read again next step.
	Raced,
	/// Nothing new: the index is at the best block.
	Idle,
}

/// Follows a [`Source`] into a [`Store`].
pub struct Indexer<S> {
	/// The chain.
	pub source: S,
	/// The index.
	pub store: Store,
	/// The first block to index (the deployment's block; 0 by default).
	pub from_block: u64,
	/// The most blocks read per step (one `eth_getLogs` call).
	pub max_range: u64,
}

impl<S: Source> Indexer<S> {
	/// An indexer of `source` into `store` from block 0, 500 blocks per step.
	pub fn new(source: S, store: Store) -> Self {
		Indexer { source, store, from_block: 0, max_range: 500 }
	}

	/// One step (module doc).
	pub async fn step(&self) -> Result<Step> {
		let cursor = self.store.cursor().await?;
		if let Some((n, hash)) = cursor {
			let now = self.source.block(n).await?;
			if now.map(|b| b.hash) != Some(hash) {
				return self.roll_back().await;
			}
		}
		let next = cursor.map(|(n, _)| n + 1).unwrap_or(self.from_block);
		let head = self.source.head().await?;
		if next > head {
			return Ok(Step::Idle);
		}
		let to = head.min(next + self.max_range.max(1) - 1);
		let Some(last) = self.source.block(to).await? else { return Ok(Step::Raced) };
		let logs = self.source.logs(next, to).await?;
		let mut blocks: BTreeMap<u64, BlockRef> = BTreeMap::new();
		let mut events: Vec<IndexedEvent> = Vec::new();
		for log in &logs {
			let number = log.block_number.ok_or_else(|| anyhow!("eth_getLogs returned a pending log"))?;
			if !(next..=to).contains(&number) {
				return Err(anyhow!("eth_getLogs({next}..={to}) returned a log of block {number}"));
			}
			if let std::collections::btree_map::Entry::Vacant(v) = blocks.entry(number) {
				let Some(b) = self.source.block(number).await? else { return Ok(Step::Raced) };
				v.insert(b);
			}
			if log.block_hash != Some(blocks[&number].hash) {
				tracing::debug!(block = number, hash = ?log.block_hash, "a log of a retracted branch: left out");
				continue;
			}
			if let Some(e) = decode(log, blocks[&number].timestamp)? {
				events.push(e);
			}
		}
		if self.source.block(to).await?.map(|b| b.hash) != Some(last.hash) {
			return Ok(Step::Raced);
		}
		events.sort_by_key(|e| (e.block, e.log_index));
		let mut definitions = Vec::new();
		for e in &events {
			if let Some(d) = e.definition {
				if !self.store.has_definition(d).await? && !definitions.iter().any(|m: &crate::source::DefinitionMeta| m.id == d) {
					definitions.push(self.source.definition(d).await.with_context(|| format!("reading definition {d}"))?);
				}
			}
		}
		let count = events.len();
		let blocks = blocks.into_values().filter(|b| events.iter().any(|e| e.block == b.number)).collect();
		self.store.commit(&Batch { blocks, events, definitions, cursor: Some(last) }).await?;
		Ok(Step::Indexed { from: next, to, events: count })
	}

	/// Rolls the index back to the highest indexed block still on the chain (module doc).
	async fn roll_back(&self) -> Result<Step> {
		let finalized = self.source.finalized().await.unwrap_or(0);
		for (n, hash) in self.store.blocks_desc().await? {
			let on_chain = self.source.block(n).await?.map(|b| b.hash) == Some(hash);
			if on_chain || n <= finalized {
				if !on_chain {
					tracing::error!(block = n, "a finalized block's hash changed: the index was of another chain; keeping it");
				}
				self.store.rollback(Some((n, hash))).await?;
				tracing::warn!(fork = n, "chain reorganised: index rolled back");
				return Ok(Step::RolledBack { fork: Some(n) });
			}
		}
		self.store.rollback(None).await?;
		tracing::warn!("chain reorganised below every indexed block: index rolled back to the start");
		Ok(Step::RolledBack { fork: None })
	}

	/// Steps until the index reaches the best block (tests and catch-up).
	pub async fn sync(&self) -> Result<()> {
		loop {
			if self.step().await? == Step::Idle {
				return Ok(());
			}
		}
	}
}
