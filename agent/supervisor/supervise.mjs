// ff's child supervisor: `node supervise.mjs <command> [args…]`, started by
// ff-agent with a lifeline socket on fd 3. It runs the command in a process
// group of its own (stdin/stdout/stderr passed straight through) and ends
// that whole group — SIGTERM, then SIGKILL after a second — as soon as the
// lifeline closes, which happens when ff-agent dies in any way, kill -9
// included. Node has no prctl(PDEATHSIG); this works wherever there are
// process groups. Plain JavaScript so it runs without a build step.
import { spawn } from 'node:child_process';
import { Socket } from 'node:net';

const KILL_AFTER_MS = 1_000;
const [command, ...args] = process.argv.slice(2);
if (!command) {
  process.stderr.write('supervise: no command given\n');
  process.exit(2);
}

const env = { ...process.env };
if (env.FF_SUPERVISED_NODE_OPTIONS !== undefined) {
  env.NODE_OPTIONS = env.FF_SUPERVISED_NODE_OPTIONS;
  delete env.FF_SUPERVISED_NODE_OPTIONS;
}
const child = spawn(command, args, { stdio: 'inherit', detached: true, env });
const lifeline = new Socket({ fd: 3, readable: true, writable: true });
let ending = false;

function signalGroup(signal) {
  if (!child.pid) return false;
  try {
    process.kill(-child.pid, signal);
    return true;
  } catch {
    return false; // the group is gone
  }
}

/** SIGTERM to the group; SIGKILL to whatever is left a second later. */
function endGroup(signal = 'SIGTERM') {
  if (!signalGroup(signal)) return;
  setTimeout(() => signalGroup('SIGKILL'), KILL_AFTER_MS).unref();
}

function lifelineLost() {
  if (ending) return;
  ending = true;
  endGroup('SIGTERM');
  // Stay until the group is gone (or SIGKILLed), then go.
  const poll = setInterval(() => {
    if (!signalGroup(0)) process.exit(1);
  }, 50);
  setTimeout(() => {
    signalGroup('SIGKILL');
    clearInterval(poll);
    process.exit(1);
  }, KILL_AFTER_MS + 200);
}

lifeline.on('end', lifelineLost);
lifeline.on('close', lifelineLost);
lifeline.on('error', lifelineLost);
lifeline.on('data', () => {});

child.on('spawn', () => {
  lifeline.write(`${child.pid}\n`);
});
child.on('error', (error) => {
  process.stderr.write(`${command}: ${error.message}\n`);
  process.exit(127);
});

// Signals meant for the command (the agent stopping it, a terminal's Ctrl-C) go to its whole group.
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) {
  process.on(signal, () => endGroup(signal));
}

child.on('exit', (code, signal) => {
  lifeline.removeAllListeners();
  lifeline.on('error', () => {});
  const finish = () => {
    lifeline.destroy();
    if (signal) {
      for (const s of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.removeAllListeners(s);
      process.kill(process.pid, signal);
      return;
    }
    process.exit(code ?? 1);
  };
  // What the command left running in its group (a Bash tool's background job) ends with it.
  if (!signalGroup('SIGTERM')) return finish();
  const started = Date.now();
  const poll = setInterval(() => {
    if (signalGroup(0) && Date.now() - started < KILL_AFTER_MS) return;
    signalGroup('SIGKILL');
    clearInterval(poll);
    finish();
  }, 20);
});
