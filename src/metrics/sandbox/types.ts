/** What a sandboxed run is given and gives back; a leaf module, so the sandbox's parts import no facade. */

/** Limits of one sandboxed run. */
export interface SandboxLimits {
  timeoutMs: number;
  memoryMb: number;
  /** Processes (threads count too) the code may have at once, per cell: fork bombs stop here. */
  maxProcesses: number;
}

/** How a sandboxed run ended. */
export interface SandboxResult {
  /** Exit code, or null when killed. */
  exitCode: number | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** False only on the weak path without `unshare -n`, where network was disabled inside Python alone. */
  networkIsolated: boolean;
}
