// A real local Ethereum node for tests: Foundry's `anvil`, from the npm package
// `@foundry-rs/anvil` (its platform package carries the binary), on a free port of 127.0.0.1.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { freePort, jsonRpc, sleep, tail, tempDir } from './node.js';

const require = createRequire(import.meta.url);

/**
 * Path of the anvil binary: `$ANVIL`, else the binary of the platform package that
 * `@foundry-rs/anvil` installs (e.g. `@foundry-rs/anvil-linux-amd64`). Throws a clear error if
 * it is not installed.
 */
export function anvilBin() {
  if (process.env.ANVIL) return process.env.ANVIL;
  const arch = { x64: 'amd64', arm64: 'arm64' }[process.arch] ?? process.arch;
  const pkg = `@foundry-rs/anvil-${process.platform}-${arch}`;
  let pkgJson;
  try {
    pkgJson = require.resolve(`${pkg}/package.json`);
  } catch {
    throw new Error(`anvil is not installed: no npm package ${pkg}. Run \`npm ci\` in tests/e2e ` +
      '(dependency @foundry-rs/anvil), or set ANVIL=/path/to/anvil.');
  }
  const bin = path.join(path.dirname(pkgJson), 'bin', process.platform === 'win32' ? 'anvil.exe' : 'anvil');
  if (!fs.existsSync(bin)) throw new Error(`${pkg} is installed but has no binary at ${bin}: reinstall with \`npm ci\` in tests/e2e`);
  return bin;
}

/**
 * Starts anvil on a free port with `args` (e.g. ['--hardfork', 'prague']) and waits until it
 * answers `eth_chainId`. Returns { proc, port, url, chainId, log(), stop() }. The default
 * accounts of anvil (its public test mnemonic, 10,000 ETH each) are unlocked on the node, so
 * `provider.getSigner(i)` of ethers signs with them. Automining: each transaction is mined in
 * its own block at once.
 */
export async function startAnvil(args = [], { name = 'anvil', timeoutMs = 30_000 } = {}) {
  const bin = anvilBin();
  const dir = tempDir(name);
  const logFile = path.join(dir, 'anvil.log');
  // The port is free when asked for, but another process may take it before anvil binds it:
  // try again on another port if anvil exits at start.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const out = fs.openSync(logFile, 'a');
    const proc = spawn(bin, ['--host', '127.0.0.1', '--port', String(port), ...args], { stdio: ['ignore', out, out] });
    fs.closeSync(out);
    const url = `http://127.0.0.1:${port}`;
    const node = {
      proc, port, url, logFile,
      log: () => fs.readFileSync(logFile, 'utf8'),
      /** Stops anvil (SIGTERM, SIGKILL after 5 s) and waits for it to exit. */
      async stop() {
        if (proc.pid === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await Promise.race([exited, sleep(5_000)]);
        if (proc.exitCode === null && proc.signalCode === null) {
          proc.kill('SIGKILL');
          await Promise.race([exited, sleep(5_000)]);
        }
      },
    };
    let spawnError;
    proc.once('error', (e) => { spawnError = e; });
    // Wait for the first answer to eth_chainId; stop early if anvil could not start.
    const deadline = Date.now() + timeoutMs;
    let last;
    while (Date.now() < deadline && !spawnError && proc.exitCode === null && proc.signalCode === null) {
      try {
        node.chainId = BigInt(await jsonRpc(url, 'eth_chainId'));
        return node;
      } catch (e) {
        last = e;
        await sleep(100);
      }
    }
    await node.stop();
    if (spawnError) throw new Error(`cannot run anvil (${bin}): ${spawnError.message}`);
    if (proc.exitCode !== null && attempt < 3) continue; // e.g. the port was taken meanwhile
    const why = proc.exitCode !== null ? `anvil exited with code ${proc.exitCode}` : `no answer from anvil on ${url} within ${timeoutMs} ms${last ? ` (${last.message})` : ''}`;
    throw new Error(`${why}; its log (${logFile}):\n${tail(node.log())}`);
  }
}
