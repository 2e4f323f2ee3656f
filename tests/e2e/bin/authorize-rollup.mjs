// Governance (sudo, //Alice: a dev chain) authorizes the BPM registry and engine of an `alstra`
// deployment file to call the rollup precompile. Used by scripts/run.sh.
//   node tests/e2e/bin/authorize-rollup.mjs <ws-url> <alstra-deployment.json>
import { authorizeDeployment, connect } from '../lib/rollup.js';

const [wsUrl, file] = process.argv.slice(2);
if (!wsUrl || !file) {
  console.error('usage: authorize-rollup.mjs <ws-url> <alstra-deployment.json>');
  process.exit(2);
}
const api = await connect(wsUrl);
try {
  const d = await authorizeDeployment(api, file);
  console.log(`sudo: Rollup.authorize_contract(${d.definitionRegistry}, Registry) and (${d.processExecution}, Engine)`);
} finally {
  await api.disconnect();
}
