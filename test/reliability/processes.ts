import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

// Linux process trees, read from /proc: what a stack started, and whether any of it still runs.

export interface Proc {
  pid: number;
  /** Start time in clock ticks since boot: with the pid, it names one process even if the pid is reused. */
  startedAt: string;
  cmdline: string;
}

interface Stat {
  ppid: number;
  state: string;
  startedAt: string;
}

/** /proc/<pid>/stat; the fields are counted after the command name, which may hold spaces and ')'. */
const stat = (pid: number): Stat | undefined => {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // state is field 3 of stat(5), ppid 4, starttime 22.
  return { state: fields[0]!, ppid: Number(fields[1]), startedAt: fields[19]! };
};

const cmdline = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    return '';
  }
};

/** `root` and every process descended from it, by walking the ppid of every process. */
export const processTree = (root: number): Proc[] => {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    const ppid = Number.isInteger(pid) ? stat(pid)?.ppid : undefined;
    if (ppid !== undefined) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  const tree: Proc[] = [];
  const queue = [root];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    const found = stat(pid);
    if (found) tree.push({ pid, startedAt: found.startedAt, cmdline: cmdline(pid) });
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
};

/** Still running: same pid and start time, and not a zombie (an exited child its new parent never reaped). */
export const isAlive = (proc: Proc) => {
  const now = stat(proc.pid);
  return now !== undefined && now.startedAt === proc.startedAt && now.state !== 'Z';
};

/** The processes of `procs` still alive once they all exit or `withinMs` has passed. */
export const survivors = async (procs: Proc[], withinMs: number) => {
  const until = Date.now() + withinMs;
  for (;;) {
    const alive = procs.filter(isAlive);
    if (alive.length === 0 || Date.now() > until) return alive;
    await sleep(100);
  }
};
