/**
 * The automatic persisted queries store: least recently used documents are
 * dropped once the stored text passes `maxBytes`, so a client registering
 * endless documents cannot grow the router's memory.
 */
export class BoundedDocumentCache {
  private readonly entries = new Map<string, string>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  async get(key: string): Promise<string | undefined> {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    // Most recently used last.
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  async set(key: string, value: string): Promise<void> {
    const size = key.length + value.length;
    if (size > this.maxBytes) return;
    await this.delete(key);
    this.entries.set(key, value);
    this.bytes += size;
    for (const [oldest, text] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= oldest.length + text.length;
    }
  }

  async delete(key: string): Promise<boolean | undefined> {
    const value = this.entries.get(key);
    if (value === undefined) return false;
    this.entries.delete(key);
    this.bytes -= key.length + value.length;
    return true;
  }

  get size(): number {
    return this.entries.size;
  }
}
