//! `alstra-indexer`: follows the BPM engine's events on an AlstraNet node into a database and
//! serves process analytics over HTTP (spec 5.17, Analytics), for the web app's analytics page
//! and for a consortium's own reports.
//!
//! * [`source`]: where the chain is read (the node's Ethereum JSON-RPC endpoint).
//! * [`follow`]: the indexing loop, restart-safe and handling reorganisations before finality.
//! * [`store`]: the index in SQLite (embedded, the default) or PostgreSQL (by URL).
//! * [`analytics`]: cycle time, time per task, waiting time per role, bottlenecks.
//! * [`api`]: the HTTP API.
//!
//! The worklist and every write work against the chain alone: the index is derived data that
//! can be deleted and rebuilt from the chain at any time.

#![warn(missing_docs)]

pub mod analytics;
pub mod api;
pub mod events;
pub mod follow;
pub mod source;
pub mod store;
