// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

import {Counter, IMulticall3, Registry} from "../src/Registry.sol";

/// The cheatcodes this script uses (forge-std's `Vm`, declared here: forge-std is not on npm).
interface Vm {
    function startBroadcast() external;
    function stopBroadcast() external;
    function envBytes32(string calldata name) external view returns (bytes32);
}

/// Deploys a Registry with CREATE2 (salt `SALT`, through the deterministic-deployment proxy
/// 0x4e59b44847b379578588920cA78FbF26c0B4956C) and a Counter with CREATE, registers the Counter
/// under "counter", increments it twice, then reads both back in one Multicall3 call.
contract Deploy {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    IMulticall3 internal constant MULTICALL3 = IMulticall3(0xcA11bde05977b3631167028862bE2a173976CA11);

    function run() external returns (Registry registry, Counter counter) {
        bytes32 salt = vm.envBytes32("SALT");
        vm.startBroadcast();
        registry = new Registry{salt: salt}();
        counter = new Counter();
        registry.register("counter", address(counter));
        counter.increment();
        counter.increment();
        vm.stopBroadcast();

        IMulticall3.Call3[] memory calls = new IMulticall3.Call3[](2);
        calls[0] = IMulticall3.Call3(address(registry), false, abi.encodeWithSelector(registry.ownerOf.selector, bytes32("counter")));
        calls[1] = IMulticall3.Call3(address(counter), false, abi.encodeWithSelector(counter.count.selector));
        IMulticall3.Result[] memory results = MULTICALL3.aggregate3(calls);
        require(abi.decode(results[0].returnData, (address)) == address(counter), "registry does not name the counter");
        require(abi.decode(results[1].returnData, (uint256)) == 2, "counter is not at 2");
    }
}
