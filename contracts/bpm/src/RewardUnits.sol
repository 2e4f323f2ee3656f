// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IRewardUnits} from "./IRewardUnits.sol";

/// @title RewardUnits
/// @notice Token (AlstraNet technical specification, section 5.13) and Reward (5.15): recognition
/// units for verified work. The engine mints them when a verifier approves a task whose model
/// gives it a reward rule (`alstra:reward="<units>"` next to `alstra:verifier`; the registry
/// keeps it in `BpmnModel.TaskVerification.reward`), to the account that performed the task, and
/// only then: never for unverified, rejected or pending work.
/// @dev An ERC-20 (OpenZeppelin) that wallets and explorers read (`balanceOf`, `totalSupply`,
/// `Transfer` from the zero address at each mint), with **no transfer at all**: `transfer`,
/// `transferFrom` and `approve` revert `UnitsAreNotTransferable`. Alastria forbids a speculative
/// currency on the network; a unit that can move, even only between registered participants,
/// can be sold for money outside the chain and so gets a price, which is what a speculative
/// currency is. Units that never leave the account that earned them only measure that
/// account's verified work. Whole units (`decimals` 0). The history of an account is its
/// `Rewarded` events (instance, task, units), which `alstra rewards history` lists.
contract RewardUnits is ERC20, IRewardUnits {
    /// @notice The engine (`ProcessExecution`) that mints; set once.
    address public immutable engine;

    /// @notice `performer` earned `units` for task `element` of `instanceId`, approved by a verifier.
    event Rewarded(address indexed performer, uint256 indexed instanceId, uint16 indexed element, uint64 units);

    /// @notice `mint` from an account that is not the engine.
    error NotTheEngine(address caller);
    /// @notice A transfer, `transferFrom` or `approve`: recognition units stay where they were earned.
    error UnitsAreNotTransferable(address from, address to);
    /// @notice The constructor's engine is the zero address.
    error NoEngine();

    /// @param processExecution the engine allowed to mint.
    constructor(address processExecution) ERC20("AlstraNet recognition units", "ARU") {
        if (processExecution == address(0)) revert NoEngine();
        engine = processExecution;
    }

    /// @notice Whole units: 0 decimals.
    function decimals() public pure override returns (uint8) {
        return 0;
    }

    /// @inheritdoc IRewardUnits
    /// @dev Reverts `NotTheEngine`; the zero `performer` reverts as OpenZeppelin's `_mint` does
    /// (`ERC20InvalidReceiver`).
    function mint(address performer, uint64 units, uint256 instanceId, uint16 element) external {
        if (msg.sender != engine) revert NotTheEngine(msg.sender);
        _mint(performer, units);
        emit Rewarded(performer, instanceId, element, units);
    }

    /// @notice Always reverts `UnitsAreNotTransferable`: no allowance can move units.
    function approve(address spender, uint256) public pure override returns (bool) {
        revert UnitsAreNotTransferable(address(0), spender);
    }

    /// @dev Every balance change but a mint reverts `UnitsAreNotTransferable` (transfers, and
    /// burns, which would let units leave the record of verified work).
    function _update(address from, address to, uint256 value) internal override {
        if (from != address(0)) revert UnitsAreNotTransferable(from, to);
        super._update(from, to, value);
    }
}
