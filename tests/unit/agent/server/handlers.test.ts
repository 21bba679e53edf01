import { describe, expect, it } from 'vitest';
import { composeHandlers, type HandlerTable, handledMethods } from '../../../../agent/server/handlers.js';
import { methods } from '../../../../shared/protocol.js';

/** A table answering `names` (with handlers of any shape: composeHandlers looks only at which methods). */
function tableFor(names: readonly string[]): HandlerTable {
  return Object.fromEntries(names.map((name) => [name, () => name])) as HandlerTable;
}

const all = handledMethods;
const withoutBoards = all.filter((m) => !m.startsWith('board.'));
const boards = all.filter((m) => m.startsWith('board.'));

describe('composeHandlers', () => {
  it('the handled methods are every protocol method but subscribe and unsubscribe', () => {
    expect([...handledMethods, 'subscribe', 'unsubscribe'].sort()).toEqual(Object.keys(methods).sort());
  });

  it('joins the modules’ tables into one with every method, keeping each module’s handler', () => {
    const parts = [tableFor(withoutBoards), tableFor(boards)];
    const table = composeHandlers(parts);
    expect(Object.keys(table).sort()).toEqual([...all].sort());
    expect(table['board.get']).toBe(parts[1]!['board.get']);
    expect(table.status).toBe(parts[0]!.status);
  });

  it.each([
    ['a method no module registers', [tableFor(withoutBoards)], 'No handler for board.get, board.refresh.'],
    [
      'a method two modules register',
      [tableFor(all), tableFor(['status'])],
      'Two modules register a handler for status.',
    ],
    [
      'a method the protocol lacks',
      [tableFor([...all, 'board.delete'])],
      'Handlers for methods the protocol lacks: board.delete.',
    ],
    [
      'subscribe, which the server answers itself',
      [tableFor([...all, 'subscribe'])],
      'Handlers for methods the protocol lacks: subscribe.',
    ],
  ])('refuses %s', (_case, parts, message) => {
    expect(() => composeHandlers(parts)).toThrow(message);
  });
});
