// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Models} from "./Models.sol";
import {BpmRuntime} from "../src/BpmRuntime.sol";
import {IProcessDefinitionRegistry} from "../src/IProcessDefinitionRegistry.sol";
import {ProcessDefinitionRegistry} from "../src/ProcessDefinitionRegistry.sol";

/// @notice Versions (spec 5.20): a deprecated version starts no new instance, directly or
/// through a call activity, while its running instances go on; only its owner or the
/// consortium's admin deprecates or reinstates it.
contract VersionsTest is Models {
    event DefinitionDeprecated(uint256 indexed definitionId, address indexed by);
    event DefinitionReinstated(uint256 indexed definitionId, address indexed by);

    function testADeprecatedVersionStartsNothingAndItsInstancesGoOn() public {
        buildSequence();
        uint256 def = deploy("seq");
        uint256 running = start(alice, def, bind(MANAGER, bob));
        vm.expectEmit(address(registry));
        emit DefinitionDeprecated(def, address(this)); // the deployer (owner) deprecates
        registry.deprecate(def);
        assertTrue(registry.isDeprecated(def));
        assertTrue(registry.definition(def).deprecated);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IProcessDefinitionRegistry.DefinitionIsDeprecated.selector, def));
        engine.startInstance(def, bind(MANAGER, bob), noVars());
        // the running instance goes on to its end
        complete(alice, running, seqReview);
        complete(bob, running, seqApprove);
        assertStatus(running, BpmRuntime.InstanceStatus.Completed);
        // idempotent: no second event
        vm.recordLogs();
        registry.deprecate(def);
        assertEq(vm.getRecordedLogs().length, 0);
        // reinstated, it starts instances again
        vm.expectEmit(address(registry));
        emit DefinitionReinstated(def, address(this));
        registry.reinstate(def);
        assertFalse(registry.isDeprecated(def));
        start(alice, def, bind(MANAGER, bob));
    }

    function testOnlyTheOwnerOrTheAdminDeprecates() public {
        buildSequence();
        uint256 def = deploy("seq");
        vm.prank(mallory);
        vm.expectRevert(abi.encodeWithSelector(IProcessDefinitionRegistry.NotDefinitionOwner.selector, def, mallory));
        registry.deprecate(def);
        // a second deployer owns its own definitions only; the admin (this test) may act on any
        registry.grantRole(registry.DEPLOYER_ROLE(), erin);
        vm.prank(erin);
        uint256 other = registry.createDefinition(keccak256("other"), "other");
        vm.prank(erin);
        vm.expectRevert(abi.encodeWithSelector(IProcessDefinitionRegistry.NotDefinitionOwner.selector, def, erin));
        registry.deprecate(def);
        registry.deprecate(def);
        assertTrue(registry.isDeprecated(def));
        // a Draft is not a version yet
        vm.prank(erin);
        vm.expectRevert(abi.encodeWithSelector(IProcessDefinitionRegistry.DefinitionNotPublished.selector, other));
        registry.deprecate(other);
    }

    /// A call activity starts the latest version of the called process: deprecated, the call
    /// (and with it the action that reached it) reverts; a newer version is called again.
    function testACallActivityDoesNotStartADeprecatedVersion() public {
        buildPayment();
        uint256 child = deploy("payment");
        buildOrder();
        uint256 parent = deploy("order");
        registry.deprecate(child);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IProcessDefinitionRegistry.DefinitionIsDeprecated.selector, child));
        engine.startInstance(parent, noBindings(), noVars());
        buildPayment();
        uint256 fixed_ = deploy("payment"); // version 2 of the called process
        uint256 id = start(alice, parent, noBindings());
        assertEq(engine.instance(engine.childInstances(id)[0]).definitionId, fixed_);
    }
}
