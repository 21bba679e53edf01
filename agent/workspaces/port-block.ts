import { createServer } from 'node:net';
import type { PortBlock } from '../../shared/domain.js';
import { AgentError } from '../../shared/protocol.js';

/**
 * Each workspace owns a block of consecutive ports (Conductor's convention:
 * 10, the first exported as FF_PORT and CONDUCTOR_PORT), chosen at create so
 * two dev servers never fight over port 3000. A block is checked free by
 * binding each port, kept on the record (stable across restarts), released
 * at archive, and never overlaps another workspace's on this machine.
 */

export const PORT_BLOCK_SIZE = 10;
/** Where blocks are taken from: above the usual dev ports (3000, 5173, 8080), below Linux's ephemeral range (32768+). */
export const PORT_RANGE = { start: 20_000, end: 30_000 } as const;

/** Whether two blocks share a port. Pure. */
export function blocksOverlap(a: PortBlock, b: PortBlock): boolean {
  return a.first < b.first + b.count && b.first < a.first + a.count;
}

/**
 * The blocks a new workspace may take, in the order to try them: each
 * aligned block of the range that overlaps no block held by another
 * workspace. Pure.
 */
export function blockCandidates(
  held: readonly PortBlock[],
  range: { start: number; end: number } = PORT_RANGE,
  count = PORT_BLOCK_SIZE,
): PortBlock[] {
  const candidates: PortBlock[] = [];
  for (let first = range.start; first + count <= range.end; first += count) {
    const block = { first, count };
    if (!held.some((other) => blocksOverlap(block, other))) candidates.push(block);
  }
  return candidates;
}

/**
 * Whether nothing listens on the port: a bind to 127.0.0.1 fails when a
 * program listens there, on 0.0.0.0 or (dual-stack) on `::`, and the probe
 * never listens beyond loopback.
 */
export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** The first candidate block whose every port is free now. */
export async function chooseFreeBlock(
  held: readonly PortBlock[],
  isFree: (port: number) => Promise<boolean> = portFree,
  range: { start: number; end: number } = PORT_RANGE,
): Promise<PortBlock> {
  for (const block of blockCandidates(held, range)) {
    // Probed at once: ten binds one after another were a tenth of a workspace's create time.
    const ports = Array.from({ length: block.count }, (_, n) => block.first + n);
    if ((await Promise.all(ports.map(isFree))).every(Boolean)) return block;
  }
  throw new AgentError(
    'UNAVAILABLE',
    `No free block of ${PORT_BLOCK_SIZE} ports is left between ${range.start} and ${range.end}: archive workspaces you no longer run, or end what listens there.`,
  );
}

/**
 * Port blocks are chosen one at a time: the held blocks are read and the
 * new one recorded before the next choice, so two workspaces made at once
 * never get the same block.
 */
export class PortBlocks {
  #tail: Promise<unknown> = Promise.resolve();
  readonly #held: () => PortBlock[];
  readonly #isFree: (port: number) => Promise<boolean>;

  constructor(held: () => PortBlock[], isFree: (port: number) => Promise<boolean> = portFree) {
    this.#held = held;
    this.#isFree = isFree;
  }

  /** Chooses a block and runs `record` with it before anyone else may choose. */
  claim<T>(record: (block: PortBlock) => Promise<T>): Promise<T> {
    const run = async () => record(await chooseFreeBlock(this.#held(), this.#isFree));
    const result = this.#tail.then(run, run);
    this.#tail = result.catch(() => {});
    return result;
  }
}
