import type { HandlerTable } from '../server/handlers.js';
import type { Fleet } from './fleet.js';

/** `fleet.*`: every session at a glance, and what they cost. */
export function fleetHandlers(fleet: Fleet) {
  return {
    'fleet.status': () => fleet.status(),
    'fleet.costs': (params) => fleet.costs(params?.days ?? 30),
  } satisfies HandlerTable;
}
