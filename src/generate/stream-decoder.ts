// Turning a growing list of token ids into text as it comes: each push returns only the new text.
// Byte-level tokens can end in the middle of a UTF-8 character; such a tail (decoded as U+FFFD)
// is held back until the next token completes it.
export class StreamDecoder {
  private ids: number[] = [];
  private emitted = '';
  constructor(private readonly decode: (ids: readonly number[]) => string) {}

  push(id: number): string {
    this.ids.push(id);
    let text = this.decode(this.ids);
    while (text.endsWith('\uFFFD')) text = text.slice(0, -1);
    if (!text.startsWith(this.emitted)) {
      this.emitted = text;
      return '';
    }
    const fresh = text.slice(this.emitted.length);
    this.emitted = text;
    return fresh;
  }

  /** Whatever is left (including a genuinely invalid tail). */
  flush(): string {
    const text = this.decode(this.ids);
    const fresh = text.startsWith(this.emitted) ? text.slice(this.emitted.length) : '';
    this.emitted = text;
    return fresh;
  }
}
