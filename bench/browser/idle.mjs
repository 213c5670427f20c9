// Waiting for the browser to be idle before a timed load.
//
// Each new Playwright context is a new browser window, and Chromium builds the window's own
// pages (the address bar's popup, a WebUI renderer) as it opens: ~1 s of CPU over the next
// ~2 s on the 2-core machine (measured from /proc). A person's browser did that long before
// they opened Haven; timed loads that started at once shared the CPU with it. So each timed
// navigation waits until the browser's processes are idle. The page still starts with an
// empty cache: only the browser's own start-up is left out of the measurement.
import { readFileSync, readdirSync } from 'node:fs';

/** CPU milliseconds used so far by every process under this one (the browser's processes). */
function descendantsCpuMs() {
  const parent = new Map();
  const cpu = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(name), Number(fields[1]));
      // utime and stime, in clock ticks of 10 ms.
      cpu.set(Number(name), (Number(fields[11]) + Number(fields[12])) * 10);
    } catch {
      // The process ended while we looked.
    }
  }
  let total = 0;
  for (const [pid, ms] of cpu) {
    let up = parent.get(pid);
    while (up !== undefined && up !== process.pid && up > 1) up = parent.get(up);
    if (up === process.pid) total += ms;
  }
  return total;
}

/**
 * Resolves once the browser's processes used less than 5 % of a core over half a second
 * (at most `limitMs` later).
 */
export async function browserIdle(limitMs = 6000) {
  const started = Date.now();
  let last = descendantsCpuMs();
  while (Date.now() - started < limitMs) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const now = descendantsCpuMs();
    if (now - last < 25) return;
    last = now;
  }
}
