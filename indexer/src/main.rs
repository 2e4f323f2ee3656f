//! `alstra-indexer`: indexes the BPM engine's events of an AlstraNet node and serves analytics.
//!
//! ```text
//! alstra-indexer --rpc-url http://127.0.0.1:8545 --deployment alstra-deployment.json \
//!     --db sqlite://alstra-index.db --listen 127.0.0.1:8090
//! ```
//! `--db postgres://user:password@host/database` keeps the index in PostgreSQL instead.

use alloy::primitives::Address;
use alstra_indexer::{api, follow::Indexer, follow::Step, source::EthSource, store::Store};
use anyhow::{Context, Result};
use clap::Parser;
use std::path::PathBuf;
use std::time::Duration;

/// Follows the BPM engine's events into SQLite or PostgreSQL and serves process analytics.
#[derive(Debug, Parser)]
#[command(name = "alstra-indexer", version, about)]
struct Args {
	/// Ethereum JSON-RPC endpoint of an AlstraNet node.
	#[arg(long, env = "ALSTRA_RPC_URL", default_value = "http://127.0.0.1:8545")]
	rpc_url: String,
	/// Deployment file with the BPM contracts' addresses (written by `alstra engine deploy`).
	#[arg(long, env = "ALSTRA_DEPLOYMENT", default_value = "alstra-deployment.json")]
	deployment: PathBuf,
	/// The index database: `sqlite://FILE` (created when missing) or `postgres://...`.
	#[arg(long, env = "ALSTRA_INDEX_DB", default_value = "sqlite://alstra-index.db")]
	db: String,
	/// Address of the HTTP API.
	#[arg(long, default_value = "127.0.0.1:8090")]
	listen: String,
	/// First block to index (the block the engine was deployed in saves reading older ones).
	#[arg(long, default_value_t = 0)]
	from_block: u64,
	/// Milliseconds between two polls once the index is at the best block.
	#[arg(long, default_value_t = 1000)]
	poll_ms: u64,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Deployment {
	definition_registry: Address,
	process_execution: Address,
}

#[tokio::main]
async fn main() -> Result<()> {
	tracing_subscriber::fmt()
		.with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
		.init();
	let args = Args::parse();
	let text = std::fs::read_to_string(&args.deployment)
		.with_context(|| format!("cannot read the deployment file {} (written by `alstra engine deploy`)", args.deployment.display()))?;
	let dep: Deployment = serde_json::from_str(&text).with_context(|| format!("{} is not a deployment file", args.deployment.display()))?;
	let source = EthSource::connect(&args.rpc_url, dep.process_execution, dep.definition_registry).await?;
	let store = Store::open(&args.db).await?;
	let listener = tokio::net::TcpListener::bind(&args.listen).await.with_context(|| format!("cannot listen on {}", args.listen))?;
	tracing::info!("API on http://{}/api/status, index in {}", listener.local_addr()?, args.db);
	let router = api::router(store.clone());
	let server = tokio::spawn(async move { axum::serve(listener, router).await });
	let indexer = Indexer { from_block: args.from_block, ..Indexer::new(source, store) };
	let follow = async {
		loop {
			match indexer.step().await {
				Ok(Step::Idle) | Ok(Step::Raced) => tokio::time::sleep(Duration::from_millis(args.poll_ms)).await,
				Ok(Step::Indexed { from, to, events }) => tracing::info!(from, to, events, "indexed"),
				Ok(Step::RolledBack { fork }) => tracing::warn!(?fork, "rolled back"),
				Err(e) => {
					// the node restarting, a network error: keep what is indexed, try again
					tracing::warn!("indexing stopped for now: {e:#}");
					tokio::time::sleep(Duration::from_millis(args.poll_ms.max(1000))).await;
				},
			}
		}
	};
	tokio::select! {
		_ = follow => Ok(()),
		r = server => r.context("the API server stopped")?.context("the API server failed"),
		_ = tokio::signal::ctrl_c() => { tracing::info!("stopping"); Ok(()) },
	}
}
