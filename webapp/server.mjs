#!/usr/bin/env node
// Serves AlstraNet's web app (the bundle `node build.mjs` writes to dist/) and tells the page where
// the chain is: GET /config.json answers the deployment file of the BPM contracts (the one
// `alstra engine deploy` writes), the chain id and name, and the Ethereum JSON-RPC URL that a
// wallet should add. The page's own reads go through POST /rpc, forwarded to that endpoint (same
// origin: no CORS setting needed on the node); the wallet (MetaMask) talks to the endpoint itself.
// POST /substrate forwards to the node's Substrate JSON-RPC (the consortium view: finality,
// validators, rollup batches), for the read-only methods listed in SUBSTRATE_METHODS only.
//
// GET /indexer/api/... forwards to the analytics indexer's HTTP API (`alstra-indexer --listen`,
// --indexer URL): its JSON and status as they are, 502 with {error} when it is down.
//
// POST /api/check and POST /api/encode?definitionId=N take a BPMN file as the body and answer what
// the `alstra` CLI (the same compiler) says: the compiled model or the refusal (element id, type,
// line), and the registry calls that deploy it, for the modeler page to send with the wallet.
//
//   node server.mjs --deployment FILE [--eth-rpc URL] [--node-rpc URL] [--indexer URL] [--alstra PATH] [--port N] [--host H] [--chain-name NAME]
//
// Defaults: --eth-rpc http://127.0.0.1:8545, --node-rpc http://127.0.0.1:9944, --indexer http://127.0.0.1:8090, --port 8080, --host 127.0.0.1,
// --chain-name "AlstraNet". Exits with a clear message when the bundle or the deployment is missing.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import sirv from 'sirv';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values: opts } = parseArgs({
  options: {
    deployment: { type: 'string' },
    'eth-rpc': { type: 'string', default: 'http://127.0.0.1:8545' },
    'node-rpc': { type: 'string', default: 'http://127.0.0.1:9944' },
    indexer: { type: 'string', default: 'http://127.0.0.1:8090' },
    alstra: { type: 'string', default: process.env.ALSTRA || path.join(process.env.CARGO_TARGET_DIR || path.join(os.homedir(), '.cache/alstranet/target'), 'release/alstra') },
    port: { type: 'string', default: '8080' },
    host: { type: 'string', default: '127.0.0.1' },
    'chain-name': { type: 'string', default: 'AlstraNet' },
  },
});

function fail(message) {
  console.error(`alstranet-webapp: ${message}`);
  process.exit(2);
}

const dist = path.join(here, 'dist');
if (!fs.existsSync(path.join(dist, 'index.html'))) fail(`no bundle in ${dist}: run \`node build.mjs\` first`);
if (!opts.deployment) fail('--deployment FILE is required (the file `alstra engine deploy` wrote)');
let deployment;
try {
  deployment = JSON.parse(fs.readFileSync(opts.deployment, 'utf8'));
} catch (e) {
  fail(`cannot read the deployment file ${opts.deployment}: ${e.message}`);
}
for (const k of ['chainId', 'participantRegistry', 'definitionRegistry', 'processExecution']) {
  if (deployment[k] === undefined) fail(`${opts.deployment} has no \`${k}\`: not a deployment file of \`alstra engine deploy\``);
}
const ethRpc = opts['eth-rpc'];
const config = JSON.stringify({ chainId: deployment.chainId, chainName: opts['chain-name'], ethRpcUrl: ethRpc, deployment });
const assets = sirv(dist, { single: true, etag: true });

/** The Substrate methods the page may call through /substrate (reads only: no author_*). */
const SUBSTRATE_METHODS = new Set(['system_chain', 'system_properties', 'chain_getHeader', 'chain_getFinalizedHead',
  'state_getStorage', 'rollup_status', 'rollup_batch']);

/** Forwards one JSON-RPC request body to `endpoint`; answers 502 with a JSON-RPC error when it is
 *  down, 403 for a method `allowed` rejects. */
async function forward(req, res, endpoint, allowed = () => true) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const body = Buffer.concat(chunks);
  let calls;
  try {
    calls = [JSON.parse(body.toString('utf8'))].flat();
  } catch {
    res.writeHead(400, { 'content-type': 'application/json' });
    return res.end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'the request body is not JSON' } }));
  }
  const refused = calls.find((c) => !allowed(c?.method));
  if (refused) {
    res.writeHead(403, { 'content-type': 'application/json' });
    return res.end(JSON.stringify({ jsonrpc: '2.0', id: refused?.id ?? null, error: { code: -32601, message: `method ${refused?.method} is not served here` } }));
  }
  try {
    const r = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    res.writeHead(r.status, { 'content-type': 'application/json' });
    res.end(Buffer.from(await r.arrayBuffer()));
  } catch (e) {
    res.writeHead(502, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32000, message: `the node at ${endpoint} is unreachable: ${e.message}` } }));
  }
}

/** Largest BPMN file the compiler endpoints take (bytes). */
const MAX_MODEL_BYTES = 4 * 1024 * 1024;

function json(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Runs `alstra --json bpmn <args> FILE` on the request body; answers its JSON (200), the
 *  compiler's refusal (422), or why it could not run. */
async function compiler(req, res, args) {
  if (req.method !== 'POST') return json(res, 405, { error: 'POST the BPMN file' });
  const chunks = [];
  let size = 0;
  for await (const c of req) {
    size += c.length;
    if (size > MAX_MODEL_BYTES) return json(res, 413, { error: `a model may have at most ${MAX_MODEL_BYTES} bytes` });
    chunks.push(c);
  }
  if (!fs.existsSync(opts.alstra)) return json(res, 503, { error: `the compiler is not installed: no alstra at ${opts.alstra} (--alstra)` });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alstra-model-'));
  const file = path.join(dir, 'model.bpmn');
  fs.writeFileSync(file, Buffer.concat(chunks));
  execFile(opts.alstra, ['--json', 'bpmn', ...args(file)], { maxBuffer: 64 * 1024 * 1024, timeout: 60_000 }, (err, stdout, stderr) => {
    fs.rmSync(dir, { recursive: true, force: true });
    let out;
    try {
      out = stdout.trim() ? JSON.parse(stdout) : undefined;
    } catch {
      out = undefined;
    }
    if (out?.refused) return json(res, 422, out);
    if (err || !out) return json(res, 422, { error: (stderr || String(err)).trim().replace(file, 'the model') });
    json(res, 200, out);
  });
}

/** GET /indexer/api/... -> the indexer's /api/... (reads only). */
async function indexer(req, res, u) {
  if (req.method !== 'GET') return json(res, 405, { error: 'the analytics API is read-only: GET' });
  const target = new URL(u.pathname.slice('/indexer'.length) + u.search, opts.indexer);
  try {
    const r = await fetch(target);
    res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/json', 'cache-control': 'no-store' });
    res.end(Buffer.from(await r.arrayBuffer()));
  } catch (e) {
    json(res, 502, { error: `the analytics indexer at ${opts.indexer} is unreachable (${e.cause?.code ?? e.message}): start alstra-indexer` });
  }
}

const server = http.createServer((req, res) => {
  const u = new URL(req.url, 'http://x');
  if (u.pathname.startsWith('/indexer/api/')) return indexer(req, res, u);
  if (u.pathname === '/api/check') return compiler(req, res, (f) => ['check', f]);
  if (u.pathname === '/api/encode') {
    const id = u.searchParams.get('definitionId');
    if (!/^\d+$/.test(id ?? '')) return json(res, 400, { error: 'definitionId must be a number (the id createDefinition returned)' });
    return compiler(req, res, (f) => ['encode', f, '--definition-id', id]);
  }
  if (req.url === '/config.json') {
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    return res.end(config);
  }
  if (req.url === '/rpc') {
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' });
      return res.end('POST a JSON-RPC request');
    }
    return forward(req, res, ethRpc);
  }
  if (req.url === '/substrate') {
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' });
      return res.end('POST a JSON-RPC request');
    }
    return forward(req, res, opts['node-rpc'], (m) => SUBSTRATE_METHODS.has(m));
  }
  assets(req, res);
});
server.on('error', (e) => fail(`cannot listen on ${opts.host}:${opts.port}: ${e.message}`));
server.listen(Number(opts.port), opts.host, () => {
  const { port } = server.address();
  console.log(`AlstraNet web app on http://${opts.host}:${port}/ (chain id ${deployment.chainId}, Ethereum JSON-RPC ${ethRpc})`);
});
