/**
 * The last `capacity` characters of a stream, as chunks (appending is O(1);
 * old chunks fall off the front). A reattaching terminal client gets this
 * to redraw its screen.
 */
export class RingBuffer {
  readonly capacity: number;
  #chunks: string[] = [];
  #length = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  get length(): number {
    return this.#length;
  }

  push(text: string): void {
    if (text.length >= this.capacity) {
      this.#chunks = [text.slice(text.length - this.capacity)];
      this.#length = this.capacity;
      return;
    }
    this.#chunks.push(text);
    this.#length += text.length;
    while (this.#length > this.capacity) {
      const first = this.#chunks[0]!;
      const excess = this.#length - this.capacity;
      if (first.length <= excess) {
        this.#chunks.shift();
        this.#length -= first.length;
      } else {
        this.#chunks[0] = first.slice(excess);
        this.#length -= excess;
      }
    }
  }

  toString(): string {
    const joined = this.#chunks.join('');
    this.#chunks = joined ? [joined] : [];
    return joined;
  }
}
