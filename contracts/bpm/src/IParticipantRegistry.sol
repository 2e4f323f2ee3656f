// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title IParticipantRegistry
/// @notice What the engine asks the consortium's participant registry.
interface IParticipantRegistry {
    /// @notice True when `account` is a registered participant.
    function isParticipant(address account) external view returns (bool);

    /// @notice True when `account` is a registered participant that may play the global role `role`.
    function hasParticipantRole(address account, bytes32 role) external view returns (bool);
}
