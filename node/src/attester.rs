//! The attester: a validator's node signs, with its attestation session key (key type `attn`,
//! secp256k1), what the consortium finalized and L1 must see signed: every sealed rollup batch
//! header and every handover to a new validator committee (`pallet_attestation`).
//!
//! On every GRANDPA finality notification it asks the runtime, **at the finalized block**, which
//! subjects each of its attestation keys still owes (`AttestationApi::pending`, with the
//! EIP-712 digests), signs each digest in the keystore and submits the signature as the unsigned
//! extrinsic `Attestation::attest` to its transaction pool, which gossips it. Signing only what
//! is finalized means no validator ever signs a batch of a fork that GRANDPA could still revert.
//! The runtime checks every signature again; a duplicate or a subject already signed in a block
//! not finalized yet is refused by the pool as stale, which is harmless.

use alstranet_runtime::{opaque::Block, Address, RuntimeCall, Signature, TxExtension};
use codec::{Decode, Encode};
use futures::StreamExt;
use pallet_attestation::{crypto::KEY_TYPE, runtime_api::AttestationApi, Subject};
use polkadot_sdk::{
	sc_client_api::BlockchainEvents,
	sc_transaction_pool_api::{TransactionPool, TransactionSource},
	sp_api::ProvideRuntimeApi,
	sp_blockchain::HeaderBackend,
	sp_core::ecdsa,
	sp_keystore::KeystorePtr,
	sp_runtime::traits::Block as BlockT,
};
use std::sync::Arc;

/// Subjects signed per key and finality notification (the rest follow at the next one).
const PER_ROUND: u32 = 16;

/// Runs the attester until the finality stream ends.
pub async fn run<C, P>(client: Arc<C>, keystore: KeystorePtr, pool: Arc<P>)
where
	C: ProvideRuntimeApi<Block> + BlockchainEvents<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: AttestationApi<Block>,
	P: TransactionPool<Block = Block> + 'static,
{
	let mut finality = client.finality_notification_stream();
	while let Some(notification) = finality.next().await {
		let finalized = notification.hash;
		for key in keystore.ecdsa_public_keys(KEY_TYPE) {
			let Some(address) = pallet_attestation::address_of(&key.into()) else { continue };
			let pending = match client.runtime_api().pending(finalized, address, PER_ROUND) {
				Ok(p) => p,
				Err(e) => {
					log::warn!(target: "attester", "cannot read the pending attestations at {finalized}: {e}");
					break;
				},
			};
			for (subject, digest) in pending {
				match sign(&keystore, &key, &digest) {
					Some(signature) => submit(&*pool, client.info().best_hash, subject, signature, address).await,
					None => log::error!(
						target: "attester",
						"the keystore cannot sign with attestation key 0x{}",
						hex(&key.0)
					),
				}
			}
		}
	}
}

/// An Ethereum signature (`v` 27/28) of `digest` with `key` from the keystore.
fn sign(keystore: &KeystorePtr, key: &ecdsa::Public, digest: &[u8; 32]) -> Option<[u8; 65]> {
	let mut signature = keystore.ecdsa_sign_prehashed(KEY_TYPE, key, digest).ok()??.0;
	signature[64] += 27;
	Some(signature)
}

async fn submit<P: TransactionPool<Block = Block>>(
	pool: &P,
	at: <Block as BlockT>::Hash,
	subject: Subject,
	signature: [u8; 65],
	address: [u8; 20],
) {
	let call = RuntimeCall::Attestation(pallet_attestation::Call::attest { subject, signature });
	// a bare (unsigned) extrinsic: validated by the pallet's `ValidateUnsigned`
	let bare = polkadot_sdk::sp_runtime::generic::UncheckedExtrinsic::<Address, RuntimeCall, Signature, TxExtension>::new_bare(call);
	let Ok(xt) = <Block as BlockT>::Extrinsic::decode(&mut &bare.encode()[..]) else {
		log::error!(target: "attester", "cannot encode the attestation of {subject:?}");
		return;
	};
	match pool.submit_one(at, TransactionSource::Local, xt).await {
		Ok(_) => log::info!(target: "attester", "✍️ signed {subject:?} as 0x{}", hex(&address)),
		Err(e) => log::debug!(target: "attester", "attestation of {subject:?} not submitted: {e}"),
	}
}

fn hex(bytes: &[u8]) -> String {
	bytes.iter().map(|b| format!("{b:02x}")).collect()
}
