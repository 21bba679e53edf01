/**
 * A method's result that is already JSON, sent as it is: what the relay
 * passes on unread from a remote agent (agent/remote/remote-socket.ts). The
 * server neither checks nor encodes it again — the remote checked it against
 * the same protocol version, and the client checks what it receives — so a
 * big answer is held here once, as the bytes that came, not as a string, a
 * parsed copy, a checked copy and a new string as well.
 */
export class EncodedResult {
  constructor(
    /** One JSON value, UTF-8 (checked with `isOneJsonValue`: it cannot add to the frame around it). */
    readonly json: Uint8Array,
  ) {}
}
