/**
 * Turns a stream of chunks into complete lines. Chunks are kept in a list
 * until a newline arrives, so a 5 MB line costs one join, not a quadratic
 * series of concatenations.
 */
export class LineSplitter {
  #pending: string[] = [];

  /** Returns the lines completed by this chunk (without their newlines). */
  push(chunk: string): string[] {
    const lines: string[] = [];
    let start = 0;
    for (let nl = chunk.indexOf('\n'); nl !== -1; nl = chunk.indexOf('\n', start)) {
      this.#pending.push(chunk.slice(start, nl));
      const line = this.#pending.join('');
      this.#pending = [];
      if (line.trim()) lines.push(line.endsWith('\r') ? line.slice(0, -1) : line);
      start = nl + 1;
    }
    if (start < chunk.length) this.#pending.push(chunk.slice(start));
    return lines;
  }

  /** Whatever is left when the stream ends (a last line without newline). */
  flush(): string | undefined {
    const rest = this.#pending.join('');
    this.#pending = [];
    return rest.trim() ? rest : undefined;
  }
}
