/**
 * The bubblewrap command line for one cell. The sandbox sees read-only system directories (/usr and the /bin,
 * /lib… links into it, the dynamic linker's cache), a fresh /proc of its own pid namespace, a minimal /dev and a
 * private tmpfs `/cell` (mode 0700, size-capped) holding the program; nothing of /root, /home, /tmp or the
 * project. The process limits are set by prlimit *inside* the cell's user namespace: since Linux 5.14 the
 * kernel counts RLIMIT_NPROC per user namespace, so one cell's fork bomb exhausts only its own count.
 */
import type { SandboxLimits } from './types.js';

/** What the probe found; everything a cell's command line needs. */
export interface BwrapSetup {
  bwrap: string;
  /** `bwrap --version`, e.g. "bubblewrap 0.8.0". */
  version: string;
  /** `setpriv …` prefix that drops root to uid 65534: the kernel exempts root from RLIMIT_NPROC. */
  dropRoot: string[];
  /** Flags this bwrap accepts beyond the base set (`--disable-userns` needs 0.8). */
  optional: string[];
  /** How /bin, /lib… appear on the host: as links into /usr (merged /usr) or as directories. */
  rootDirs: { path: string; link?: string }[];
  prlimit: string;
  python: string;
  /** e.g. "3.11.2". */
  pythonVersion: string;
  /** The uid the program runs as on the host (65534 when root was dropped). */
  uid: number;
}

/** The sandbox's private working directory, HOME and only writable place. */
export const CELL_DIR = '/cell';
/** Size of the cell's tmpfs: files there live in memory, outside the address-space limit. */
export const CELL_BYTES = 64 * 1024 * 1024;
/** The env a sandboxed program sees, and all of it. */
const SANDBOX_ENV = { PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8', HOME: CELL_DIR };

/** Namespaces, mounts and environment shared by every cell and by the probe. */
export function isolationArgs(setup: Pick<BwrapSetup, 'optional' | 'rootDirs'>): string[] {
  const args = [
    // --unshare-all is user(-try), ipc, pid, net, uts and cgroup(-try); the user namespace is required here.
    '--unshare-all',
    '--unshare-user',
    ...setup.optional,
    // Kill the sandbox when bwrap or llmlab dies, and detach it from llmlab's terminal (no TIOCSTI).
    '--die-with-parent',
    '--new-session',
    '--hostname', 'llmlab-sandbox',
    '--clearenv',
    ...Object.entries(SANDBOX_ENV).flatMap(([key, value]) => ['--setenv', key, value]),
    '--ro-bind', '/usr', '/usr',
  ];
  for (const dir of setup.rootDirs) args.push(...(dir.link ? ['--symlink', dir.link, dir.path] : ['--ro-bind', dir.path, dir.path]));
  args.push(
    '--ro-bind-try', '/etc/ld.so.cache', '/etc/ld.so.cache',
    '--ro-bind-try', '/etc/localtime', '/etc/localtime',
    '--proc', '/proc',
    '--dev', '/dev',
    '--remount-ro', '/dev',
  );
  return args;
}

/** `[setpriv …] bwrap … -- prlimit … -- python3 -I /cell/program.py`; the program arrives on fd 3. */
export function bwrapCommand(setup: BwrapSetup, limits: SandboxLimits): string[] {
  const program = `${CELL_DIR}/program.py`;
  return [
    ...setup.dropRoot,
    setup.bwrap,
    ...isolationArgs(setup),
    '--perms', '0700', '--size', String(CELL_BYTES), '--tmpfs', CELL_DIR,
    '--perms', '0600', '--file', '3', program,
    '--chdir', CELL_DIR,
    // The sandbox's root is a tmpfs bwrap built; read-only, so /cell is the only place to write (not recursive).
    '--remount-ro', '/',
    '--info-fd', '4',
    '--',
    // +1 process: the sandbox's init shares the cell's count.
    ...prlimitArgs(setup.prlimit, { ...limits, maxProcesses: limits.maxProcesses + 1 }),
    setup.python, '-I', program,
  ];
}

/** `prlimit … --`: processes (threads count too), address space, and CPU seconds just above the wall clock. */
export function prlimitArgs(prlimit: string, limits: SandboxLimits): string[] {
  return [
    prlimit,
    `--nproc=${limits.maxProcesses}`,
    `--as=${limits.memoryMb * 1024 * 1024}`,
    `--cpu=${Math.ceil(limits.timeoutMs / 1000) + 1}`,
    '--',
  ];
}

/** One line for the run header: what isolates model-written code on this machine. */
export function describeBwrap(setup: BwrapSetup): string {
  const optional = setup.optional.includes('--disable-userns') ? ', no nested user namespaces' : '';
  return (
    `${setup.version}: pid/net/user/ipc/uts namespaces${optional}, private ${CELL_DIR} tmpfs, read-only /usr, ` +
    `fresh /proc, empty env, per-cell process limit, per-process memory/CPU limits, as uid ${setup.uid}; ` +
    `Python ${setup.pythonVersion}`
  );
}
