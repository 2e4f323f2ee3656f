// AlstraNet patch (not in upstream pallet-revive-eth-rpc; see vendor/README.md).
//
// Licensed under the Apache License, Version 2.0, as the rest of this crate.

//! The transactions that this endpoint has submitted and that no block holds yet.
//!
//! Upstream answers `eth_getTransactionByHash` from its receipt database only, so a transaction
//! is `null` from the moment `eth_sendRawTransaction` returns its hash until a block holding it
//! has been indexed (4–6 s here): Hardhat's signer gives up on such a hash and ethers' `wait()`
//! works only by luck of timing. go-ethereum answers a pending transaction from its pool with
//! `blockHash`, `blockNumber` and `transactionIndex` null; this registry lets the endpoint do the
//! same for every transaction submitted through it. A transaction submitted through another
//! node's endpoint is not known here until it is in a block (the Substrate pool holds opaque
//! extrinsics, not Ethereum transactions).
//!
//! Entries leave when the receipt is found ([`PendingTransactions::remove`]), and in any case
//! after [`PENDING_TTL`] or when more than [`MAX_PENDING`] are held (oldest first), so a
//! transaction the pool dropped is not reported as pending forever.
//!
//! Each entry gets a sequence number, which `eth_newPendingTransactionFilter` uses as a cursor.

use crate::*;
use std::{
	collections::{HashMap, VecDeque},
	sync::Mutex,
	time::{Duration, Instant},
};

/// At most this many transactions are held (the oldest leave first).
pub const MAX_PENDING: usize = 4096;

/// A transaction leaves the registry this long after its submission, included or not (the
/// Substrate pool's default ban time is 30 minutes).
pub const PENDING_TTL: Duration = Duration::from_secs(30 * 60);

struct Entry {
	transaction: TransactionSigned,
	from: H160,
	seq: u64,
	at: Instant,
}

#[derive(Default)]
struct Inner {
	by_hash: HashMap<H256, Entry>,
	/// `(sequence number, submission time, hash)`, oldest first.
	order: VecDeque<(u64, Instant, H256)>,
	next_seq: u64,
}

/// Registry of submitted, not yet included transactions (see the module doc). Cheap to share:
/// one per endpoint, behind an `Arc` in [`crate::client::Client`].
#[derive(Default)]
pub struct PendingTransactions {
	inner: Mutex<Inner>,
}

impl PendingTransactions {
	/// Records `transaction` (Ethereum hash `hash`, sender `from`) as submitted now.
	pub fn insert(&self, hash: H256, transaction: TransactionSigned, from: H160) {
		let mut inner = self.inner.lock().expect("pending transactions lock");
		let now = Instant::now();
		let seq = inner.next_seq;
		inner.next_seq += 1;
		inner.by_hash.insert(hash, Entry { transaction, from, seq, at: now });
		inner.order.push_back((seq, now, hash));
		while let Some(&(seq, at, hash)) = inner.order.front() {
			if inner.order.len() <= MAX_PENDING && now.duration_since(at) < PENDING_TTL {
				break;
			}
			inner.order.pop_front();
			// a resubmitted hash has a newer entry: keep that one
			if inner.by_hash.get(&hash).is_some_and(|e| e.seq == seq) {
				inner.by_hash.remove(&hash);
			}
		}
	}

	/// The transaction of `hash` and its sender, if it is held.
	pub fn get(&self, hash: &H256) -> Option<(TransactionSigned, H160)> {
		let inner = self.inner.lock().expect("pending transactions lock");
		let entry = inner.by_hash.get(hash).filter(|e| e.at.elapsed() < PENDING_TTL)?;
		Some((entry.transaction.clone(), entry.from))
	}

	/// Forgets `hash` (its receipt exists).
	pub fn remove(&self, hash: &H256) {
		self.inner.lock().expect("pending transactions lock").by_hash.remove(hash);
	}

	/// The cursor after the newest entry: [`Self::since`] of it returns only later submissions.
	pub fn cursor(&self) -> u64 {
		self.inner.lock().expect("pending transactions lock").next_seq
	}

	/// The hashes submitted at or after cursor `from`, oldest first (included since or not, as
	/// go-ethereum's pending-transaction filter reports what entered its pool), and the cursor
	/// to pass next time.
	pub fn since(&self, from: u64) -> (Vec<H256>, u64) {
		let inner = self.inner.lock().expect("pending transactions lock");
		let hashes = inner
			.order
			.iter()
			.filter(|(seq, at, _)| *seq >= from && at.elapsed() < PENDING_TTL)
			.map(|(_, _, hash)| *hash)
			.collect();
		(hashes, inner.next_seq)
	}
}

