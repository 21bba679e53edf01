import { methods } from '../../shared/protocol.js';
import type { HandledMethod, MethodHandlers } from './agent-server.js';

/**
 * What a domain module registers: handlers for some of the protocol's methods.
 * A module writes `{ … } satisfies HandlerTable`, so a misspelt or unknown
 * method, or a handler of the wrong shape, fails to compile in that module.
 */
export type HandlerTable = Partial<MethodHandlers>;

type MethodsIn<Parts extends readonly HandlerTable[]> = { [I in keyof Parts]: keyof Parts[I] }[number];

/** Every method the agent's handlers answer (the server answers subscribe/unsubscribe itself). */
export const handledMethods: readonly HandledMethod[] = Object.keys(methods).filter(
  (name): name is HandledMethod => name !== 'subscribe' && name !== 'unsubscribe',
);

/**
 * The modules' tables as one. Its type holds only the methods the parts
 * cover, so passing it where a `MethodHandlers` is wanted fails to compile
 * while any method lacks a handler; and it refuses at start-up a method
 * claimed by two modules, or any method left without a handler.
 */
export function composeHandlers<const Parts extends readonly HandlerTable[]>(
  parts: Parts,
): Pick<MethodHandlers, MethodsIn<Parts> & HandledMethod> {
  const table: Record<string, unknown> = {};
  for (const part of parts) {
    for (const [method, handler] of Object.entries(part)) {
      if (Object.hasOwn(table, method)) throw new Error(`Two modules register a handler for ${method}.`);
      table[method] = handler;
    }
  }
  const missing = handledMethods.filter((method) => typeof table[method] !== 'function');
  if (missing.length > 0) throw new Error(`No handler for ${missing.join(', ')}.`);
  const known = new Set<string>(handledMethods);
  const unknown = Object.keys(table).filter((method) => !known.has(method));
  if (unknown.length > 0) throw new Error(`Handlers for methods the protocol lacks: ${unknown.join(', ')}.`);
  return table as MethodHandlers;
}
