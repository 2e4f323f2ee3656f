// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IRollup} from "../../src/IRollup.sol";

/// @title RecordingRollup
/// @notice A stand-in for AlstraNet's rollup precompile in forge tests: it logs every report as
/// `Reported(calldata)`, so that a test sees where in the engine's event stream each report
/// came, and refuses every report with `reason` once `refuse` was called (as the runtime
/// refuses a firing the proven state machine rejects). The real precompile is tested in
/// `runtime/src/tests.rs` and, with these contracts, on a dev node in tests/e2e.
contract RecordingRollup is IRollup {
    /// @notice A report, as received (`msg.data`).
    event Reported(bytes data);

    /// @notice Definitions registered, in order, and their element counts.
    uint256[] public registered;
    mapping(uint256 definitionId => uint256) public elementCount;
    string private _refusal;

    /// @notice From now on every report reverts with `reason`.
    function refuse(string calldata reason) external {
        _refusal = reason;
    }

    function _report() private {
        if (bytes(_refusal).length != 0) revert(_refusal);
        emit Reported(msg.data);
    }

    function registerDefinition(uint256 definitionId, Model calldata model) external returns (uint32) {
        _report();
        registered.push(definitionId);
        elementCount[definitionId] = model.elements.length;
        return uint32(model.elements.length);
    }

    function instanceStarted(uint256, uint256, uint256) external {
        _report();
    }

    function elementFired(uint256, uint16, uint8, uint256, uint256) external {
        _report();
    }

    function subProcessCompleted(uint256, uint16) external {
        _report();
    }

    function callActivityCompleted(uint256, uint16, uint256) external {
        _report();
    }

    function messageCorrelated(uint256, uint16) external {
        _report();
    }

    function stateRoot() external pure returns (uint256) {
        return 0;
    }

    function definitionsRoot() external pure returns (uint256) {
        return 0;
    }

    function registeredCount() external view returns (uint256) {
        return registered.length;
    }
}
