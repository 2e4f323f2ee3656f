//! `alstranet-node`: the AlstraNet appchain node (Aura + GRANDPA) with its managed Ethereum
//! JSON-RPC endpoint (`--eth-rpc`, served by `pallet-revive-eth-rpc`).

mod attester;
mod auditor;
mod chain_spec;
mod cli;
mod command;
mod consortium;
mod eth_rpc;
mod metrics;
mod permissioning;
mod rollup_rpc;
mod rpc;
mod service;

fn main() -> polkadot_sdk::sc_cli::Result<()> {
	command::run()
}
