/**
 * Hostile completions for the code-exec sandbox, shared by the in-process tests (as root) and the script that
 * runs them as an ordinary user (test/fixtures/sandbox/run-attacks.ts). A program prints `ESCAPED …` when an
 * attack worked; the checks add what only the outside can see (listener connections, host files, survivors).
 * Imports nothing from vitest at run time, so the script can load it outside the test runner.
 */
import { existsSync } from 'node:fs';
import type { ExpectStatic } from 'vitest';
import type { SandboxLimits, SandboxResult } from '../../src/metrics/code-exec-sandbox.js';
import { processesWith, type AttackContext } from './sandbox-context.js';

export { attackContext, processesWith, type AttackContext } from './sandbox-context.js';

export interface AttackReport {
  name: string;
  results: SandboxResult[];
  /** Command lines of processes still carrying the attack's marker right after the sandbox returned. */
  survivors: string[];
}

interface Attack {
  name: string;
  /** Programs run concurrently, each in its own cell. */
  cells: (ctx: AttackContext, marker: string) => { code: string; limits: SandboxLimits }[];
  check: (report: AttackReport, ctx: AttackContext, expect: ExpectStatic) => void;
}

const LIMITS: SandboxLimits = { timeoutMs: 10_000, memoryMb: 512, maxProcesses: 8 };
const py = (value: unknown) => JSON.stringify(value);

/** Forks a session leader whose child execs a sleeper carrying `marker` in its argv and keeps stdout open. */
const detachedSleeper = (marker: string) => `import os, sys, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execv(sys.executable, [sys.executable, "-c", "import time; time.sleep(120)", ${py(marker)}])
    os._exit(0)
time.sleep(0.3)
print("forked", flush=True)
`;

const noEscape = (r: SandboxResult, expect: ExpectStatic) => expect(`${r.stdout}\n${r.stderr}`).not.toMatch(/ESCAPED/);

export const ATTACKS: Attack[] = [
  {
    name: 'a setsid double fork holding stdout is killed at the timeout',
    cells: (_, marker) => [{ code: `${detachedSleeper(marker)}while True:\n    pass\n`, limits: { ...LIMITS, timeoutMs: 1500 } }],
    check: ({ results: [r], survivors }, _, expect) => {
      expect(r!.stdout).toContain('forked');
      expect(r!.timedOut).toBe(true);
      expect(r!.exitCode).toBeNull();
      expect(survivors).toEqual([]);
    },
  },
  {
    name: 'a setsid grandchild dies when the program exits',
    cells: (_, marker) => [{ code: `${detachedSleeper(marker)}print("done")\n`, limits: LIMITS }],
    check: ({ results: [r], survivors }, _, expect) => {
      expect(r!.stdout).toContain('done');
      expect(r!.exitCode, r!.stderr).toBe(0);
      expect(r!.timedOut).toBe(false);
      expect(survivors).toEqual([]);
    },
  },
  {
    name: 'a fork bomb stops at its own limit while a concurrent correct cell passes',
    cells: () => [
      {
        code: `import os, time
n = 0
try:
    for _ in range(1000):
        if os.fork() == 0:
            time.sleep(4)
            os._exit(0)
        n += 1
except OSError:
    print("blocked after", n, flush=True)
time.sleep(4)
`,
        limits: LIMITS,
      },
      {
        // Forks while the bomb holds its processes: a count shared through one uid would refuse these forks.
        code: `import os, time
time.sleep(1.5)
pids = []
for _ in range(4):
    pid = os.fork()
    if pid == 0:
        os._exit(7)
    pids.append(pid)
assert all(os.waitstatus_to_exitcode(os.waitpid(p, 0)[1]) == 7 for p in pids)
print("correct ok")
`,
        limits: LIMITS,
      },
    ],
    check: ({ results: [bomb, correct] }, _, expect) => {
      expect(bomb!.stdout).toMatch(/blocked after \d+/);
      expect(Number(/blocked after (\d+)/.exec(bomb!.stdout)![1])).toBeLessThan(LIMITS.maxProcesses);
      expect(correct!.stdout, correct!.stderr).toContain('correct ok');
      expect(correct!.exitCode).toBe(0);
    },
  },
  {
    name: 'sees an empty environment: not its own, nor /proc/1, its parent, llmlab or vitest',
    cells: (ctx) => [
      {
        code: `import glob, json, os
found, raw = set(), []
paths = ["/proc/1/environ", "/proc/%d/environ" % os.getppid(), "/proc/${ctx.llmlabPid}/environ", "/proc/${ctx.testPid}/environ"]
for path in paths + glob.glob("/proc/*/environ"):
    try:
        data = open(path, "rb").read().decode(errors="replace")
    except OSError:
        continue
    raw.append(data)
    found.update(e.split("=", 1)[0] for e in data.split("\\0") if "=" in e)
print("ENV", json.dumps(sorted(os.environ), separators=(",", ":")), os.environ.get("HOME"))
print("PROCENV", json.dumps(sorted(found), separators=(",", ":")))
print("RAW", json.dumps(raw))
`,
        limits: LIMITS,
      },
    ],
    check: ({ results: [r] }, ctx, expect) => {
      const allowed = ['HOME', 'LANG', 'PATH', 'PWD'];
      const env = JSON.parse(/^ENV (\S+)/m.exec(r!.stdout)![1]!) as string[];
      const procEnv = JSON.parse(/^PROCENV (\S+)/m.exec(r!.stdout)![1]!) as string[];
      expect(allowed).toEqual(expect.arrayContaining(env));
      expect(allowed).toEqual(expect.arrayContaining(procEnv));
      expect(r!.stdout).toMatch(/^ENV \S+ \/cell$/m);
      expect(r!.stdout).not.toContain(ctx.secret);
    },
  },
  {
    name: 'cannot read the home directory, the project, its .env or host files',
    cells: (ctx) => [
      {
        code: `import os
paths = ["/root", "/root/.ssh", "/home", os.path.expanduser("~/.ssh"), ${py(`${ctx.homeDir}/.ssh`)}, ${py(`${ctx.homeDir}/.ssh/id_rsa`)}, "/tmp", "/etc/passwd", "/etc/shadow", "/run", "/var",
         ${py(`${ctx.hostDir}/.env`)}, ${py(`${ctx.hostDir}/secret.txt`)}, ${py(ctx.projectDir)}, ${py(`${ctx.projectDir}/package.json`)}, ${py(`${ctx.projectDir}/.env`)}]
for p in paths:
    try:
        print("ESCAPED", p, os.listdir(p) if os.path.isdir(p) else open(p).read()[:200])
    except OSError as e:
        print("blocked", p, e.strerror)
print("root sees", sorted(os.listdir("/")))
`,
        limits: LIMITS,
      },
    ],
    check: ({ results: [r] }, ctx, expect) => {
      noEscape(r!, expect);
      expect(r!.stdout).not.toContain(ctx.secret);
      expect(r!.stdout).toMatch(/^root sees/m);
      expect(r!.exitCode).toBe(0);
    },
  },
  {
    name: 'cannot write outside its own 0700 dir',
    cells: (ctx) => [
      {
        code: `import os
for p in ["/tmp/x", "/x", "/usr/x", "/etc/x", "/dev/x", "/dev/shm/x", "/proc/x", "/proc/sys/kernel/hostname", "../x",
          ${py(`${ctx.hostDir}/escape.txt`)}]:
    try:
        with open(p, "w") as f:
            f.write("pwned")
        print("ESCAPED wrote", p)
    except OSError as e:
        print("blocked", p, e.strerror)
open("own.txt", "w").write("mine")
print("own dir", os.getcwd(), oct(os.stat(".").st_mode & 0o777), os.listdir("."))
`,
        limits: LIMITS,
      },
    ],
    check: ({ results: [r] }, ctx, expect) => {
      noEscape(r!, expect);
      expect(r!.stdout).toMatch(/^own dir \/cell 0o700 \[('own\.txt', 'program\.py'|'program\.py', 'own\.txt')\]$/m);
      expect(existsSync(`${ctx.hostDir}/escape.txt`)).toBe(false);
    },
  },
  {
    name: "cannot see or swap another cell's files",
    cells: (ctx) => [
      {
        code: `import time
me = open(__file__).read()
open("secret.txt", "w").write(${py(ctx.secret)})
time.sleep(2.5)
print("victim intact" if open(__file__).read() == me and open("secret.txt").read() == ${py(ctx.secret)} else "victim changed")
`,
        limits: LIMITS,
      },
      {
        code: `import glob, os, time
time.sleep(0.5)
hits = []
for top in ["/"] + glob.glob("/proc/*/root") + glob.glob("/proc/*/cwd"):
    for root, dirs, files in os.walk(top):
        dirs[:] = [d for d in dirs if d not in ("usr", "proc", "sys", "dev")]
        hits += [os.path.join(root, f) for f in files if f in ("program.py", "secret.txt")]
for path in hits:
    if os.path.realpath(path) != "/cell/program.py":
        print("ESCAPED found", path)
        try:
            open(path, "w").write("raise SystemExit(0)\\n")
        except OSError as e:
            print("could not swap", path, e.strerror)
print("searched", len(hits))
`,
        limits: LIMITS,
      },
    ],
    check: ({ results: [victim, attacker] }, ctx, expect) => {
      expect(victim!.stdout, victim!.stderr).toContain('victim intact');
      noEscape(attacker!, expect);
      expect(attacker!.stdout).not.toContain(ctx.secret);
      expect(attacker!.stdout).toMatch(/^searched \d+$/m);
    },
  },
  {
    name: 'has no network, with socket or _socket',
    cells: (ctx) => [
      {
        code: `import socket, _socket
for label, make in [("socket", socket.socket), ("_socket", lambda: _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM))]:
    s = make()
    s.settimeout(2)
    try:
        s.connect(("127.0.0.1", ${ctx.port}))
        print("ESCAPED connected via", label)
    except OSError as e:
        print("blocked", label, e)
print("interfaces", [name for _, name in socket.if_nameindex()])
`,
        limits: LIMITS,
      },
    ],
    check: ({ results: [r] }, _, expect) => {
      noEscape(r!, expect);
      expect(r!.stdout.match(/^blocked/gm)).toHaveLength(2);
      expect(r!.stdout).toMatch(/^interfaces \['lo'\]$/m);
    },
  },
  {
    name: 'cannot signal llmlab, its parent or another cell',
    cells: (ctx) => [
      {
        code: `import os, signal, time
for label, pid in [("parent", os.getppid()), ("llmlab", ${ctx.llmlabPid}), ("vitest", ${ctx.testPid}), ("everything", -1)]:
    try:
        os.kill(pid, signal.SIGKILL)
        print("sent", label)
    except OSError as e:
        print("blocked", label, e.strerror)
time.sleep(0.5)
print("killer alive")
`,
        limits: LIMITS,
      },
      { code: 'import time\ntime.sleep(1.5)\nprint("bystander ok")\n', limits: LIMITS },
    ],
    check: ({ results: [killer, bystander] }, ctx, expect) => {
      expect(killer!.stdout, killer!.stderr).toContain('killer alive');
      expect(killer!.exitCode).toBe(0);
      expect(bystander!.stdout).toContain('bystander ok');
      expect(bystander!.exitCode).toBe(0);
      // Throws when the process is gone.
      expect(() => process.kill(ctx.testPid, 0)).not.toThrow();
    },
  },
];

/** Runs one attack's cells concurrently with `run`, then looks for processes it left behind. */
export async function runAttack(
  attack: Attack,
  ctx: AttackContext,
  run: (code: string, limits: SandboxLimits) => Promise<SandboxResult>,
): Promise<AttackReport> {
  const marker = `${ctx.marker}-${ATTACKS.indexOf(attack)}`;
  const results = await Promise.all(attack.cells(ctx, marker).map((cell) => run(cell.code, cell.limits)));
  return { name: attack.name, results, survivors: processesWith(marker) };
}
