// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {TestBase} from "alstra-test/TestBase.sol";
import {ParticipantRegistry} from "../src/ParticipantRegistry.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

contract ParticipantRegistryTest is TestBase {
    event ParticipantRegistered(address indexed account, string name, bytes32[] roles);
    event ParticipantUpdated(address indexed account, string name, bytes32[] roles);
    event ParticipantRemoved(address indexed account);
    event ParticipantRoleGranted(address indexed account, bytes32 indexed role);
    event ParticipantRoleRevoked(address indexed account, bytes32 indexed role);

    ParticipantRegistry internal reg;
    bytes32 internal constant CLERK = keccak256("Clerk");
    bytes32 internal constant MANAGER = keccak256("Manager");
    address internal alice = address(0xA11CE);
    address internal bob = address(0xB0B);
    address internal registrar = address(0x5E);

    function setUp() public {
        reg = new ParticipantRegistry(address(this));
    }

    function roles(bytes32 a) internal pure returns (bytes32[] memory r) {
        r = new bytes32[](1);
        r[0] = a;
    }

    function roles(bytes32 a, bytes32 b) internal pure returns (bytes32[] memory r) {
        r = new bytes32[](2);
        r[0] = a;
        r[1] = b;
    }

    function testConstructor() public {
        assertTrue(reg.hasRole(reg.DEFAULT_ADMIN_ROLE(), address(this)));
        assertTrue(reg.hasRole(reg.REGISTRAR_ROLE(), address(this)));
        assertEq(reg.REGISTRAR_ROLE(), keccak256("REGISTRAR_ROLE"));
        vm.expectRevert(ParticipantRegistry.ZeroAccount.selector);
        new ParticipantRegistry(address(0));
    }

    function testRegister() public {
        vm.expectEmit(address(reg));
        emit ParticipantRegistered(alice, "Alice", roles(CLERK, CLERK));
        reg.registerParticipant(alice, "Alice", roles(CLERK, CLERK)); // duplicates collapse
        assertTrue(reg.isParticipant(alice));
        assertTrue(reg.hasParticipantRole(alice, CLERK));
        assertFalse(reg.hasParticipantRole(alice, MANAGER));
        assertFalse(reg.hasParticipantRole(bob, CLERK));
        (string memory name, bytes32[] memory r) = reg.participant(alice);
        assertEq(name, "Alice");
        assertEq(r, roles(CLERK));
        assertEq(reg.participantCount(), 1);
        assertEq(reg.participantAt(0), alice);
    }

    function testRegisterErrors() public {
        vm.expectRevert(ParticipantRegistry.ZeroAccount.selector);
        reg.registerParticipant(address(0), "Nobody", roles(CLERK));
        reg.registerParticipant(alice, "Alice", roles(CLERK));
        vm.expectRevert(abi.encodeWithSelector(ParticipantRegistry.ParticipantAlreadyRegistered.selector, alice));
        reg.registerParticipant(alice, "Alice", roles(CLERK));
        vm.expectRevert(ParticipantRegistry.InvalidParticipantRole.selector);
        reg.registerParticipant(bob, "Bob", roles(bytes32(0)));
    }

    function testOnlyRegistrar() public {
        bytes32 role = reg.REGISTRAR_ROLE();
        bytes memory err = abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, alice, role);
        vm.startPrank(alice);
        vm.expectRevert(err);
        reg.registerParticipant(alice, "Alice", roles(CLERK));
        vm.expectRevert(err);
        reg.updateParticipant(alice, "Alice", roles(CLERK));
        vm.expectRevert(err);
        reg.grantParticipantRole(alice, CLERK);
        vm.expectRevert(err);
        reg.revokeParticipantRole(alice, CLERK);
        vm.expectRevert(err);
        reg.removeParticipant(alice);
        vm.stopPrank();

        reg.grantRole(role, registrar);
        vm.prank(registrar);
        reg.registerParticipant(alice, "Alice", roles(CLERK));
        assertTrue(reg.isParticipant(alice));
    }

    function testUpdateReplacesNameAndRoles() public {
        reg.registerParticipant(alice, "Alice", roles(CLERK));
        vm.expectEmit(address(reg));
        emit ParticipantUpdated(alice, "Alice B.", roles(MANAGER));
        reg.updateParticipant(alice, "Alice B.", roles(MANAGER));
        (string memory name, bytes32[] memory r) = reg.participant(alice);
        assertEq(name, "Alice B.");
        assertEq(r, roles(MANAGER));
        assertFalse(reg.hasParticipantRole(alice, CLERK));
        vm.expectRevert(abi.encodeWithSelector(ParticipantRegistry.ParticipantNotRegistered.selector, bob));
        reg.updateParticipant(bob, "Bob", roles(MANAGER));
    }

    function testGrantAndRevoke() public {
        reg.registerParticipant(alice, "Alice", roles(CLERK));
        vm.expectEmit(address(reg));
        emit ParticipantRoleGranted(alice, MANAGER);
        reg.grantParticipantRole(alice, MANAGER);
        assertTrue(reg.hasParticipantRole(alice, MANAGER));
        vm.recordLogs();
        reg.grantParticipantRole(alice, MANAGER); // already held: no event
        assertEq(vm.getRecordedLogs().length, 0);
        vm.expectEmit(address(reg));
        emit ParticipantRoleRevoked(alice, CLERK);
        reg.revokeParticipantRole(alice, CLERK);
        assertFalse(reg.hasParticipantRole(alice, CLERK));
        vm.recordLogs();
        reg.revokeParticipantRole(alice, CLERK);
        assertEq(vm.getRecordedLogs().length, 0);
        vm.expectRevert(ParticipantRegistry.InvalidParticipantRole.selector);
        reg.grantParticipantRole(alice, bytes32(0));
        vm.expectRevert(abi.encodeWithSelector(ParticipantRegistry.ParticipantNotRegistered.selector, bob));
        reg.grantParticipantRole(bob, CLERK);
        vm.expectRevert(abi.encodeWithSelector(ParticipantRegistry.ParticipantNotRegistered.selector, bob));
        reg.revokeParticipantRole(bob, CLERK);
    }

    function testRemove() public {
        reg.registerParticipant(alice, "Alice", roles(CLERK, MANAGER));
        reg.registerParticipant(bob, "Bob", roles(MANAGER));
        vm.expectEmit(address(reg));
        emit ParticipantRemoved(alice);
        reg.removeParticipant(alice);
        assertFalse(reg.isParticipant(alice));
        assertFalse(reg.hasParticipantRole(alice, CLERK));
        assertEq(reg.participantCount(), 1);
        assertEq(reg.participantAt(0), bob);
        vm.expectRevert(abi.encodeWithSelector(ParticipantRegistry.ParticipantNotRegistered.selector, alice));
        reg.participant(alice);
        vm.expectRevert(abi.encodeWithSelector(ParticipantRegistry.ParticipantNotRegistered.selector, alice));
        reg.removeParticipant(alice);
        // can come back with fresh roles
        reg.registerParticipant(alice, "Alice", roles(CLERK));
        assertFalse(reg.hasParticipantRole(alice, MANAGER));
        assertTrue(reg.hasParticipantRole(alice, CLERK));
    }

    function testSupportsAccessControlInterface() public view {
        assertTrue(reg.supportsInterface(type(IAccessControl).interfaceId));
    }
}
