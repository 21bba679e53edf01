import { describe, expect, it } from 'vitest';
import { KeyedMutex } from '../../../agent/keyed-mutex.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('KeyedMutex', () => {
  it('runs tasks of one key one at a time, in order; other keys run alongside', async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    let inside = 0;
    let most = 0;
    const task = (name: string) => async () => {
      inside++;
      most = Math.max(most, inside);
      log.push(`start ${name}`);
      await tick();
      log.push(`end ${name}`);
      inside--;
      return name;
    };
    const results = await Promise.all([
      mutex.run('repo', task('a')),
      mutex.run('repo', task('b')),
      mutex.run('repo', task('c')),
    ]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(most).toBe(1);
    inside = 0;
    most = 0;
    await Promise.all([mutex.run('x', task('x')), mutex.run('y', task('y'))]);
    expect(most).toBe(2);
  });

  it('a failing task does not block the next one', async () => {
    const mutex = new KeyedMutex();
    const failed = mutex.run('k', async () => {
      throw new Error('boom');
    });
    await expect(failed).rejects.toThrow('boom');
    await expect(mutex.run('k', async () => 'next')).resolves.toBe('next');
  });
});
