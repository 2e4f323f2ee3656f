// A multi-contract deployment as Hardhat users write them: deploy, wire, use; every transaction
// waited for. Prints the addresses and results as JSON on the last line.
const hre = require('hardhat');

async function main() {
  const [deployer] = await hre.ethers.getSigners();
  const parts = await hre.ethers.deployContract('Parts');
  await parts.waitForDeployment();
  const assembly = await hre.ethers.deployContract('Assembly', [await parts.getAddress()]);
  await assembly.waitForDeployment();
  await (await parts.authorize(await assembly.getAddress())).wait();
  await (await parts.restock(hre.ethers.encodeBytes32String('wheel'), 3)).wait();
  await (await parts.restock(hre.ethers.encodeBytes32String('frame'), 2)).wait();
  // sent back to back, nonces from "pending", then waited for together
  const builds = [await assembly.build(), await assembly.build()];
  const receipts = await Promise.all(builds.map((tx) => tx.wait()));
  // a third build finds no frame: the custom error, decoded by Hardhat's ethers
  let refusal = null;
  try {
    await assembly.build.staticCall();
  } catch (e) {
    refusal = e.revert?.name ?? parts.interface.parseError(e.data)?.name ?? String(e.message);
  }
  console.log(JSON.stringify({
    deployer: deployer.address,
    parts: await parts.getAddress(),
    assembly: await assembly.getAddress(),
    built: Number(await assembly.built()),
    buildStatuses: receipts.map((r) => r.status),
    wheelsLeft: Number(await parts.stock(hre.ethers.encodeBytes32String('wheel'))),
    refusal,
  }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
