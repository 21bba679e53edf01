import { join } from 'node:path';
import { sessionEventOf } from '../../agent/claude/session-event.js';
import { TranscriptLog } from '../../agent/store/transcript-log.js';
import { tempDir } from '../helpers/temp.js';
import { type Figure, figure, median } from './figure.js';

/** Appending stays O(1): the last 1,000 of 100,000 appends cost about what the first 1,000 did. */
export async function* figures(): AsyncGenerator<Figure> {
  const dir = tempDir();
  const log = TranscriptLog.open(join(dir.path, 'bench.jsonl'));
  const event = { type: 'assistant', message: { content: [{ type: 'text', text: 'x'.repeat(200) }] } };
  const batches: number[] = [];
  for (let batch = 0; batch < 100; batch++) {
    const started = performance.now();
    for (let n = 0; n < 1000; n++) log.append(event);
    batches.push(performance.now() - started);
  }
  const first = batches[0]!;
  const last = batches[batches.length - 1]!;
  yield figure('transcript.append_last_1000_vs_first_1000', last, 'ms', first);
  const started = performance.now();
  const tail = log.readFrom(99_000);
  yield figure('transcript.read_last_1000_of_100000', performance.now() - started, 'ms');
  if (tail.length !== 1000) throw new Error(`expected 1000 entries, got ${tail.length}`);
  log.close();
  yield* replayFigures(dir.path);
  dir.cleanup();
}

/**
 * A replay (`session.events`, a popup opening a chat) turns each stored CLI line into its entries
 * at read time: that derivation for the newest 1,000 lines of a busy session (tool calls and their
 * results, as the CLI prints them), against only reading them.
 */
function* replayFigures(dir: string): Generator<Figure> {
  const log = TranscriptLog.open(join(dir, 'replay.jsonl'));
  for (let n = 0; n < 1000; n++) {
    const id = `toolu_${n}`;
    log.append({
      kind: 'claude',
      line: {
        type: 'assistant',
        message: {
          id: `msg_${n}`,
          role: 'assistant',
          content: [
            { type: 'text', text: `Step ${n}: reading the file. ${'x'.repeat(200)}` },
            { type: 'tool_use', id, name: 'Read', input: { file_path: `/repo/src/file-${n}.ts` } },
          ],
        },
        session_id: 's',
      },
    });
    log.append({
      kind: 'claude',
      line: {
        type: 'user',
        message: {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: id, content: 'y'.repeat(2000) }],
        },
        session_id: 's',
      },
    });
  }
  const reads: number[] = [];
  const derivations: number[] = [];
  for (let round = 0; round < 5; round++) {
    const started = performance.now();
    const stored = log.readFrom(1000);
    const read = performance.now();
    const events = stored.map((entry) => sessionEventOf(entry.data, entry.ts));
    derivations.push(performance.now() - read);
    reads.push(read - started);
    if (events.length !== 1000 || events[0]?.kind !== 'claude')
      throw new Error('expected 1000 claude events');
  }
  yield figure('transcript.replay_entries_of_last_1000.median', median(derivations), 'ms', median(reads));
  log.close();
}
