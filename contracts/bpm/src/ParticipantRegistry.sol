// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";
import {IParticipantRegistry} from "./IParticipantRegistry.sol";

/// @title ParticipantRegistry
/// @notice The consortium's registry of participants: accounts with a display name and the set of
/// global roles (role ids, `keccak256(bytes(roleName))`) they may play in process instances.
/// Kept by accounts holding `REGISTRAR_ROLE` (OpenZeppelin AccessControl; the deployer is admin
/// and registrar).
contract ParticipantRegistry is AccessControl, IParticipantRegistry {
    using EnumerableSet for EnumerableSet.AddressSet;
    using EnumerableSet for EnumerableSet.Bytes32Set;

    /// @notice AccessControl role of the accounts that may register, update and remove participants.
    bytes32 public constant REGISTRAR_ROLE = keccak256("REGISTRAR_ROLE");

    struct Participant {
        string name;
        EnumerableSet.Bytes32Set roles;
    }

    EnumerableSet.AddressSet private _accounts;
    mapping(address account => Participant) private _participants;

    /// @notice A participant was registered.
    event ParticipantRegistered(address indexed account, string name, bytes32[] roles);
    /// @notice A participant's name and roles were replaced.
    event ParticipantUpdated(address indexed account, string name, bytes32[] roles);
    /// @notice A participant was removed (it keeps no role).
    event ParticipantRemoved(address indexed account);
    /// @notice A participant was given a global role.
    event ParticipantRoleGranted(address indexed account, bytes32 indexed role);
    /// @notice A participant lost a global role.
    event ParticipantRoleRevoked(address indexed account, bytes32 indexed role);

    /// @notice `account` is the zero address.
    error ZeroAccount();
    /// @notice `account` is already registered.
    error ParticipantAlreadyRegistered(address account);
    /// @notice `account` is not registered.
    error ParticipantNotRegistered(address account);
    /// @notice A role id is zero.
    error InvalidParticipantRole();

    /// @param admin receives `DEFAULT_ADMIN_ROLE` and `REGISTRAR_ROLE`.
    constructor(address admin) {
        if (admin == address(0)) revert ZeroAccount();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(REGISTRAR_ROLE, admin);
    }

    /// @notice Registers `account` with a display name and its global roles (duplicates ignored).
    function registerParticipant(address account, string calldata name, bytes32[] calldata roles)
        external
        onlyRole(REGISTRAR_ROLE)
    {
        if (account == address(0)) revert ZeroAccount();
        if (!_accounts.add(account)) revert ParticipantAlreadyRegistered(account);
        Participant storage p = _participants[account];
        p.name = name;
        _addRoles(p, roles);
        emit ParticipantRegistered(account, name, roles);
    }

    /// @notice Replaces the display name and the whole role set of a registered participant.
    function updateParticipant(address account, string calldata name, bytes32[] calldata roles)
        external
        onlyRole(REGISTRAR_ROLE)
    {
        Participant storage p = _registered(account);
        p.name = name;
        p.roles.clear();
        _addRoles(p, roles);
        emit ParticipantUpdated(account, name, roles);
    }

    /// @notice Gives a registered participant one more global role (no-op event-free if it has it).
    function grantParticipantRole(address account, bytes32 role) external onlyRole(REGISTRAR_ROLE) {
        if (role == bytes32(0)) revert InvalidParticipantRole();
        if (_registered(account).roles.add(role)) emit ParticipantRoleGranted(account, role);
    }

    /// @notice Takes a global role from a registered participant (no-op event-free if it lacks it).
    function revokeParticipantRole(address account, bytes32 role) external onlyRole(REGISTRAR_ROLE) {
        if (_registered(account).roles.remove(role)) emit ParticipantRoleRevoked(account, role);
    }

    /// @notice Removes a participant: it no longer starts instances, completes tasks or delivers messages.
    function removeParticipant(address account) external onlyRole(REGISTRAR_ROLE) {
        Participant storage p = _registered(account);
        p.roles.clear();
        delete p.name;
        _accounts.remove(account);
        emit ParticipantRemoved(account);
    }

    /// @inheritdoc IParticipantRegistry
    function isParticipant(address account) public view returns (bool) {
        return _accounts.contains(account);
    }

    /// @inheritdoc IParticipantRegistry
    function hasParticipantRole(address account, bytes32 role) external view returns (bool) {
        return _participants[account].roles.contains(role) && _accounts.contains(account);
    }

    /// @notice Name and roles of a registered participant.
    function participant(address account) external view returns (string memory name, bytes32[] memory roles) {
        Participant storage p = _registered(account);
        return (p.name, p.roles.values());
    }

    /// @notice Number of registered participants.
    function participantCount() external view returns (uint256) {
        return _accounts.length();
    }

    /// @notice The `index`-th registered participant (enumeration order is not stable across removals).
    function participantAt(uint256 index) external view returns (address) {
        return _accounts.at(index);
    }

    /// @dev Storage of a registered participant; reverts `ParticipantNotRegistered`.
    function _registered(address account) private view returns (Participant storage p) {
        if (!_accounts.contains(account)) revert ParticipantNotRegistered(account);
        return _participants[account];
    }

    /// @dev Adds roles (zero ids refused, duplicates ignored).
    function _addRoles(Participant storage p, bytes32[] calldata roles) private {
        for (uint256 i; i < roles.length; ++i) {
            if (roles[i] == bytes32(0)) revert InvalidParticipantRole();
            p.roles.add(roles[i]);
        }
    }
}
