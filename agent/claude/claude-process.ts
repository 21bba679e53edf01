import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { type ClaudeLine, parseClaudeLine } from '../../shared/claude-messages.js';
import { type SupervisedChild, spawnSupervised } from '../supervisor/spawn-supervised.js';
import { TailBuffer } from '../tail-buffer.js';
import { LineSplitter } from './line-splitter.js';

export interface ClaudeProcessEvents {
  line: [line: ClaudeLine];
  stderr: [text: string];
  exit: [code: number | null, signal: NodeJS.Signals | null];
  /** The claude process's own pid (it leads its process group), once it runs. */
  pid: [pid: number];
}

/**
 * One `claude -p --input-format stream-json` process: user turns and control
 * messages go in as JSON lines on stdin; every stdout line comes out parsed
 * (never dropped). Thin on purpose — the session decides what lines mean.
 */
export class ClaudeProcess extends EventEmitter<ClaudeProcessEvents> {
  readonly #child: ChildProcess;
  readonly #supervised: SupervisedChild;
  readonly #stderrTail = new TailBuffer(20);
  #exited = false;
  #pid: number | undefined;

  constructor(bin: string, args: string[], cwd: string, env: NodeJS.ProcessEnv) {
    super();
    // Supervised: claude and everything it starts (a Bash tool's shell) end with the agent, kill -9 included.
    const supervised = spawnSupervised(bin, args, {
      cwd,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    this.#supervised = supervised;
    this.#child = supervised.child;
    void supervised.pid.then((pid) => {
      if (pid === undefined || this.#exited) return;
      this.#pid = pid;
      this.emit('pid', pid);
    });
    const splitter = new LineSplitter();
    this.#child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of splitter.push(chunk)) this.emit('line', parseClaudeLine(line));
    });
    this.#child.stdout?.on('end', () => {
      const rest = splitter.flush();
      if (rest) this.emit('line', parseClaudeLine(rest));
    });
    this.#child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      this.#stderrTail.push(text);
      this.emit('stderr', text);
    });
    // EPIPE when the process died before reading what we wrote: the exit event reports it.
    this.#child.stdin?.on('error', () => {});
    this.#child.on('error', (error) => {
      this.#stderrTail.push(`${error.message}\n`);
      if (!this.#exited) {
        this.#exited = true;
        this.emit('exit', 127, null);
      }
    });
    this.#child.on('close', (code, signal) => {
      if (this.#exited) return;
      this.#exited = true;
      this.emit('exit', code, signal);
    });
  }

  /** claude's own pid, once known (not its supervisor's). */
  get pid(): number | undefined {
    return this.#pid;
  }

  get exited(): boolean {
    return this.#exited;
  }

  get stderrTail(): string {
    return this.#stderrTail.toString();
  }

  sendUser(text: string): void {
    this.#write({ type: 'user', message: { role: 'user', content: text } });
  }

  /** Stops the current turn; the process stays up for the next one. */
  interrupt(): void {
    this.#write({
      type: 'control_request',
      request_id: `ff-${randomUUID()}`,
      request: { subtype: 'interrupt' },
    });
  }

  answerPermission(requestId: string, allow: boolean, input: unknown, message?: string): void {
    this.#write({
      type: 'control_response',
      response: {
        subtype: 'success',
        request_id: requestId,
        response: allow
          ? { behavior: 'allow', updatedInput: input }
          : { behavior: 'deny', message: message ?? 'The user denied this.' },
      },
    });
  }

  /** Ends input: the CLI finishes and exits. */
  closeInput(): void {
    this.#child.stdin?.end();
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (!this.#exited) this.#supervised.kill(signal);
  }

  #write(message: unknown): void {
    if (this.#exited || !this.#child.stdin?.writable) return;
    this.#child.stdin.write(`${JSON.stringify(message)}\n`);
  }
}
