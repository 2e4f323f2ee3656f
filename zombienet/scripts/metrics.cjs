'use strict';
// AlstraNet's own Prometheus metrics on the running network (node/src/metrics.rs), compared with
// the chain state they report, and the monitoring files (monitoring/: alert rules, Grafana
// dashboard) checked against what the nodes really export. args = [mode, name]:
//   silent     after `liveness.cjs silent,<name>`: alice reports <name> silent (as the chain
//              counts it) and every other validator live; the permissioning metrics of alice
//              (authorised, no outsider among its peers) and of mallory (not authorised, no peer)
//              match the chain; every metric the monitoring files use exists;
//   recovered  after `liveness.cjs recovers,<name>`: alice reports <name> live again.
const fs = require('node:fs');
const path = require('node:path');
const { council, api, disconnectAll, heads, waitFor, measured, scrape, metricValue, metricNames } = require('./lib.cjs');

const MONITORING = path.join(__dirname, '../../monitoring');

/** Metric names used by the alert rules and the dashboard, by prefix. */
function usedMetrics() {
  const text = ['prometheus/alerts.yml', 'grafana/alstranet.json']
    .map((f) => fs.readFileSync(path.join(MONITORING, f), 'utf8')).join('\n');
  return new Set(text.match(/\b(alstranet|substrate|alstra_relayer)_[a-z0-9_]+/g));
}

async function silentSessions(networkInfo, alice) {
  const validators = (await alice.query.validatorSet.validators()).map((v) => v.toString());
  const text = await scrape(networkInfo, 'alice');
  const chain = Object.fromEntries(await Promise.all(validators.map(async (v) =>
    [v, (await alice.query.validatorSet.silentSessions(v)).toNumber()])));
  const reported = Object.fromEntries(validators.map((v) => [v, metricValue(text, 'alstranet_validator_silent_sessions', { validator: v })]));
  return { validators, text, chain, reported };
}

async function run(nodeName, networkInfo, args) {
  const [mode, name] = args;
  const account = council.signer(`//${name[0].toUpperCase()}${name.slice(1)}`).address;
  try {
    const alice = await api(networkInfo, 'alice');
    // The metrics follow finalized blocks: wait until alice's gauges equal the chain's counts.
    let s;
    await waitFor(async () => {
      s = await silentSessions(networkInfo, alice);
      return s.validators.every((v) => s.reported[v] === s.chain[v]);
    }, 60_000, 'alstranet_validator_silent_sessions to equal validatorSet.silentSessions')
      .catch((e) => { throw new Error(`${e.message}: chain ${JSON.stringify(s.chain)}, metrics ${JSON.stringify(s.reported)}`); });
    const m = (metric, labels) => metricValue(s.text, metric, labels);
    if (m('alstranet_validators') !== s.validators.length) throw new Error(`alstranet_validators ${m('alstranet_validators')}, chain ${s.validators.length}`);

    if (mode === 'recovered') {
      if (s.reported[account] !== 0) throw new Error(`${name} still reported silent: ${s.reported[account]}`);
      measured(`metrics: alice reports ${name} live again (alstranet_validator_silent_sessions 0)`);
      return 0;
    }
    if (mode !== 'silent') throw new Error(`unknown mode ${mode}`);
    if (!(s.reported[account] >= 1)) throw new Error(`${name} not reported silent: ${s.reported[account]}`);
    const others = s.validators.filter((v) => v !== account && s.reported[v] !== 0);
    if (others.length) throw new Error(`validators reported silent besides ${name}: ${others}`);
    if (!(m('alstranet_validator_silent_total') >= 1)) throw new Error(`alstranet_validator_silent_total ${m('alstranet_validator_silent_total')}`);
    const lag = m('alstranet_finality_lag_blocks');
    const { best, finalized } = await heads(alice);
    if (!(lag >= 0 && lag <= best - finalized + 3)) throw new Error(`alstranet_finality_lag_blocks ${lag}, heads ${best}/${finalized}`);

    // Permissioning, as the chain has it.
    const wellKnown = (await alice.query.nodeAuthorization.wellKnownNodes()).size;
    if (m('alstranet_well_known_nodes') !== wellKnown) throw new Error(`alstranet_well_known_nodes ${m('alstranet_well_known_nodes')}, chain ${wellKnown}`);
    if (m('alstranet_node_authorized') !== 1) throw new Error(`alice: alstranet_node_authorized ${m('alstranet_node_authorized')}`);
    if (m('alstranet_unauthorized_peers_connected') !== 0) throw new Error(`alice: alstranet_unauthorized_peers_connected ${m('alstranet_unauthorized_peers_connected')}`);
    if (!(m('alstranet_authorized_peers') >= wellKnown - 1)) throw new Error(`alice: alstranet_authorized_peers ${m('alstranet_authorized_peers')} < ${wellKnown - 1}`);
    const outsider = await scrape(networkInfo, 'mallory');
    for (const [metric, want] of [['alstranet_node_authorized', 0], ['alstranet_authorized_peers', 0], ['alstranet_unauthorized_peers_connected', 0]]) {
      const got = metricValue(outsider, metric);
      if (got !== want) throw new Error(`mallory: ${metric} ${got}, expected ${want}`);
    }

    // Every metric of the alert rules and the dashboard exists (relayer metrics in its source).
    const exported = metricNames(s.text);
    const relayerSource = fs.readFileSync(path.join(__dirname, '../../cli/src/relayer.rs'), 'utf8');
    const missing = [...usedMetrics()].filter((n) => n.startsWith('alstra_relayer_')
      ? !relayerSource.includes(`"${n.replace(/_(bucket|sum|count)$/, '')}"`)
      : !exported.has(n));
    if (missing.length) throw new Error(`monitoring/ uses metrics nobody exports: ${missing.join(', ')}`);
    measured(`metrics: alice reports ${name} silent for ${s.reported[account]} session(s) like the chain, ${s.validators.length} validators, lag ${lag}, ${wellKnown} well-known nodes, mallory not authorised; ${usedMetrics().size} metrics of monitoring/ exported`);
    return s.reported[account];
  } finally {
    await disconnectAll();
  }
}

module.exports = { run };
