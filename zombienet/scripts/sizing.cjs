'use strict';
// Resource use of every node at the end of the network test, for the operator documents
// (README "Sizing"; Alastria STOR_001/002, COMP_001/002, COMM_001): resident memory (now and
// peak), CPU time, database size on disk, p2p traffic, per node and per block. Read from /proc
// (the node's process, found by its `--name`), `du` of its base path and its Prometheus metrics.
// Fails when a node exceeds the sizing budget the README states (peak RSS 1.5 GiB, database
// 16 MiB plus 1 MiB per block on these mostly empty blocks) or when the outsider imported blocks.
const fs = require('node:fs');
const { execFileSync } = require('node:child_process');
const { api, disconnectAll, heads, measured, scrape, metricValue } = require('./lib.cjs');

const MiB = 1024 * 1024;
const BUDGET_RSS = 1536 * MiB;
const BUDGET_DB_PER_BLOCK = 1 * MiB;
const GENESIS_ALLOWANCE = 16 * MiB; // genesis state (runtime code, predeployed contracts), keys

/** The alstranet-node process started with `--name <name>`: `{ pid, basePath }`. */
function processOf(name) {
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let args;
    try {
      args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    if (!/alstranet-node$/.test(args[0] ?? '')) continue;
    const at = (flag) => args[args.indexOf(flag) + 1];
    if (args.includes('--name') && at('--name') === name) return { pid, basePath: at('--base-path') };
  }
  throw new Error(`no alstranet-node process with --name ${name}`);
}

function statusKiB(pid, field) {
  const line = fs.readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(`${field}:`));
  return Number(line.split(/\s+/)[1]);
}

function cpuSeconds(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));
  return (Number(fields[11]) + Number(fields[12])) / ticks; // utime + stime
}

async function run(_nodeName, networkInfo) {
  try {
    const alice = await api(networkInfo, 'alice');
    const { best } = await heads(alice);
    const rows = [];
    for (const name of Object.keys(networkInfo.nodesByName)) {
      const { pid, basePath } = processOf(name);
      const db = Number(execFileSync('du', ['-sb', basePath], { encoding: 'utf8' }).split('\t')[0]);
      const text = await scrape(networkInfo, name);
      const bytes = (direction) => metricValue(text, 'substrate_sub_libp2p_network_bytes_total', { direction }) ?? 0;
      rows.push({
        name, rss: statusKiB(pid, 'VmRSS') * 1024, peak: statusKiB(pid, 'VmHWM') * 1024, cpu: cpuSeconds(pid),
        db, in: bytes('in'), out: bytes('out'),
        height: metricValue(text, 'substrate_block_height', { status: 'best' }) ?? 0,
      });
    }
    for (const r of rows) {
      measured(`sizing: ${r.name} at #${r.height}: RSS ${(r.rss / MiB).toFixed(0)} MiB (peak ${(r.peak / MiB).toFixed(0)}), CPU ${r.cpu.toFixed(0)} s, base path ${(r.db / MiB).toFixed(1)} MiB, p2p in ${(r.in / MiB).toFixed(1)} MiB / out ${(r.out / MiB).toFixed(1)} MiB since its last start`);
      if (r.peak > BUDGET_RSS) throw new Error(`${r.name}: peak RSS ${(r.peak / MiB).toFixed(0)} MiB over the ${BUDGET_RSS / MiB} MiB budget`);
    }
    const alicesDb = rows.find((r) => r.name === 'alice').db;
    if (alicesDb > GENESIS_ALLOWANCE + BUDGET_DB_PER_BLOCK * best) throw new Error(`alice's base path is ${(alicesDb / MiB).toFixed(1)} MiB after ${best} blocks`);
    const outsider = rows.find((r) => r.name === 'mallory');
    if (outsider.height > 1) throw new Error(`mallory is at #${outsider.height}`);
    measured(`sizing: alice's base path ${(alicesDb / best / 1024).toFixed(1)} KiB per block over ${best} blocks (keystore, network key and genesis included)`);
    return best;
  } finally {
    await disconnectAll();
  }
}

module.exports = { run };
