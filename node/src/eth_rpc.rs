//! The managed Ethereum JSON-RPC endpoint.
//!
//! With `--eth-rpc`, the node runs `alstranet-node eth-rpc …` (this same binary, subcommand
//! `eth-rpc`, i.e. `pallet-revive-eth-rpc`) as a child process connected to the node's own
//! Substrate RPC. The server keeps its own logger, Tokio runtime and receipt database, which is
//! why it runs as a process and not as a task of the node. The supervisor:
//! - starts it once the node's RPC server listens,
//! - restarts it (after [`RESTART_DELAY`]) whenever it exits, logging the exit status,
//! - stops it when the node stops (the child is killed on drop, and Linux's parent-death
//!   signal covers a node that is killed outright).

use crate::cli::EthRpcParams;
use polkadot_sdk::{
	sc_service::{ChainType, Configuration},
	*,
};
use std::{net::IpAddr, path::PathBuf, time::Duration};

/// Log target of the supervisor's messages.
const LOG_TARGET: &str = "eth-rpc-supervisor";
/// Wait between an exit of the endpoint and its restart.
pub const RESTART_DELAY: Duration = Duration::from_secs(2);
/// Receipt window of the in-memory receipt database when the node prunes its state: the
/// node's own pruning window (in blocks), or this default.
const DEFAULT_KEEP_LATEST_BLOCKS: u32 = 256;

/// How to start the endpoint: the program and its arguments.
#[derive(Debug, Clone)]
pub struct ChildConfig {
	program: PathBuf,
	args: Vec<String>,
	port: u16,
}

impl ChildConfig {
	/// Derives the endpoint's command line from the node's configuration:
	/// - `--node-rpc-url ws://<node rpc address>` (127.0.0.1 when the node listens on all
	///   interfaces), `--rpc-port <--eth-rpc-port>`, `--rpc-external` when the node's RPC is;
	/// - `--base-path <node base path>/eth-rpc` for its receipt database;
	/// - `--eth-pruning archive` on an archive node, else `--eth-pruning <window>`;
	/// - `--dev` on development chains (permissive CORS for dApps on localhost);
	/// - `--prometheus-port <--eth-rpc-prometheus-port>` (and `--prometheus-external` when the
	///   node's Prometheus listens on all interfaces), or `--no-prometheus` when the node runs
	///   without Prometheus.
	pub fn new(config: &Configuration, params: &EthRpcParams) -> Self {
		let endpoint = config.rpc.addr.as_ref().and_then(|a| a.first()).map(|e| e.listen_addr);
		let node_port = endpoint.map(|a| a.port()).unwrap_or(config.rpc.port);
		let node_ip = match endpoint.map(|a| a.ip()) {
			Some(ip) if !ip.is_unspecified() => ip,
			_ => IpAddr::from([127, 0, 0, 1]),
		};
		let node_url = match node_ip {
			IpAddr::V6(ip) => format!("ws://[{ip}]:{node_port}"),
			IpAddr::V4(ip) => format!("ws://{ip}:{node_port}"),
		};
		let external = endpoint.map(|a| a.ip().is_unspecified()).unwrap_or(false);

		let mut args = vec![
			"eth-rpc".to_string(),
			"--node-rpc-url".into(),
			node_url,
			"--rpc-port".into(),
			params.eth_rpc_port.to_string(),
			"--base-path".into(),
			config.base_path.path().join("eth-rpc").display().to_string(),
			"--eth-pruning".into(),
			match &config.state_pruning {
				Some(mode) if mode.is_archive() => "archive".to_string(),
				Some(sc_service::PruningMode::Constrained(c)) =>
					c.max_blocks.unwrap_or(DEFAULT_KEEP_LATEST_BLOCKS).max(1).to_string(),
				_ => DEFAULT_KEEP_LATEST_BLOCKS.to_string(),
			},
		];
		if external {
			args.push("--rpc-external".into());
		}
		if config.chain_spec.chain_type() == ChainType::Development {
			args.push("--dev".into());
		}
		match &config.prometheus_config {
			None => args.push("--no-prometheus".into()),
			Some(prometheus) => {
				args.push("--prometheus-port".into());
				args.push(params.eth_rpc_prometheus_port.to_string());
				if prometheus.port.ip().is_unspecified() {
					args.push("--prometheus-external".into());
				}
			},
		}
		let program = std::env::current_exe().unwrap_or_else(|_| PathBuf::from("alstranet-node"));
		Self { program, args, port: params.eth_rpc_port }
	}
}

/// Runs the endpoint until the node stops, restarting it whenever it exits.
pub async fn supervise(child: ChildConfig) {
	loop {
		log::info!(
			target: LOG_TARGET,
			"🦊 Starting the Ethereum JSON-RPC endpoint on port {}: {} {}",
			child.port,
			child.program.display(),
			child.args.join(" ")
		);
		let mut command = tokio::process::Command::new(&child.program);
		command.args(&child.args).kill_on_drop(true);
		// SAFETY: `prctl(PR_SET_PDEATHSIG)` is async-signal-safe; it only asks the kernel to
		// send SIGTERM to the child when the node's thread that spawned it exits.
		unsafe {
			command.pre_exec(|| {
				libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
				Ok(())
			});
		}
		match command.spawn() {
			Ok(mut process) => match process.wait().await {
				Ok(status) => log::warn!(
					target: LOG_TARGET,
					"Ethereum JSON-RPC endpoint exited ({status}); restarting in {RESTART_DELAY:?}"
				),
				Err(e) => log::error!(
					target: LOG_TARGET,
					"Ethereum JSON-RPC endpoint: waiting for the process failed: {e}"
				),
			},
			Err(e) => log::error!(
				target: LOG_TARGET,
				"Cannot start the Ethereum JSON-RPC endpoint `{}`: {e}; retrying in {RESTART_DELAY:?}",
				child.program.display()
			),
		}
		tokio::time::sleep(RESTART_DELAY).await;
	}
}
