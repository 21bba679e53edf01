import {
  AgentError,
  describeZodError,
  type MethodName,
  type MethodResult,
  methods,
  type ParsedParams,
} from '../../shared/protocol.js';

/** A request's params, checked against its method's schema: INVALID_PARAMS says what is wrong. */
export function parseParams<M extends MethodName>(method: M, raw: unknown): ParsedParams<M> {
  const parsed = methods[method].params.safeParse(raw);
  if (!parsed.success) throw new AgentError('INVALID_PARAMS', describeZodError('params', parsed.error));
  return parsed.data as ParsedParams<M>;
}

/** What we send is validated as strictly as what we receive: a shape bug surfaces here, not in a UI. */
export function checkResult<M extends MethodName>(method: M, result: unknown): MethodResult<M> {
  const checked = methods[method].result.safeParse(result);
  if (!checked.success) {
    throw new Error(`${method} produced an invalid result: ${describeZodError('result', checked.error)}`);
  }
  return checked.data as MethodResult<M>;
}
