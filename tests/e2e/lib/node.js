// Helpers to run alstranet-node in tests: a process from a temp base path on free ports,
// with its log captured, and waits on its Substrate and Ethereum endpoints.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import diskUsage from '../../../monitoring/disk-usage.cjs';
import prometheus from '../../../monitoring/scrape.cjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const TARGET = process.env.CARGO_TARGET_DIR || path.join(os.homedir(), '.cache/alstranet/target');
export const NODE_BIN = process.env.ALSTRANET_NODE || path.join(TARGET, 'release/alstranet-node');

/** A free TCP port on 127.0.0.1 (asks the kernel for one). */
export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export function tempDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `alstranet-${prefix}-`));
}

/** Runs the node binary to completion (for subcommands and start-up failures). */
export function runNodeSync(args, opts = {}) {
  return spawnSync(NODE_BIN, args, { encoding: 'utf8', timeout: 120_000, ...opts });
}

/**
 * Starts `alstranet-node` with `args` plus a temp `--base-path` and free ports.
 * `prepare(basePath)` runs before the node starts (e.g. to insert keys). With `prometheus`, the
 * node and its Ethereum endpoint serve Prometheus metrics on free ports (`prometheusPort`,
 * `ethPrometheusPort`); without, the node runs with `--no-prometheus`.
 * Returns { proc, rpcPort, p2pPort, ethPort, basePath, logFile, log(), waitForLog(re, ms), stop() }.
 */
export async function startNode(args, { name = 'node', eth = false, prepare, prometheus = false } = {}) {
  const basePath = tempDir(name);
  if (prepare) prepare(basePath);
  const rpcPort = await freePort();
  const p2pPort = await freePort();
  const ethPort = await freePort();
  const prometheusPort = prometheus ? await freePort() : undefined;
  const ethPrometheusPort = prometheus && eth ? await freePort() : undefined;
  const full = [
    ...args,
    '--base-path', basePath,
    '--rpc-port', String(rpcPort),
    '--port', String(p2pPort),
    ...(prometheus ? ['--prometheus-port', String(prometheusPort)] : ['--no-prometheus']),
    ...(ethPrometheusPort ? ['--eth-rpc-prometheus-port', String(ethPrometheusPort)] : []),
    '--no-telemetry',
    '--no-mdns',
    ...(eth ? ['--eth-rpc', '--eth-rpc-port', String(ethPort)] : []),
  ];
  const logFile = path.join(basePath, 'node.log');
  const out = fs.openSync(logFile, 'a');
  const proc = spawn(NODE_BIN, full, { stdio: ['ignore', out, out] });
  const node = {
    proc, rpcPort, p2pPort, ethPort, prometheusPort, ethPrometheusPort, basePath, logFile,
    wsUrl: `ws://127.0.0.1:${rpcPort}`,
    ethUrl: `http://127.0.0.1:${ethPort}`,
    log: () => fs.readFileSync(logFile, 'utf8'),
    async waitForLog(re, ms = 60_000) {
      const deadline = Date.now() + ms;
      while (Date.now() < deadline) {
        if (re.test(node.log())) return;
        if (proc.exitCode !== null) break;
        await sleep(250);
      }
      throw new Error(`log of ${name} never matched ${re} within ${ms} ms:\n${tail(node.log())}`);
    },
    async stop() {
      if (proc.exitCode === null) {
        proc.kill('SIGINT');
        await Promise.race([new Promise((r) => proc.once('exit', r)), sleep(15_000)]);
        if (proc.exitCode === null) proc.kill('SIGKILL');
      }
    },
  };
  return node;
}

/** Bytes allocated on disk to the files under `dir` (`du -s`; monitoring/disk-usage.cjs). */
export const dirSize = diskUsage.allocatedBytes;

export function tail(text, lines = 60) {
  return text.split('\n').slice(-lines).join('\n');
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a truthy value or throws nothing, for at most `ms`. */
export async function until(fn, ms, what) {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await sleep(500);
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? `: ${last.message}` : ''}`);
}

/** A JSON-RPC call over HTTP. Throws with the server's error message on an error reply. */
export async function jsonRpc(url, method, params = []) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const body = await res.json();
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

/** The Prometheus text exposition of the node's `/metrics` (`startNode(..., { prometheus: true })`). */
export async function scrapeMetrics(port) {
  return prometheus.scrape(`http://127.0.0.1:${port}/metrics`);
}

/** `metricValue(text, name, labels)`: see monitoring/scrape.cjs. */
export const { metricValue } = prometheus;
