/** Keeps the last `max` lines of a stream of chunks. */
export class TailBuffer {
  readonly #max: number;
  #text = '';
  constructor(max = 20) {
    this.#max = max;
  }
  push(chunk: string): void {
    this.#text += chunk;
    const lines = this.#text.split('\n');
    if (lines.length > this.#max + 1) this.#text = lines.slice(-(this.#max + 1)).join('\n');
    if (this.#text.length > 16_384) this.#text = this.#text.slice(-16_384);
  }
  toString(): string {
    return this.#text
      .split('\n')
      .slice(-this.#max - 1)
      .join('\n')
      .trim();
  }
}
