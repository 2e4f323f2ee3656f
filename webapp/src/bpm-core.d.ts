/** Generated at build time from contracts/bpm/src/generated/BpmCore.sol (build.mjs). */
declare module 'bpm-core' {
  /** `BpmCore.ElementKind` member names, by ordinal. */
  export const ELEMENT_KINDS: string[];
  /** `BpmCore.VariableType` member names, by ordinal. */
  export const VARIABLE_TYPES: string[];
}
