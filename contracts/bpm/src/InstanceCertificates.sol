// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {BpmRuntime} from "./BpmRuntime.sol";
import {IParticipantRegistry} from "./IParticipantRegistry.sol";

/// @notice The engine view the certificates read (`ProcessExecution.instance`).
interface ICertifiedEngine {
    function instance(uint256 instanceId) external view returns (BpmRuntime.InstanceInfo memory);
}

/// @notice The registry view the certificates read (`ProcessDefinitionRegistry.issuesCertificates`).
interface ICertifyingRegistry {
    function issuesCertificates(uint256 definitionId) external view returns (bool);
}

/// @title InstanceCertificates
/// @notice Token (AlstraNet technical specification, section 5.13), ERC-721 side: a certificate
/// per completed process instance of a definition that asks for it (the model's
/// `alstra:certificate="true"` on its executable process; `ProcessDefinitionRegistry
/// .requestCertificates`). Token id = instance id; the certificate goes to the instance's starter.
/// @dev Pull, not push: anyone (the starter, a keeper, `alstra certificate claim`) calls `claim`
/// once the instance is completed, so the engine's completion path pays nothing for it. A
/// certificate moves only to a registered participant of the consortium (`NotAParticipant`): it
/// attests a business outcome (an order fulfilled, a claim settled) that a member may hand over
/// to another member, never to an outside account; it cannot be burnt (`CertificatesAreKept`).
/// The metadata is on chain (`tokenURI`: a JSON data URI with the instance and definition).
contract InstanceCertificates is ERC721 {
    /// @notice The engine whose instances are certified.
    ICertifiedEngine public immutable engine;
    /// @notice The registry that says which definitions ask for certificates.
    ICertifyingRegistry public immutable registry;
    /// @notice The consortium's participants, the only possible holders after the starter.
    IParticipantRegistry public immutable participants;

    /// @notice The definition of each certified instance.
    mapping(uint256 instanceId => uint256) public definitionOf;

    /// @notice Instance `instanceId` of `definitionId` completed and its certificate went to `holder`.
    event CertificateIssued(uint256 indexed instanceId, uint256 indexed definitionId, address indexed holder);

    /// @notice `claim` of an instance that is not completed (active, terminated, or unknown).
    error InstanceNotCompleted(uint256 instanceId, BpmRuntime.InstanceStatus status);
    /// @notice `claim` of a called (child) instance: the root instance is certified.
    error NotARootInstance(uint256 instanceId, uint256 parentInstance);
    /// @notice `claim` of an instance whose definition does not ask for certificates.
    error NoCertificatesForDefinition(uint256 instanceId, uint256 definitionId);
    /// @notice `claim` of an instance already certified.
    error AlreadyCertified(uint256 instanceId);
    /// @notice A transfer to an account that is not a registered participant.
    error NotAParticipant(address to);
    /// @notice A burn: certificates are kept.
    error CertificatesAreKept(uint256 instanceId);
    /// @notice A constructor argument is the zero address.
    error ZeroAddress();

    constructor(ICertifiedEngine processExecution, ICertifyingRegistry definitionRegistry, IParticipantRegistry participantRegistry)
        ERC721("AlstraNet process certificates", "APC")
    {
        if (
            address(processExecution) == address(0) || address(definitionRegistry) == address(0)
                || address(participantRegistry) == address(0)
        ) revert ZeroAddress();
        engine = processExecution;
        registry = definitionRegistry;
        participants = participantRegistry;
    }

    /// @notice Issues the certificate of completed root instance `instanceId` to its starter.
    /// Anyone may call it. Reverts `InstanceNotCompleted`, `NotARootInstance`,
    /// `NoCertificatesForDefinition`, `AlreadyCertified`.
    function claim(uint256 instanceId) external returns (address holder) {
        BpmRuntime.InstanceInfo memory info = engine.instance(instanceId);
        if (info.status != BpmRuntime.InstanceStatus.Completed) revert InstanceNotCompleted(instanceId, info.status);
        if (info.parentInstance != 0) revert NotARootInstance(instanceId, info.parentInstance);
        if (!registry.issuesCertificates(info.definitionId)) {
            revert NoCertificatesForDefinition(instanceId, info.definitionId);
        }
        if (_ownerOf(instanceId) != address(0)) revert AlreadyCertified(instanceId);
        holder = info.starter;
        definitionOf[instanceId] = info.definitionId;
        _mint(holder, instanceId);
        emit CertificateIssued(instanceId, info.definitionId, holder);
    }

    /// @notice On-chain metadata: `data:application/json;utf8,{"name":"AlstraNet certificate of
    /// instance #<id>","description":...,"attributes":[instance, definition]}`.
    function tokenURI(uint256 instanceId) public view override returns (string memory) {
        _requireOwned(instanceId);
        string memory id = Strings.toString(instanceId);
        string memory def = Strings.toString(definitionOf[instanceId]);
        return string.concat(
            "data:application/json;utf8,{\"name\":\"AlstraNet certificate of instance #",
            id,
            "\",\"description\":\"Process instance ",
            id,
            " of definition ",
            def,
            " completed on AlstraNet.\",\"attributes\":[{\"trait_type\":\"instance\",\"value\":",
            id,
            "},{\"trait_type\":\"definition\",\"value\":",
            def,
            "}]}"
        );
    }

    /// @dev Transfers only to registered participants; no burn.
    function _update(address to, uint256 tokenId, address auth) internal override returns (address) {
        if (to == address(0)) revert CertificatesAreKept(tokenId);
        if (_ownerOf(tokenId) != address(0) && !participants.isParticipant(to)) revert NotAParticipant(to);
        return super._update(to, tokenId, auth);
    }
}
