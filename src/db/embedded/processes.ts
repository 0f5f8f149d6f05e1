import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * Whether a pid belongs to a running process. A zombie counts as dead: an
 * orphan killed after its parent was SIGKILLed may linger as one until reaped.
 */
export function isAlive(pid: number | null | undefined): pid is number {
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return procState(pid) !== 'Z';
}

function procState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name in parentheses may itself contain spaces or ')'.
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
}

/** The full command line of a pid, or undefined when it cannot be read. */
export function commandLine(pid: number): string | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (raw) return raw.split('\0').filter(Boolean).join(' ');
  } catch {
    // Not Linux (or no /proc): fall back to ps below.
  }
  try {
    const out = execFileSync('ps', ['-o', 'command=', '-p', String(pid)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    return out || undefined;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * SIGTERM, then SIGKILL after `graceMs`, for a pid that is not our child (so
 * there is no 'exit' event to wait on). Resolves true once the pid is gone.
 */
export async function terminatePid(pid: number, graceMs = 5000): Promise<boolean> {
  const signalAndWait = async (signal: NodeJS.Signals, waitMs: number) => {
    try {
      process.kill(pid, signal);
    } catch {
      return !isAlive(pid);
    }
    const deadline = Date.now() + waitMs;
    while (Date.now() < deadline) {
      if (!isAlive(pid)) return true;
      await sleep(50);
    }
    return !isAlive(pid);
  };
  if (!isAlive(pid)) return true;
  return (await signalAndWait('SIGTERM', graceMs)) || (await signalAndWait('SIGKILL', 2000));
}
