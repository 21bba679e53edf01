import { join } from 'node:path';
import { TranscriptLog } from '../../agent/store/transcript-log.js';
import { tempDir } from '../helpers/temp.js';
import { type Figure, figure } from './figure.js';

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
  dir.cleanup();
}
