// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {BpmCore} from "./generated/BpmCore.sol";
import {BpmRuntime} from "./BpmRuntime.sol";
import {IProcessDefinitionRegistry} from "./IProcessDefinitionRegistry.sol";

/// @notice The engine functions the gateway calls (`ProcessExecution`).
interface IOracleEngine {
    function instance(uint256 instanceId) external view returns (BpmRuntime.InstanceInfo memory);
    function completeTask(uint256 instanceId, uint16 element, BpmRuntime.VariableAssignment[] calldata outputs)
        external;
    function correlateMessage(
        uint256 instanceId,
        uint16 messageFlow,
        BpmRuntime.VariableAssignment[] calldata payload
    ) external;
}

/// @title OracleGateway
/// @notice Integration (AlstraNet technical specification, section 5.19): the service tasks of a
/// process, and the messages of black-box partners, completed by registered *oracles* — off-chain
/// adapters (`alstra oracle run`) that call a business system and sign its answer. The gateway is
/// the participant the engine sees: register it in the `ParticipantRegistry` with the role of the
/// service tasks (or of the partner pool) and bind it to that role in the instances it serves. It
/// completes a task only with a result that a registered oracle signed (EIP-712 typed data: the
/// instance, the element, the typed outputs, a nonce and a deadline), only for the kinds a system
/// performs (service, script and business-rule tasks), and at most once per signature.
/// @dev Checks, in order: the deadline (`ResultExpired`), the signature and the signer
/// (`NotAnOracle`; a malformed signature reverts with OpenZeppelin's `ECDSAInvalidSignature*`),
/// the oracle's nonce (`NonceAlreadyUsed`: nonces are unordered, an oracle may sign several
/// results at once), then the element's kind (`NotAServiceTask`); the engine then checks
/// everything else (the task enabled, the gateway bound to its role, the outputs' types) and
/// reverts the whole transaction, the nonce included, when it refuses. Anyone may send a signed
/// result (the oracle itself or a relayer): the signature, not the sender, is the authority. The
/// domain (name, version, chain id, this contract) keeps a signature from being replayed on
/// another chain or gateway. Oracles are registered and removed by `ORACLE_ADMIN_ROLE` (the
/// consortium's governance, as the registrar role of the participant registry).
contract OracleGateway is AccessControl, EIP712 {
    /// @notice AccessControl role of the accounts that register and remove oracles.
    bytes32 public constant ORACLE_ADMIN_ROLE = keccak256("ORACLE_ADMIN_ROLE");

    /// @notice EIP-712 type of a variable written by a result (`BpmRuntime.VariableAssignment`).
    bytes32 public constant ASSIGNMENT_TYPEHASH = keccak256("Assignment(uint8 index,int256 value)");
    /// @notice EIP-712 type of a service task's result.
    bytes32 public constant SERVICE_RESULT_TYPEHASH = keccak256(
        "ServiceResult(uint256 instanceId,uint16 element,Assignment[] outputs,uint256 nonce,uint64 deadline)Assignment(uint8 index,int256 value)"
    );
    /// @notice EIP-712 type of a black-box partner's message.
    bytes32 public constant PARTNER_MESSAGE_TYPEHASH = keccak256(
        "PartnerMessage(uint256 instanceId,uint16 messageFlow,Assignment[] payload,uint256 nonce,uint64 deadline)Assignment(uint8 index,int256 value)"
    );

    /// @notice A service task's result, as an oracle signs it.
    /// @param outputs the variables the task writes (index in the definition's variable table, value
    ///        in the engine's encoding: Bool 0/1, Int, String as keccak256).
    /// @param nonce any value the oracle has not used before.
    /// @param deadline the last block timestamp (seconds) at which the result may be used.
    struct ServiceResult {
        uint256 instanceId;
        uint16 element;
        BpmRuntime.VariableAssignment[] outputs;
        uint256 nonce;
        uint64 deadline;
    }

    /// @notice A black-box partner's message (`correlateMessage`), as an oracle signs it.
    struct PartnerMessage {
        uint256 instanceId;
        uint16 messageFlow;
        BpmRuntime.VariableAssignment[] payload;
        uint256 nonce;
        uint64 deadline;
    }

    /// @notice The engine whose tasks the gateway completes.
    IOracleEngine public immutable engine;
    /// @notice The registry of the engine's definitions (the elements' kinds).
    IProcessDefinitionRegistry public immutable registry;

    /// @notice Whether an account is a registered oracle.
    mapping(address account => bool) public isOracle;
    /// @notice Nonces each oracle has used.
    mapping(address oracle => mapping(uint256 nonce => bool)) public nonceUsed;

    /// @notice `oracle` was registered by `by`.
    event OracleRegistered(address indexed oracle, address indexed by);
    /// @notice `oracle` was removed by `by`: its signatures, even unused ones, are refused from now on.
    event OracleRemoved(address indexed oracle, address indexed by);
    /// @notice A service task was completed with a result `oracle` signed; `resultHash` is the
    /// EIP-712 struct hash of the result (the trail's link to the adapter's logs).
    event ServiceTaskCompletedByOracle(
        uint256 indexed instanceId, uint16 indexed element, address indexed oracle, uint256 nonce, bytes32 resultHash
    );
    /// @notice A partner's message was delivered with a payload `oracle` signed.
    event MessageDeliveredByOracle(
        uint256 indexed instanceId, uint16 indexed messageFlow, address indexed oracle, uint256 nonce, bytes32 messageHash
    );

    /// @notice The recovered signer is not a registered oracle (a forged or foreign signature).
    error NotAnOracle(address signer);
    /// @notice The result's deadline has passed.
    error ResultExpired(uint64 deadline, uint256 blockTimestamp);
    /// @notice The oracle already used this nonce (a replayed result).
    error NonceAlreadyUsed(address oracle, uint256 nonce);
    /// @notice The element is not a task a system performs (service, script, business rule).
    error NotAServiceTask(uint256 instanceId, uint16 element, BpmCore.ElementKind kind);
    /// @notice `oracle` is already registered, or not registered when removed.
    error OracleStatusUnchanged(address oracle, bool registered);

    /// @param admin receives `DEFAULT_ADMIN_ROLE` and `ORACLE_ADMIN_ROLE`.
    constructor(address admin, IOracleEngine engine_, IProcessDefinitionRegistry registry_)
        EIP712("AlstraNet OracleGateway", "1")
    {
        engine = engine_;
        registry = registry_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(ORACLE_ADMIN_ROLE, admin);
    }

    /// @notice Registers `oracle` (an adapter's signing key).
    function registerOracle(address oracle) external onlyRole(ORACLE_ADMIN_ROLE) {
        if (isOracle[oracle]) revert OracleStatusUnchanged(oracle, true);
        isOracle[oracle] = true;
        emit OracleRegistered(oracle, msg.sender);
    }

    /// @notice Removes `oracle`.
    function removeOracle(address oracle) external onlyRole(ORACLE_ADMIN_ROLE) {
        if (!isOracle[oracle]) revert OracleStatusUnchanged(oracle, false);
        isOracle[oracle] = false;
        emit OracleRemoved(oracle, msg.sender);
    }

    /// @notice The EIP-712 digest an oracle signs for `result`.
    function serviceResultDigest(ServiceResult calldata result) public view returns (bytes32) {
        return _hashTypedDataV4(_serviceResultHash(result));
    }

    /// @notice The EIP-712 digest an oracle signs for `message`.
    function partnerMessageDigest(PartnerMessage calldata message) public view returns (bytes32) {
        return _hashTypedDataV4(_partnerMessageHash(message));
    }

    /// @notice Completes the service task `result` names with its outputs, as the gateway.
    /// @param signature the oracle's 65-byte ECDSA signature of `serviceResultDigest(result)`.
    function completeServiceTask(ServiceResult calldata result, bytes calldata signature) external {
        bytes32 structHash = _serviceResultHash(result);
        address oracle = _accept(structHash, signature, result.nonce, result.deadline);
        BpmRuntime.InstanceInfo memory info = engine.instance(result.instanceId);
        // an instance that does not exist reads definition 0: the engine refuses it below
        if (info.definitionId != 0) {
            BpmCore.ElementKind kind = registry.runtimeElement(info.definitionId, result.element).kind;
            if (
                kind != BpmCore.ElementKind.ServiceTask && kind != BpmCore.ElementKind.ScriptTask
                    && kind != BpmCore.ElementKind.BusinessRuleTask
            ) revert NotAServiceTask(result.instanceId, result.element, kind);
        }
        engine.completeTask(result.instanceId, result.element, result.outputs);
        emit ServiceTaskCompletedByOracle(result.instanceId, result.element, oracle, result.nonce, structHash);
    }

    /// @notice Delivers the partner message `message` names with its payload, as the gateway.
    /// @param signature the oracle's signature of `partnerMessageDigest(message)`.
    function deliverMessage(PartnerMessage calldata message, bytes calldata signature) external {
        bytes32 structHash = _partnerMessageHash(message);
        address oracle = _accept(structHash, signature, message.nonce, message.deadline);
        engine.correlateMessage(message.instanceId, message.messageFlow, message.payload);
        emit MessageDeliveredByOracle(message.instanceId, message.messageFlow, oracle, message.nonce, structHash);
    }

    /// @dev Deadline, signer, nonce (see the contract's doc); returns the oracle.
    function _accept(bytes32 structHash, bytes calldata signature, uint256 nonce, uint64 deadline)
        private
        returns (address oracle)
    {
        if (block.timestamp > deadline) revert ResultExpired(deadline, block.timestamp);
        oracle = ECDSA.recover(_hashTypedDataV4(structHash), signature);
        if (!isOracle[oracle]) revert NotAnOracle(oracle);
        if (nonceUsed[oracle][nonce]) revert NonceAlreadyUsed(oracle, nonce);
        nonceUsed[oracle][nonce] = true;
    }

    function _assignmentsHash(BpmRuntime.VariableAssignment[] calldata list) private pure returns (bytes32) {
        bytes32[] memory hashes = new bytes32[](list.length);
        for (uint256 i; i < list.length; ++i) {
            hashes[i] = keccak256(abi.encode(ASSIGNMENT_TYPEHASH, list[i].index, list[i].value));
        }
        return keccak256(abi.encodePacked(hashes));
    }

    function _serviceResultHash(ServiceResult calldata r) private pure returns (bytes32) {
        return keccak256(
            abi.encode(SERVICE_RESULT_TYPEHASH, r.instanceId, r.element, _assignmentsHash(r.outputs), r.nonce, r.deadline)
        );
    }

    function _partnerMessageHash(PartnerMessage calldata m) private pure returns (bytes32) {
        return keccak256(
            abi.encode(PARTNER_MESSAGE_TYPEHASH, m.instanceId, m.messageFlow, _assignmentsHash(m.payload), m.nonce, m.deadline)
        );
    }
}
