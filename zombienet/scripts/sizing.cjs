'use strict';
// Sizing of every running node of the consortium network, measured on this machine at the end
// of the network test (Alastria COMP_001/002 compute, STOR_001-003 storage, COMM_001 bandwidth;
// the operator tables in docs/operations.md come from these lines). For each node process:
//   memory   resident set now and its peak (`VmRSS`, `VmHWM` of /proc/<pid>/status);
//   CPU      user + system time over the process's life (/proc/<pid>/stat, in clock ticks);
//   disk     size of its base path (database, keystore, network key), per block of the chain;
//   p2p      bytes in and out since the process started (`substrate_sub_libp2p_network_bytes_total`).
// A node restarted during the test (zombienet's `restart`: kill -9 and the same command) counts
// from its restart. The test fails if a node exceeds the budget below, or if a node of the
// network has no process (then it is not measured and the sizing would be wrong).
const fs = require('node:fs');
const { api, disconnectAll, heads, measured, scrape, metricValue } = require('./lib.cjs');
const { allocatedBytes: du } = require('../../monitoring/disk-usage.cjs');

/** Budget per node on this network (7 nodes of a 2-core, 24 GiB machine; blocks every 6 s). */
const BUDGET = {
  /** Peak resident memory of a node process. */
  peakRssBytes: 1.5 * 1024 ** 3,
  /** Base path size on disk: a fixed part (runtime code in the state, ParityDB tables) ... */
  diskFixedBytes: 16 * 1024 ** 2,
  /** ... plus this much per block of the chain (empty blocks cost ~1-3 KiB each). */
  diskPerBlockBytes: 1024 ** 2,
};

const CLK_TCK = 100; // USER_HZ on Linux (getconf CLK_TCK)

/** `[pid, argv]` of every process whose command line has `--name <name>` (zombienet passes it). */
function nodeProcesses() {
  const out = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let argv;
    try {
      argv = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean);
    } catch {
      continue; // exited meanwhile
    }
    const i = argv.indexOf('--name');
    if (i >= 0 && argv[i + 1] && argv.includes('--base-path')) out.push({ pid: Number(entry), argv, name: argv[i + 1] });
  }
  return out;
}

/** kB line `key` of /proc/<pid>/status, in bytes. */
function statusBytes(status, key) {
  const m = status.match(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm'));
  if (!m) throw new Error(`no ${key} in /proc/<pid>/status`);
  return Number(m[1]) * 1024;
}

/** Seconds of CPU (user + system) and seconds since start of process `pid`. */
function cpu(pid) {
  // Fields after the command name (which may hold spaces, so split after the last ')').
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // f[0] is field 3 (state): utime is field 14, stime 15, starttime 22 (proc(5)).
  const utime = Number(f[11]);
  const stime = Number(f[12]);
  const start = Number(f[19]) / CLK_TCK;
  const uptime = Number(fs.readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
  return { cpuSeconds: (utime + stime) / CLK_TCK, lifeSeconds: uptime - start };
}

const MiB = (b) => (b / 1024 ** 2).toFixed(1);

async function run(_nodeName, networkInfo) {
  try {
    const names = Object.keys(networkInfo.nodesByName);
    const procs = nodeProcesses();
    const alice = await api(networkInfo, 'alice');
    const { best, finalized } = await heads(alice);
    const rows = [];
    const over = [];
    for (const name of names) {
      const p = procs.find((x) => x.name === name);
      if (!p) throw new Error(`no process of node ${name} (command line with --name ${name})`);
      const status = fs.readFileSync(`/proc/${p.pid}/status`, 'utf8');
      const rss = statusBytes(status, 'VmRSS');
      const peak = statusBytes(status, 'VmHWM');
      const { cpuSeconds, lifeSeconds } = cpu(p.pid);
      const base = p.argv[p.argv.indexOf('--base-path') + 1];
      const disk = du(base);
      const text = await scrape(networkInfo, name);
      const p2pIn = metricValue(text, 'substrate_sub_libp2p_network_bytes_total', { direction: 'in' });
      const p2pOut = metricValue(text, 'substrate_sub_libp2p_network_bytes_total', { direction: 'out' });
      if (p2pIn === undefined || p2pOut === undefined) throw new Error(`${name} exports no substrate_sub_libp2p_network_bytes_total`);
      const row = {
        name, rss, peak, cpuSeconds, lifeSeconds, disk, p2pIn, p2pOut,
        cpuShare: cpuSeconds / lifeSeconds,
        inPerS: p2pIn / lifeSeconds,
        outPerS: p2pOut / lifeSeconds,
      };
      rows.push(row);
      if (peak > BUDGET.peakRssBytes) over.push(`${name}: peak RSS ${MiB(peak)} MiB > ${MiB(BUDGET.peakRssBytes)} MiB`);
      const diskBudget = BUDGET.diskFixedBytes + BUDGET.diskPerBlockBytes * best;
      if (disk > diskBudget) over.push(`${name}: base path ${MiB(disk)} MiB > ${MiB(diskBudget)} MiB for ${best} blocks`);
    }
    measured(`sizing at block #${best} (finalized #${finalized}), per node: RSS now / peak MiB, CPU s over life s (share of one core), base path MiB (KiB per block), p2p in / out KiB/s`);
    for (const r of rows) {
      measured(`  ${r.name.padEnd(8)} RSS ${MiB(r.rss)} / ${MiB(r.peak)} MiB; CPU ${r.cpuSeconds.toFixed(0)} s over ${r.lifeSeconds.toFixed(0)} s (${(100 * r.cpuShare).toFixed(1)} %); disk ${MiB(r.disk)} MiB (${(r.disk / 1024 / Math.max(best, 1)).toFixed(1)} KiB/block); p2p ${(r.inPerS / 1024).toFixed(2)} / ${(r.outPerS / 1024).toFixed(2)} KiB/s`);
    }
    if (over.length) throw new Error(`over the sizing budget:\n${over.join('\n')}`);
    return rows.length;
  } finally {
    await disconnectAll();
  }
}

module.exports = { run, BUDGET };
