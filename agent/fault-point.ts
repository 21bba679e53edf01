/**
 * Named points where the fault-injection tests kill the agent: with
 * `FF_FAULT_POINT=<name>` set, reaching `<name>` sends this process SIGKILL,
 * as a crash or a power cut would, at an exact step of a journaled operation
 * (tests/integration/agent/kill9-archive.test.ts). Unset, it does nothing.
 */
export function faultPoint(name: string): void {
  if (process.env.FF_FAULT_POINT === name) process.kill(process.pid, 'SIGKILL');
}
