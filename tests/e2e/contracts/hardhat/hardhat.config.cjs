// A Hardhat 2 project as a developer would write one, deployed to AlstraNet's Ethereum endpoint
// by tests/e2e/test/eth-tools.test.js with `hardhat run scripts/deploy.cjs --network alstranet`.
// ALSTRANET_RPC and ALSTRANET_KEY name the endpoint and the deployer's key; HARDHAT_BUILD_DIR,
// if set, receives Hardhat's artifacts/ and cache/ (the tests keep them out of the checkout).
//
// Hardhat downloads solc from binaries.soliditylang.org, which this machine cannot reach: the
// subtask below hands it the `solc` npm package's soljson.js instead (Hardhat's documented way to
// use a custom compiler), the same compiler version as the rest of the tests.
const { subtask } = require('hardhat/config');
const { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } = require('hardhat/builtin-tasks/task-names');
require('@nomicfoundation/hardhat-ethers');

const solc = require('solc');
const SOLC_VERSION = solc.version().replace(/\+commit.*$/, '');

subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async ({ solcVersion }, hre, runSuper) => {
  if (solcVersion !== SOLC_VERSION) return runSuper();
  return { compilerPath: require.resolve('solc/soljson.js'), isSolcJs: true, version: SOLC_VERSION, longVersion: solc.version() };
});

const build = process.env.HARDHAT_BUILD_DIR;

module.exports = {
  ...(build ? { paths: { artifacts: `${build}/artifacts`, cache: `${build}/cache` } } : {}),
  solidity: { version: SOLC_VERSION, settings: { evmVersion: 'cancun', optimizer: { enabled: true, runs: 200 } } },
  networks: {
    alstranet: {
      url: process.env.ALSTRANET_RPC ?? 'http://127.0.0.1:8545',
      accounts: process.env.ALSTRANET_KEY ? [process.env.ALSTRANET_KEY] : [],
    },
  },
};
